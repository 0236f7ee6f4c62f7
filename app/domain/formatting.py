"""Dutch formats, in one place, for everything a person reads: pages, mails, documents.

    format_money(Decimal("1234.56"))  -> "€ 1.234,56"
    format_date(date(2026, 11, 28))   -> "28 november 2026"
    format_postcode("1234ab")         -> "1234 AB"
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal as _babel_decimal

LOCALE = "nl_NL"
DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def format_money(amount: Decimal) -> str:
    """Euros with a dot for thousands and a comma for cents: `€ 1.234,56`.

    A normal space follows the sign, so the text is the same in Word, PDF and HTML.
    """
    number = format_amount(amount)
    if number.startswith("-"):
        return f"-€ {number[1:]}"
    return f"€ {number}"


def format_amount(amount: Decimal) -> str:
    """An amount without the euro sign, as a form shows it to be typed again: `1.234,56`."""
    if not isinstance(amount, Decimal):
        raise TypeError("money must be a Decimal")
    # Round half-up to cents like the fees do (Babel would round half-even), and never show
    # "-0,00" for an amount that rounds to zero.
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    number = _babel_decimal(abs(cents), format="#,##0.00", locale=LOCALE)
    return f"-{number}" if cents < 0 else number


def format_date(day: dt.date) -> str:
    """A date written out: `28 november 2026`."""
    return _babel_date(day, format="d MMMM y", locale=LOCALE)


def format_datetime(moment: dt.datetime) -> str:
    """A moment for timelines, in Dutch time: `28 november 2026 om 15:05`.

    Moments are stored in UTC; a naive one is taken as UTC and shown in Europe/Amsterdam
    time (CET or CEST, whichever applied then).
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(DUTCH_TIME)
    return _babel_datetime(local, format="d MMMM y 'om' HH:mm", tzinfo=DUTCH_TIME, locale=LOCALE)


def format_percentage(value: Decimal) -> str:
    """A percentage with a Dutch decimal comma: `12,5%`."""
    return f"{_babel_decimal(value, format='#,##0.##', locale=LOCALE)}%"


def format_postcode(postcode: str) -> str:
    """Four digits, a space, two capitals: `1234 AB`."""
    compact = postcode.replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}"
