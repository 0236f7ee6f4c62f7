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
from stdnum.exceptions import ValidationError
from stdnum.nl import postcode


POSTCODE = re.compile(r"^[1-9][0-9]{3} ?[A-Z]{2}$")
CBS_CODE = re.compile(r"^GM[0-9]{4}$")
KVK = re.compile(r"^[0-9]{8}$")
OIN = re.compile(r"^[0-9]{20}$")
MAX_TEXT = 200
MAX_EMAIL = 254  # RFC 5321: the longest path is 256 octets, less the < and >
# Tabs and line breaks (pasted text) are folded to a space; the zero-width (non-)joiner is part
# of the spelling of Persian, Arabic and Indic names.
ALLOWED_FORMAT = "\t\n\r\u200c\u200d"
# An RFC 2047 encoded word (`=?utf-8?q?=0D=0A?=`): mail software decodes it, so in a name that
# ends up in a mail header it can smuggle in a line break. No one's name is written like this.
ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bq]\?[^?\s]*\?=", re.IGNORECASE)
ENCODED_WORD_MESSAGE = "bevat een gecodeerde tekenreeks (=?…?=); typ de tekst gewoon uit."


# Pictographs and symbols (U+1F000 to U+1FFFF: emoji, playing cards, arrows) that the fonts
# scripts/setup.sh installs (fonts-symbola, fonts-noto-core, fonts-dejavu-core on Debian 12) can
# print, from `fc-list --format '%{charset}\n'`. Any other character of that range, such as an
# emoji newer than those fonts, would come out of LibreOffice as an empty box: the PDF, which is
# what is signed, would not show what was typed. So it is refused at input.
PRINTABLE_SYMBOLS = (
    (0x1F000, 0x1F02B), (0x1F030, 0x1F093), (0x1F0A0, 0x1F0AE), (0x1F0B1, 0x1F0BF),
    (0x1F0C1, 0x1F0CF), (0x1F0D1, 0x1F0F5), (0x1F100, 0x1F10C), (0x1F110, 0x1F16C),
    (0x1F170, 0x1F1AC), (0x1F1E6, 0x1F202), (0x1F210, 0x1F23B), (0x1F240, 0x1F248),
    (0x1F250, 0x1F251), (0x1F260, 0x1F265), (0x1F300, 0x1F6D7), (0x1F6E0, 0x1F6EC),
    (0x1F6F0, 0x1F6FC), (0x1F700, 0x1F773), (0x1F780, 0x1F7D8), (0x1F7E0, 0x1F7EB),
    (0x1F800, 0x1F80B), (0x1F810, 0x1F847), (0x1F850, 0x1F859), (0x1F860, 0x1F887),
    (0x1F890, 0x1F8AD), (0x1F8B0, 0x1F8B1), (0x1F900, 0x1F90B), (0x1F910, 0x1F93E),
    (0x1F940, 0x1F94C), (0x1F950, 0x1F96B), (0x1F980, 0x1F997), (0x1F9C0, 0x1F9C0),
    (0x1F9D0, 0x1F9E6), (0x1FA00, 0x1FA53), (0x1FA60, 0x1FA6D), (0x1FA70, 0x1FA74),
    (0x1FA78, 0x1FA7A), (0x1FA80, 0x1FA86), (0x1FA90, 0x1FAA8), (0x1FAB0, 0x1FAB6),
    (0x1FAC0, 0x1FAC2), (0x1FAD0, 0x1FAD6), (0x1FB00, 0x1FB92), (0x1FB94, 0x1FBCA),
    (0x1FBF0, 0x1FBF9),
)
SYMBOLS_START, SYMBOLS_END = 0x1F000, 0x1FFFF


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
    if ENCODED_WORD.search(raw):
        raise InputError(field, label, ENCODED_WORD_MESSAGE)
    text = re.sub(r"\s+", " ", raw).strip()
    if not text:
        if required:
            raise InputError(field, label, "vul dit veld in.")
        return ""
    if len(text) > max_length:
        raise InputError(field, label, f"gebruik hoogstens {max_length} tekens.")
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        raise InputError(field, label, "moet ten minste één letter bevatten.")
    unprintable = unprintable_characters(text)
    if unprintable:
        shown = " ".join(f"{ch} (U+{ord(ch):04X})" for ch in unprintable)
        raise InputError(field, label, f"bevat een teken dat niet in de documenten kan worden "
                                       f"afgedrukt: {shown}. Laat het weg of kies een ander teken.")
    return text


def unprintable_characters(text: str) -> list[str]:
    """The pictographs and symbols in `text` that the document fonts cannot print, once each."""
    found: list[str] = []
    for ch in text:
        code = ord(ch)
        if (SYMBOLS_START <= code <= SYMBOLS_END and ch not in found
                and not any(low <= code <= high for low, high in PRINTABLE_SYMBOLS)):
            found.append(ch)
    return found


def clean_postcode(value: str | None, field: str = "postcode", label: str = "Postcode") -> str:
    """A Dutch postcode, returned as `1234 AB`."""
    compact = (value or "").strip().upper()
    if not compact:
        raise InputError(field, label, "vul een postcode in, bijvoorbeeld 3511 GC.")
    if not POSTCODE.match(compact):  # one space at most: no dashes or dots python-stdnum allows
        raise InputError(field, label, "een Nederlandse postcode is vier cijfers en twee letters, "
                         "bijvoorbeeld 3511 GC.")
    try:  # python-stdnum knows the letter pairs that are never issued (SA, SD, SS)
        return postcode.validate(compact)
    except ValidationError:
        raise InputError(field, label, "een Nederlandse postcode is vier cijfers en twee letters, "
                         "bijvoorbeeld 3511 GC.") from None


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
    """An e-mail address, normalised (domain in lower case); no DNS look-up.

    A domain in any script is kept as typed (mail goes to its IDNA form); the part before the
    @ must be ASCII, because not every mail server and signing provider takes more (SMTPUTF8).
    """
    text = (value or "").strip()
    if not text:
        raise InputError(field, label, "vul een e-mailadres in, bijvoorbeeld naam@gemeente.nl.")
    if len(text) > MAX_EMAIL or ENCODED_WORD.search(text) or any(
            unicodedata.category(ch).startswith("C") for ch in text):
        raise InputError(field, label, "dit is geen geldig e-mailadres; gebruik de vorm "
                         "naam@organisatie.nl.")
    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        if not text.rpartition("@")[0].isascii():
            raise InputError(field, label, "gebruik vóór de @ alleen letters zonder accenten, "
                             "cijfers en . - _ +; niet elke mailserver kan een adres als dit "
                             "bezorgen.") from None
        raise InputError(field, label, "dit is geen geldig e-mailadres; gebruik de vorm "
                         "naam@organisatie.nl.") from None
    return checked.normalized


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


def clean_reference(value: str | None, field: str = "reference", label: str = "Kenmerk",
                    max_length: int = MAX_TEXT) -> str:
    """A kenmerk (reference) such as "B&W 2026/123" or "V-12": digits alone are fine."""
    raw = unicodedata.normalize("NFC", value or "")
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} for ch in raw):
        raise InputError(field, label, "bevat onzichtbare of ongeldige tekens.")
    text = re.sub(r"\s+", " ", raw).strip()
    if not text:
        raise InputError(field, label, "vul dit veld in.")
    if len(text) > max_length:
        raise InputError(field, label, f"gebruik hoogstens {max_length} tekens.")
    return text


DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
DUTCH_DATE_IN_WORDS = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?\s+(\d{4})$")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")
# The month by its name or the usual short forms (jan, feb, mrt, sept, ...).
MONTH_NUMBERS = {name: n for n, name in enumerate(MONTHS, 1)} | {
    name[:3]: n for n, name in enumerate(MONTHS, 1)} | {"mrt": 3, "sept": 9}


def clean_date(value: str | None, field: str = "date", label: str = "Datum"):
    """A date typed as 31-12-2026, as 31 december 2026 (or 31 dec 2026), or 2026-12-31 (as a
    date picker sends it)."""
    import datetime as dt

    text = " ".join((value or "").split())
    if not text:
        raise InputError(field, label, "vul een datum in, bijvoorbeeld 01-01-2027.")
    words = DUTCH_DATE_IN_WORDS.match(text.lower())
    if words and words[2] not in MONTH_NUMBERS:
        raise InputError(field, label, f"'{words[2]}' is geen maand; schrijf bijvoorbeeld "
                         "1 januari 2027 of 01-01-2027.")
    try:
        match = DUTCH_DATE.match(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if words:
            return dt.date(int(words[3]), MONTH_NUMBERS[words[2]], int(words[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(field, label, "dit is geen geldige datum; gebruik dd-mm-jjjj, "
                         "bijvoorbeeld 01-01-2027, of 1 januari 2027.") from None


AMOUNT_EXAMPLE = "bijvoorbeeld 1.250,00"
MAX_AMOUNT = 10 ** 9


def clean_amount(value: str | None, field: str, label: str, *, example: str = AMOUNT_EXAMPLE):
    """An amount typed the Dutch way (`1.250,00`, `1250,5`, `€ 695`): a Decimal of 0 or more
    with at most two decimals. Raise InputError."""
    from decimal import Decimal

    from babel.numbers import NumberFormatError
    from babel.numbers import parse_decimal

    text = "".join((value or "").replace("€", " ").split())
    if not text:
        raise InputError(field, label, f"vul een bedrag in, {example}.")
    try:
        if not re.fullmatch(r"-?[0-9.,]+", text):
            raise NumberFormatError(text)
        amount = parse_decimal(text, locale="nl_NL", strict=True)
    except NumberFormatError:
        raise InputError(field, label, f"'{text[:40]}' is geen bedrag; schrijf het met een "
                                       f"komma voor de centen, {example}.") from None
    if amount < 0:
        raise InputError(field, label, "moet 0 of meer zijn.")
    if amount >= MAX_AMOUNT:
        raise InputError(field, label, "moet kleiner zijn dan 1.000.000.000,00.")
    if amount != amount.quantize(Decimal("0.01")):
        raise InputError(field, label, "gebruik hoogstens twee cijfers achter de komma.")
    return amount.quantize(Decimal("0.01"))
