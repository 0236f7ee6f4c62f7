"""Names that need a zero-width joiner are accepted as typed."""

from app.domain.validation import clean_text


def test_persian_name_with_zero_width_non_joiner():
    name = "مهر\u200cآفرین"  # Mehrāfarin: the ZWNJ keeps the two parts unjoined
    assert clean_text(name, "contact_name", "Naam") == name


def test_devanagari_with_zero_width_joiner():
    name = "क्\u200dष"
    assert clean_text(name, "contact_name", "Naam") == name
