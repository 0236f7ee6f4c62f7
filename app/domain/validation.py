"""Checks on what a person types, each returning the cleaned value or raising InputError.

Every message is Dutch and names the field, so a form can show it beside that field and an
API can return it as is. Names and places may be in any script and may hold `&`, `<` and
quotes: escaping is the renderer's job, not a reason to refuse input.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError
from email_validator import validate_email

from app.domain.formatting import format_postcode

POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Z]{2}$")
POSTCODE_NOT_ISSUED = {"SA", "SD", "SS"}
CBS_CODE = re.compile(r"^GM[0-9]{4}$")
KVK = re.compile(r"^[0-9]{8}$")
OIN = re.compile(r"^[0-9]{20}$")
MAX_TEXT = 200
# Tabs and line breaks (pasted text) are folded to a space; the zero-width (non-)joiner is part
# of the spelling of Persian, Arabic and Indic names.
ALLOWED_FORMAT = "\t\n\r\u200c\u200d"


class InputError(ValueError):
    """One wrong value: `field` is the input's name, `label` how people call it."""

    def __init__(self, field: str, label: str, message: str):
        super().__init__(f"{label}: {message}")
        self.field = field
        self.label = label
        self.message = f"{label}: {message}"


def clean_text(value: str | None, field: str, label: str, *, required: bool = True,
               max_length: int = MAX_TEXT) -> str:
    """A name, function or place: any script, letters required, no control characters."""
    raw = unicodedata.normalize("NFC", value or "")
    # Checked before whitespace is collapsed: \s also matches control characters such as
    # U+001C..U+001F and U+0085, which would otherwise slip through as a space. Tabs and line
    # breaks (pasted text) are only collapsed to one space.
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} and ch not in ALLOWED_FORMAT
           for ch in raw):
        raise InputError(field, label, "bevat onzichtbare of ongeldige tekens.")
    text = re.sub(r"\s+", " ", raw).strip()
    if not text:
        if required:
            raise InputError(field, label, "vul dit veld in.")
        return ""
    if len(text) > max_length:
        raise InputError(field, label, f"gebruik hoogstens {max_length} tekens.")
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        raise InputError(field, label, "moet ten minste één letter bevatten.")
    return text


def clean_postcode(value: str | None, field: str = "postcode", label: str = "Postcode") -> str:
    """A Dutch postcode, returned as `1234 AB`."""
    compact = (value or "").strip().upper()
    if not compact:
        raise InputError(field, label, "vul een postcode in, bijvoorbeeld 3511 GC.")
    if not POSTCODE.match(compact) or compact[-2:] in POSTCODE_NOT_ISSUED:
        raise InputError(field, label, "een Nederlandse postcode is vier cijfers en twee letters, "
                         "bijvoorbeeld 3511 GC.")
    return format_postcode(compact)


def clean_phone(value: str | None, field: str = "phone", label: str = "Telefoon") -> str:
    """A phone number (Dutch by default), returned in international format: `+31 30 123 4567`."""
    text = (value or "").strip()
    if not text:
        raise InputError(field, label, "vul een telefoonnummer in, bijvoorbeeld 030 123 4567.")
    if any(ch.isalpha() for ch in text):
        # phonenumbers reads letters as a keypad ("0800 FLOWERS"): refuse them instead.
        raise InputError(field, label, "gebruik alleen cijfers, spaties, streepjes en een +; "
                         "bijvoorbeeld 030 123 4567.")
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InputError(field, label, "dit is geen geldig telefoonnummer; gebruik bijvoorbeeld "
                         "030 123 4567 of +31 30 123 4567.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def clean_email(value: str | None, field: str = "email", label: str = "E-mailadres") -> str:
    """An e-mail address, normalised (domain in lower case); no DNS look-up."""
    text = (value or "").strip()
    if not text:
        raise InputError(field, label, "vul een e-mailadres in, bijvoorbeeld naam@gemeente.nl.")
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InputError(field, label, "dit is geen geldig e-mailadres; gebruik de vorm "
                         "naam@organisatie.nl.") from None


def clean_cbs_code(value: str | None, field: str = "cbs_code",
                   label: str = "CBS-gemeentecode") -> str:
    """A CBS gemeentecode: GM and four digits, e.g. GM0344."""
    text = (value or "").strip().upper()
    if not CBS_CODE.match(text):
        raise InputError(field, label, "een gemeentecode is GM met vier cijfers, bijvoorbeeld "
                         "GM0344.")
    return text


def clean_kvk(value: str | None, field: str = "kvk", label: str = "KvK-nummer") -> str:
    """A Kamer van Koophandel number: eight digits."""
    text = (value or "").replace(" ", "").replace(".", "").strip()
    if not KVK.match(text):
        raise InputError(field, label, "een KvK-nummer bestaat uit acht cijfers.")
    return text


def clean_oin(value: str | None, field: str = "oin",
              label: str = "OIN (Organisatie-identificatienummer)") -> str:
    """An OIN: twenty digits (Logius OIN-stelsel), e.g. 00000001002564440000."""
    text = (value or "").replace(" ", "").strip()
    if not OIN.match(text):
        raise InputError(field, label, "een OIN bestaat uit twintig cijfers, bijvoorbeeld "
                         "00000001002564440000.")
    return text


DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def clean_date(value: str | None, field: str = "date", label: str = "Datum"):
    """A date typed as 31-12-2026 (or 2026-12-31, as a date picker sends it)."""
    import datetime as dt

    text = (value or "").strip()
    if not text:
        raise InputError(field, label, "vul een datum in, bijvoorbeeld 01-01-2027.")
    try:
        match = DUTCH_DATE.match(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(field, label, "dit is geen geldige datum; gebruik dd-mm-jjjj, "
                         "bijvoorbeeld 01-01-2027.") from None
