"""The formal Dutch salutation for a person known by full name only."""

from __future__ import annotations

# Tussenvoegsels: written in lower case inside a name, with a capital when the surname
# stands alone ("Jan de Vries" -> "mevrouw/heer De Vries").
PARTICLES = frozenset({
    "van", "de", "der", "den", "het", "'t", "ten", "ter", "te", "op", "in", "el", "al",
    "la", "le", "da", "du", "von", "vander", "vd", "uit", "aan", "bij", "onder", "over",
})


def surname(full_name: str) -> str:
    """The surname with its tussenvoegsels, capitalised to stand alone: "De Vries"."""
    words = full_name.split()
    if len(words) < 2:
        return full_name.strip()
    index = len(words) - 1
    while index > 1 and words[index - 1].lower() in PARTICLES:
        index -= 1
    if index == len(words) - 1 and words[index - 1].lower() in PARTICLES:
        index -= 1
    name = " ".join(words[index:])
    return name[:1].upper() + name[1:]


def formal_salutation(full_name: str) -> str:
    """'Geachte mevrouw/heer De Vries' (the gender is not known, so both)."""
    return f"Geachte mevrouw/heer {surname(full_name)}"


def designation(name: str, kind: str) -> str:
    """How a letter names the organisation in a sentence: "de gemeente Zwolle" for a
    gemeente, the name itself for any other organisation."""
    return f"de gemeente {name}" if kind == "gemeente" else name
