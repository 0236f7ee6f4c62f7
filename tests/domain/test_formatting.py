"""Dutch formats for money, dates, percentages and postcodes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.domain.formatting import format_date
from app.domain.formatting import format_datetime
from app.domain.formatting import format_money
from app.domain.formatting import format_percentage
from app.domain.formatting import format_postcode

D = Decimal


@pytest.mark.parametrize(
    "amount, text",
    [
        (D("1234.56"), "€ 1.234,56"),
        (D("0"), "€ 0,00"),
        (D("0.00"), "€ 0,00"),
        (D("0.5"), "€ 0,50"),
        (D("7"), "€ 7,00"),
        (D("999.99"), "€ 999,99"),
        (D("1000"), "€ 1.000,00"),
        (D("1000000"), "€ 1.000.000,00"),
        (D("1000000.00"), "€ 1.000.000,00"),
        (D("24262.32"), "€ 24.262,32"),
        (D("-1234.56"), "-€ 1.234,56"),
        (D("-0.01"), "-€ 0,01"),
        (D("-1000000"), "-€ 1.000.000,00"),
    ],
)
def test_format_money(amount, text):
    assert format_money(amount) == text


@pytest.mark.parametrize(
    "amount, text",
    [
        # Half-up, the same rounding as the fees (Babel on its own rounds half-even).
        (D("0.125"), "€ 0,13"),
        (D("1.005"), "€ 1,01"),
        (D("2.675"), "€ 2,68"),
        (D("-0.125"), "-€ 0,13"),
        # An amount that rounds to nothing is not shown as negative.
        (D("-0.001"), "€ 0,00"),
        (D("-0"), "€ 0,00"),
        (D("-0.00"), "€ 0,00"),
    ],
)
def test_format_money_rounds_half_up_to_cents(amount, text):
    assert format_money(amount) == text


def test_format_money_uses_a_plain_space():
    assert format_money(D("1")) == "€\u00201,00"


@pytest.mark.parametrize("amount", [1234.56, 1234, "1234,56"])
def test_format_money_refuses_anything_but_decimal(amount):
    with pytest.raises(TypeError):
        format_money(amount)


@pytest.mark.parametrize(
    "day, text",
    [
        (dt.date(2026, 11, 28), "28 november 2026"),
        (dt.date(2027, 1, 1), "1 januari 2027"),
        (dt.date(2025, 3, 3), "3 maart 2025"),
        (dt.date(2026, 2, 2), "2 februari 2026"),
        (dt.date(2024, 5, 14), "14 mei 2024"),
        (dt.date(2026, 7, 31), "31 juli 2026"),
        (dt.date(2026, 12, 31), "31 december 2026"),
    ],
)
def test_format_date(day, text):
    assert format_date(day) == text


def test_format_datetime():
    # stored in UTC, shown in Dutch time: CET (UTC+1) in winter, CEST (UTC+2) in summer
    assert format_datetime(dt.datetime(2026, 11, 28, 14, 5)) == "28 november 2026 om 15:05"
    assert format_datetime(dt.datetime(2027, 1, 1, 9, 0)) == "1 januari 2027 om 10:00"
    assert format_datetime(dt.datetime(2026, 7, 1, 22, 30)) == "2 juli 2026 om 00:30"
    aware = dt.datetime(2026, 11, 28, 14, 5, tzinfo=dt.UTC)
    assert format_datetime(aware) == "28 november 2026 om 15:05"


@pytest.mark.parametrize(
    "value, text",
    [
        (D("12.5"), "12,5%"),
        (D("12.50"), "12,5%"),
        (D("10"), "10%"),
        (D("0"), "0%"),
        (D("7.25"), "7,25%"),
        (D("100"), "100%"),
    ],
)
def test_format_percentage(value, text):
    assert format_percentage(value) == text


@pytest.mark.parametrize(
    "postcode, text",
    [("1234ab", "1234 AB"), ("1234 ab", "1234 AB"), ("3511GC", "3511 GC"), ("3511 GC", "3511 GC")],
)
def test_format_postcode(postcode, text):
    assert format_postcode(postcode) == text
