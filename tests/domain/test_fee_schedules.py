"""Checking a fee schedule as a beheerder types it: every solution priced, Dutch amounts,
no gaps between years, a year in effect never replaced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from app.domain.fee_schedules import ScheduleError
from app.domain.fee_schedules import check_year
from app.domain.fee_schedules import parse_schedule
from app.domain.reference import SurchargeKind
from app.domain.validation import InputError
from app.domain.validation import clean_amount

TODAY = dt.date(2026, 11, 30)


def form(reference, **changes) -> dict[str, str]:
    values = {"year": "2028", "surcharge_kind": "percentage", "surcharge_value": "12,5"}
    for n, code in enumerate(reference.solutions):
        values[f"licence-{code}"] = f"{n + 1}.250,00"
        values[f"management-{code}"] = "375,5"
    values.update(changes)
    return values


def test_a_complete_schedule_is_read_as_decimals(reference):
    checked = parse_schedule(form(reference), reference.solutions)
    assert checked.year == 2028
    assert checked.surcharge.kind is SurchargeKind.PERCENTAGE
    assert checked.surcharge.value == D("12.50")
    assert set(checked.solutions) == set(reference.solutions)
    first = checked.solutions[next(iter(reference.solutions))]
    assert first.licence == D("1250.00") and isinstance(first.licence, D)
    assert first.management == D("375.50")


def test_a_solution_without_fees_is_refused_by_its_name(reference):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(form(reference, **{"licence-schuldenradar": "",
                                          "management-schuldenradar": " "}),
                       reference.solutions)
    assert caught.value.errors == {"licence-schuldenradar": (
        "Schuldenradar: het tarief ontbreekt. Vul de licentie en de beheerkosten in (0,00 als "
        "er niets voor wordt gerekend); elke oplossing moet een tarief hebben.")}


@pytest.mark.parametrize("typed,message", [
    ("-5,00", "moet 0 of meer zijn."),
    ("1,250.00", "'1,250.00' is geen bedrag; schrijf het met een komma voor de centen, "
                 "bijvoorbeeld 1.250,00."),
    ("12.5", "'12.5' is geen bedrag; schrijf het met een komma voor de centen, "
             "bijvoorbeeld 1.250,00."),
    ("1e3", "'1e3' is geen bedrag; schrijf het met een komma voor de centen, "
            "bijvoorbeeld 1.250,00."),
    ("0,001", "gebruik hoogstens twee cijfers achter de komma."),
    ("", "vul een bedrag in, bijvoorbeeld 1.250,00."),
])
def test_wrong_amounts_are_refused_in_dutch(typed, message):
    with pytest.raises(InputError) as caught:
        clean_amount(typed, "licence", "Licentie")
    assert caught.value.message == f"Licentie: {message}"


@pytest.mark.parametrize("typed,amount", [("1.250,00", "1250.00"), ("€ 695", "695.00"),
                                          ("0", "0.00"), ("1250,5", "1250.50")])
def test_dutch_amounts(typed, amount):
    assert clean_amount(typed, "x", "Bedrag") == D(amount)


def test_one_wrong_amount_names_the_solution_and_the_part(reference):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(form(reference, **{"management-wijkteamdossier": "veel"}),
                       reference.solutions)
    assert caught.value.errors["management-wijkteamdossier"].startswith(
        "Wijkteamdossier, beheerkosten: 'veel' is geen bedrag")


def test_a_percentage_above_100_and_a_missing_kind_are_refused(reference):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(form(reference, surcharge_value="150"), reference.solutions)
    assert caught.value.errors == {
        "surcharge_value": "Opslag (percentage): kan niet meer dan 100 zijn."}
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(form(reference, surcharge_kind="", year="20x8"), reference.solutions)
    assert set(caught.value.errors) == {"surcharge_kind", "year"}


def test_a_fixed_surcharge_above_100_is_an_amount(reference):
    checked = parse_schedule(form(reference, surcharge_kind="fixed", surcharge_value="695,00"),
                             reference.solutions)
    assert checked.surcharge.kind is SurchargeKind.FIXED
    assert checked.surcharge.value == D("695.00")


def test_years_follow_each_other_without_gaps():
    check_year(2028, {2026, 2027}, TODAY)  # the next year
    check_year(2030, set(), TODAY)  # the first schedule: any year
    with pytest.raises(ScheduleError) as caught:
        check_year(2029, {2026, 2027}, TODAY)
    assert caught.value.errors["year"] == (
        "Jaar: er is nog geen tariefschema voor 2028; voer de jaren zonder gat in, eerst 2028.")
    with pytest.raises(ScheduleError) as caught:
        check_year(2024, {2026, 2027}, TODAY)
    assert "beginnen bij 2026" in caught.value.errors["year"]


def test_a_year_not_begun_may_be_replaced_one_in_effect_not():
    check_year(2027, {2026, 2027}, TODAY)  # prepared ahead: may still be replaced
    with pytest.raises(ScheduleError) as caught:
        check_year(2026, {2026, 2027}, TODAY)
    assert caught.value.errors["year"].startswith(
        "Jaar: het tariefschema voor 2026 is al van kracht")
