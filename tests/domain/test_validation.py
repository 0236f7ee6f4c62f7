"""Checks on typed input: good values come back cleaned, bad ones raise a Dutch InputError
whose `field` is the input's name and whose `message` starts with the field's label."""

from __future__ import annotations

import unicodedata

import pytest

from app.domain.validation import InputError
from app.domain.validation import clean_cbs_code
from app.domain.validation import clean_email
from app.domain.validation import clean_kvk
from app.domain.validation import clean_oin
from app.domain.validation import clean_phone
from app.domain.validation import clean_postcode
from app.domain.validation import clean_text


def _refused(check, value, want_field, want_label, *, contains=None, **kwargs) -> InputError:
    """Call check(value, **kwargs); it must raise an InputError for want_field/want_label."""
    with pytest.raises(InputError) as caught:
        check(value, **kwargs)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.field == want_field
    assert error.label == want_label
    assert error.message.startswith(f"{want_label}: ")
    assert str(error) == error.message
    if contains:
        assert contains in error.message
    return error


# --- postcode ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("3511 GC", "3511 GC"),
        ("3511GC", "3511 GC"),
        ("3511gc", "3511 GC"),
        ("3511 gc", "3511 GC"),
        ("  1012 AB  ", "1012 AB"),
        ("9999 ZZ", "9999 ZZ"),
        ("1000 AA", "1000 AA"),
        ("1234 SB", "1234 SB"),  # only SA, SD and SS are not issued
    ],
)
def test_postcode_good(typed, cleaned):
    assert clean_postcode(typed) == cleaned


@pytest.mark.parametrize(
    "typed",
    [
        "", None, "   ",
        "0123 AB",  # no postcode starts with 0
        "1234 SA", "1234 SD", "1234 SS", "1234 sa", "1234ss",  # never issued
        "123 AB", "12345 AB", "1234 A", "1234 ABC", "AB 1234", "1234-AB", "1234  AB",
        "１２３４ AB",  # full-width digits
        "1234 ÄB",
    ],
)
def test_postcode_bad(typed):
    error = _refused(clean_postcode, typed, "postcode", "Postcode")
    assert "3511 GC" in error.message  # an example of what is meant


def test_postcode_custom_field_and_label():
    _refused(clean_postcode, "0000 AA", "contact-postcode", "Postcode contactpersoon",
             field="contact-postcode", label="Postcode contactpersoon")


# --- phone ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("030 123 4567", "+31 30 123 4567"),  # landline
        ("0301234567", "+31 30 123 4567"),
        ("030-123 45 67", "+31 30 123 4567"),
        ("030-1234567", "+31 30 123 4567"),
        ("020 - 624 11 11", "+31 20 624 1111"),
        ("06 12345678", "+31 6 12345678"),  # mobile
        ("06-12345678", "+31 6 12345678"),
        ("+31 6 1234 5678", "+31 6 12345678"),
        ("+31 30 123 4567", "+31 30 123 4567"),
        ("+31301234567", "+31 30 123 4567"),
        ("0031 30 123 4567", "+31 30 123 4567"),
        ("0031612345678", "+31 6 12345678"),
        ("(030) 123 4567", "+31 30 123 4567"),
        ("+32 2 555 12 12", "+32 2 555 12 12"),  # a Belgian number stays Belgian
    ],
)
def test_phone_good(typed, cleaned):
    assert clean_phone(typed) == cleaned


@pytest.mark.parametrize(
    "typed",
    [
        "", None, "  ",
        "030 123",  # too short
        "06 1234567",  # mobile one digit short
        "030 123 45678",  # too long
        "12345",
        "030 ABC DEFG",  # letters (phonenumbers would read them as a keypad)
        "0800 FLOWERS",
        "O3O 123 4567",  # capital o's for zeros
        "bel mij",
        "+31",
        "--",
    ],
)
def test_phone_bad(typed):
    _refused(clean_phone, typed, "phone", "Telefoon")


# --- e-mail -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("naam@gemeente.nl", "naam@gemeente.nl"),
        ("  j.de.vries@utrecht.nl ", "j.de.vries@utrecht.nl"),
        ("Naam@Gemeente.NL", "Naam@gemeente.nl"),  # domain in lower case
        ("info+nvsi@sociaal-domein.nl", "info+nvsi@sociaal-domein.nl"),
        ("info@sûdwest-fryslân.nl", "info@sûdwest-fryslân.nl"),  # unicode domain
        ("beheer@gemeente.frl", "beheer@gemeente.frl"),
    ],
)
def test_email_good(typed, cleaned):
    assert clean_email(typed) == cleaned


@pytest.mark.parametrize(
    "typed",
    [
        "", None, "   ",
        "naam.gemeente.nl",  # missing @
        "naam@",
        "@gemeente.nl",
        "na am@gemeente.nl",  # space
        "naam@gemeente nl",
        "naam@@gemeente.nl",
        "naam@gemeente",  # no dot in the domain
        "naam@-gemeente.nl",
        "naam@gemeente..nl",
    ],
)
def test_email_bad(typed):
    _refused(clean_email, typed, "email", "E-mailadres")


# --- CBS gemeentecode -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed, cleaned",
    [("GM0344", "GM0344"), ("gm0344", "GM0344"), (" Gm0363 ", "GM0363"), ("GM1900", "GM1900")],
)
def test_cbs_code_good(typed, cleaned):
    assert clean_cbs_code(typed) == cleaned


@pytest.mark.parametrize(
    "typed", ["", None, "GM344", "GX0344", "0344", "GM03444", "GM 0344", "GMabcd", "PV0344"]
)
def test_cbs_code_bad(typed):
    error = _refused(clean_cbs_code, typed, "cbs_code", "CBS-gemeentecode")
    assert "GM0344" in error.message


# --- KvK --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("74123458", "74123458"),
        ("7412 3458", "74123458"),
        ("74.12.34.58", "74123458"),
        (" 74 123 458 ", "74123458"),
        ("01234567", "01234567"),
    ],
)
def test_kvk_good(typed, cleaned):
    assert clean_kvk(typed) == cleaned


@pytest.mark.parametrize(
    "typed", ["", None, "7412345", "741234589", "7412345a", "KvK 74123458", "7412-3458"]
)
def test_kvk_bad(typed):
    _refused(clean_kvk, typed, "kvk", "KvK-nummer", contains="acht cijfers")


# --- OIN --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("00000001002564440000", "00000001002564440000"),
        ("0000 0001 0025 6444 0000", "00000001002564440000"),
    ],
)
def test_oin_good(typed, cleaned):
    assert clean_oin(typed) == cleaned


@pytest.mark.parametrize(
    "typed", ["", None, "0000000100256444000", "000000010025644400001", "0000000100256444000A"]
)
def test_oin_bad(typed):
    _refused(clean_oin, typed, "oin", "OIN (Organisatie-identificatienummer)",
             contains="twintig cijfers")


# --- names, functions and places, in any script -----------------------------------------------

@pytest.mark.parametrize(
    "typed",
    [
        "Gemeente Utrecht",
        "Sûdwest-Fryslân",
        "'s-Hertogenbosch",
        "’s-Hertogenbosch",
        "Stichting Zorg & Welzijn",
        "Welzijn <Noord> B.V.",
        'Stichting "De Brug"',
        "Gemeente 's-Gravenhage",
        "Ελένη Παπαδοπούλου",  # Greek
        "Δήμος Αθηναίων",
        "بلدية أمستردام",  # Arabic
        "محمد العلي",
        "阿姆斯特丹市",  # Chinese
        "王小明",
        "Анна Иванова",  # Cyrillic
        "Zoë Çelik-Ünal",
        "A",
        "Gemeente 1000 Meren",
        "x" * 200,  # exactly the limit
    ],
)
def test_text_in_any_script_is_kept_unchanged(typed):
    assert clean_text(typed, "name", "Naam") == typed


def test_text_is_nfc_normalised():
    decomposed = "Su\u0302dwest-Frysla\u0302n"  # u + combining circumflex
    assert decomposed != "Sûdwest-Fryslân"
    cleaned = clean_text(decomposed, "city", "Plaats")
    assert cleaned == "Sûdwest-Fryslân"
    assert unicodedata.is_normalized("NFC", cleaned)


@pytest.mark.parametrize(
    "typed, cleaned",
    [
        ("  Utrecht  ", "Utrecht"),
        ("Gemeente   Utrecht", "Gemeente Utrecht"),
        ("Gemeente\tUtrecht", "Gemeente Utrecht"),  # pasted tab
        ("Gemeente\r\nUtrecht\n", "Gemeente Utrecht"),  # pasted line break
        ("Gemeente\u00a0Utrecht", "Gemeente Utrecht"),  # no-break space
    ],
)
def test_text_whitespace_is_collapsed(typed, cleaned):
    assert clean_text(typed, "name", "Naam") == cleaned


@pytest.mark.parametrize(
    "typed",
    [
        "Gemeente\x00Utrecht",  # NUL
        "Gemeente\x07Utrecht",  # bell
        "Gemeente\x1bUtrecht",  # escape
        "Gemeente\x7fUtrecht",  # delete
        "Gemeente\x1fUtrecht",  # unit separator (Python counts it as white space)
        "\x1cUtrecht",  # file separator at the start (str.strip would remove it)
        "Utrecht\x85",  # next line (C1)
        "Gemeente\x0bUtrecht",  # vertical tab
        "Gemeente\u200bUtrecht",  # zero-width space
        "Gemeente\u202eUtrecht",  # right-to-left override
        "Gemeente\ufeffUtrecht",  # byte order mark
        "Gemeente\ue000Utrecht",  # private use
        "Gemeente\ud800Utrecht",  # lone surrogate
    ],
)
def test_text_with_control_characters_is_refused(typed):
    _refused(clean_text, typed, "name", "Naam", contains="onzichtbare of ongeldige tekens",
             field="name", label="Naam")


@pytest.mark.parametrize(
    "typed, contains",
    [
        ("", "vul dit veld in"),
        (None, "vul dit veld in"),
        ("   ", "vul dit veld in"),
        ("\n\t", "vul dit veld in"),
        ("12345", "ten minste één letter"),
        ("0301234567", "ten minste één letter"),
        ("& < > \"", "ten minste één letter"),
        ("---", "ten minste één letter"),
        ("x" * 201, "hoogstens 200 tekens"),
        ("Gemeente " * 30, "hoogstens 200 tekens"),
    ],
)
def test_text_refused(typed, contains):
    _refused(clean_text, typed, "organisation_name", "Naam organisatie", contains=contains,
             field="organisation_name", label="Naam organisatie")


def test_text_length_counts_characters_after_normalising():
    # 200 composed characters, typed decomposed (400 code points), are within the limit.
    typed = "e\u0301" * 200
    assert clean_text(typed, "name", "Naam") == "\u00e9" * 200


def test_text_optional_and_custom_length():
    assert clean_text("", "function", "Functie", required=False) == ""
    assert clean_text(None, "function", "Functie", required=False) == ""
    assert clean_text("Wethouder", "function", "Functie", max_length=9) == "Wethouder"
    _refused(clean_text, "Burgemeester", "function", "Functie", contains="hoogstens 9 tekens",
             field="function", label="Functie", max_length=9)


def test_every_message_is_dutch():
    messages = []
    for check, value in [
        (clean_postcode, "0000"), (clean_phone, "12"), (clean_email, "x"),
        (clean_cbs_code, "x"), (clean_kvk, "x"), (clean_oin, "x"),
    ]:
        with pytest.raises(InputError) as caught:
            check(value)
        messages.append(caught.value.message)
    for message in messages:
        lowered = message.lower()
        assert not any(word in lowered for word in ("invalid", "must", "should", "required"))


@pytest.mark.parametrize("typed", [
    "Zorg 😀 & Welzijn", "Stichting 👩‍👩‍👧 Gezin", "Team 👍🏽 🇳🇱", "Kaart 🂡 en ♥",
])
def test_emoji_the_document_fonts_print_are_accepted(typed):
    assert clean_text(typed, "name", "Naam") == typed


@pytest.mark.parametrize("typed, shown", [
    ("Smeltend 🫠 team", "🫠 (U+1FAE0)"),  # Unicode 14: newer than the installed fonts
    ("Blij 🥲 en 🥲", "🥲 (U+1F972)"),  # named once
    ("Onbekend \U0001FAE9 teken", "\U0001FAE9 (U+1FAE9)"),  # not even in this Unicode
])
def test_an_emoji_no_document_font_can_print_is_refused_with_the_character(typed, shown):
    _refused(clean_text, typed, "name", "Naam", field="name", label="Naam",
             contains=f"niet in de documenten kan worden afgedrukt: {shown}.")


@pytest.mark.parametrize("typed,expected", [
    ("01-01-2027", "2027-01-01"), ("1/3/2027", "2027-03-01"), ("2027-01-01", "2027-01-01"),
    ("1 januari 2027", "2027-01-01"), ("  1  Januari   2027 ", "2027-01-01"),
    ("15 mrt 2027", "2027-03-15"), ("3 sept. 2027", "2027-09-03"), ("31 dec 2026", "2026-12-31"),
])
def test_dates_in_figures_and_in_dutch_words(typed, expected):
    import datetime as dt

    from app.domain.validation import clean_date

    assert clean_date(typed, "start", "Ingangsdatum") == dt.date.fromisoformat(expected)


@pytest.mark.parametrize("typed,message", [
    ("31 februari 2027", "Ingangsdatum: dit is geen geldige datum"),
    ("1 janvier 2027", "Ingangsdatum: 'janvier' is geen maand"),
    ("morgen", "Ingangsdatum: dit is geen geldige datum"),
])
def test_a_wrong_date_is_a_dutch_error(typed, message):
    from app.domain.validation import clean_date

    with pytest.raises(InputError) as raised:
        clean_date(typed, "start", "Ingangsdatum")
    assert str(raised.value).startswith(message), str(raised.value)
