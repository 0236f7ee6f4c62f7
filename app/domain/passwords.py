"""The password rule for staff accounts: long enough, not common, not one character repeated.

`check_password` returns nothing or raises InputError with a Dutch message. The list of common
passwords (app/domain/common_passwords.txt) is small and made for this project: the most
common English and Dutch passwords and words; a password whose letters, with digits and signs
around them stripped, are on it is refused (`Wachtwoord2026!` is `wachtwoord`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from app.domain.validation import InputError

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 takes any length; nobody types more
MIN_DISTINCT = 6
FIELD, LABEL = "password", "Wachtwoord"
SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
             "azertyuiopqsdfghjklmwxcvbn")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Refuse a weak password with a Dutch message (InputError on field `password`)."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise InputError(FIELD, LABEL, f"gebruik minstens {MIN_LENGTH} tekens.")
    if len(password) > MAX_LENGTH:
        raise InputError(FIELD, LABEL, f"gebruik hoogstens {MAX_LENGTH} tekens.")
    lowered = password.lower()
    if len(set(lowered)) < MIN_DISTINCT or _repeats(lowered) or _sequence(lowered):
        raise InputError(FIELD, LABEL, "herhaalt te veel dezelfde tekens of is een reeks; "
                         "kies bijvoorbeeld vier losse woorden.")
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    if lowered in common_passwords() or core in common_passwords():
        raise InputError(FIELD, LABEL, "dit wachtwoord is te bekend en wordt als eerste "
                         "geraden; kies bijvoorbeeld vier losse woorden.")
    personal = {part for part in re.split(r"[\W_]+", f"{email.partition('@')[0]} {name}".lower())
                if len(part) >= 4}
    if any(lowered == part or core == part for part in personal):
        raise InputError(FIELD, LABEL, "gebruik niet uw naam of e-mailadres als wachtwoord.")


def _repeats(text: str) -> bool:
    """The whole text is one short piece repeated: `aaaaaaaaaaaa`, `abcabcabcabc`."""
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size)
               for size in range(1, len(text) // 2 + 1))


def _sequence(text: str) -> bool:
    """The text runs along a row of the keyboard or the alphabet: `123456789012`, `qwertyuiop`."""
    compact = re.sub(r"[\W_]+", "", text)
    return len(compact) >= MIN_LENGTH - 2 and any(
        compact in seq * 3 or compact in seq[::-1] * 3 for seq in SEQUENCES)
