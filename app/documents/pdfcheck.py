"""Is an uploaded PDF a plain document? `active_content(data)` names what it carries besides
pages: JavaScript, actions that start a program or open a file elsewhere, embedded files,
forms that send data, or HTML (a file that is both a web page and a PDF, a "polyglot").

A signed scan is evidence and is offered for download to staff; none of these belong in it.
Pure function of bytes (pypdf); every object reachable from the trailer is looked at, also
those packed in object streams, and the raw bytes as well for what the parser does not reach.
"""

from __future__ import annotations

import re
from io import BytesIO

ACTIVE_NAMES = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/Launch": "een startactie (Launch)",
    "/EmbeddedFile": "ingesloten bestanden",
    "/EmbeddedFiles": "ingesloten bestanden",
    "/RichMedia": "ingesloten media",
    "/XFA": "een XFA-formulier",
    "/SubmitForm": "een formulier dat gegevens verstuurt",
    "/ImportData": "een actie die gegevens inleest",
    "/GoToR": "een koppeling naar een ander bestand",
    "/GoToE": "een koppeling naar een ingesloten bestand",
}
RAW = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData|"
                 rb"GoToR|GoToE)(?![A-Za-z0-9])")
HTML = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|meta)\b",
                  re.IGNORECASE)
MAX_OBJECTS = 200_000  # a scan has a few hundred; more is an attack on the checker itself


class UnreadablePdf(ValueError):
    """pypdf could not read the file."""


def active_content(data: bytes) -> list[str]:
    """The kinds of active content in `data` (Dutch, for a message), none when it is plain.

    Raises UnreadablePdf when the file cannot be parsed at all.
    """
    found: list[str] = []
    if not data.startswith(b"%PDF-") or HTML.search(data):
        found.append("HTML (het bestand is ook een webpagina)")
    for match in RAW.finditer(data):
        _add(found, ACTIVE_NAMES["/" + match[1].decode()])
    for name in _names_in_objects(data):
        _add(found, ACTIVE_NAMES[name])
    return found


def _add(found: list[str], label: str) -> None:
    if label not in found:
        found.append(label)


def _names_in_objects(data: bytes) -> set[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject
    from pypdf.generic import DictionaryObject
    from pypdf.generic import IndirectObject
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(BytesIO(data))
        stack = [reader.trailer]
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as exc:
        raise UnreadablePdf(str(exc)) from None
    seen: set[tuple[int, int]] = set()
    names: set[str] = set()
    visited = 0
    while stack and visited < MAX_OBJECTS:
        node = stack.pop()
        visited += 1
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            try:
                node = node.get_object()
            except (PdfReadError, ValueError, OSError, KeyError, TypeError, RecursionError):
                continue
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ACTIVE_NAMES:
                    names.add(key)
                if isinstance(value, NameObject) and value in ACTIVE_NAMES and key in (
                        "/S", "/Type", "/Subtype"):
                    names.add(str(value))
                if key != "/Parent":
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    if stack:
        raise UnreadablePdf("too many objects")
    return names
