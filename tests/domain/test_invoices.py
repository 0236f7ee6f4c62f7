"""Fees as the invoices will be sent: per calendar year, pro rata in the first year, with VAT.

Every expected amount is worked out by hand in the comments. The yearly rates come from
config/data/fees.toml (see test_fees.py): wijkteamdossier 2026 € 10.113,75 and 2027 € 9.954,70;
mantelzorgwaardering 2027 € 2.637,30.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.domain.fees import charges_by_year
from app.domain.fees import first_year_share
from app.domain.reference import Contract
from app.domain.reference import ProRata
from app.domain.reference import ReferenceData
from app.domain.reference import VatPosition

D = Decimal


def with_policy(reference: ReferenceData, **policy) -> ReferenceData:
    association = reference.association.model_copy(update={"contract": Contract(**policy)})
    return ReferenceData(reference.solutions, reference.fee_years, association)


@pytest.mark.parametrize("start, rule, units, of_units", [
    (dt.date(2026, 1, 1), ProRata.MAAND, 12, 12),
    (dt.date(2026, 3, 1), ProRata.MAAND, 10, 12),  # March..December
    (dt.date(2026, 3, 31), ProRata.MAAND, 10, 12),  # a started month counts whole
    (dt.date(2026, 12, 14), ProRata.MAAND, 1, 12),  # December only
    (dt.date(2026, 3, 1), ProRata.DAG, 306, 365),  # 31+30+31+30+31+31+30+31+30+31
    (dt.date(2026, 12, 14), ProRata.DAG, 18, 365),  # 14..31 December inclusive
    (dt.date(2028, 12, 14), ProRata.DAG, 18, 366),  # 2028 is a leap year
])
def test_first_year_share(start, rule, units, of_units):
    share = first_year_share(start, rule)
    assert (share.units, share.of_units) == (units, of_units)


def test_start_on_1_march_per_started_month_with_vat(reference):
    policy = with_policy(reference, pro_rata=ProRata.MAAND, vat_position=VatPosition.BELAST,
                         vat_rate=D("21"))
    [year] = charges_by_year(policy, [("wijkteamdossier", dt.date(2026, 3, 1))])
    [line] = year.charges
    # 10113.75 × 10/12 = 8428.125 → 8428.13 (half-up)
    assert line.amount == D("8428.13")
    # 8428.13 × 21% = 1769.9073 → 1769.91; 8428.13 + 1769.91 = 10198.04
    assert (line.vat, line.including_vat) == (D("1769.91"), D("10198.04"))
    assert (year.year, year.amount, year.vat, year.including_vat) == (
        2026, D("8428.13"), D("1769.91"), D("10198.04"))


def test_start_on_1_march_per_day(reference):
    policy = with_policy(reference, pro_rata=ProRata.DAG)
    [year] = charges_by_year(policy, [("wijkteamdossier", dt.date(2026, 3, 1))])
    # 10113.75 × 306/365 = 3094807.5/365 = 8478.9246… → 8478.92
    assert year.amount == D("8478.92")


def test_start_on_14_december_per_started_month(reference):
    policy = with_policy(reference, pro_rata=ProRata.MAAND)
    [year] = charges_by_year(policy, [("wijkteamdossier", dt.date(2026, 12, 14))])
    # 10113.75 × 1/12 = 842.8125 → 842.81, not a whole year's 10113.75
    assert year.amount == D("842.81")
    # 842.81 × 21% = 176.9901 → 176.99; 842.81 + 176.99 = 1019.80
    assert (year.vat, year.including_vat) == (D("176.99"), D("1019.80"))


def test_start_on_14_december_per_day(reference):
    policy = with_policy(reference, pro_rata=ProRata.DAG)
    [year] = charges_by_year(policy, [("wijkteamdossier", dt.date(2026, 12, 14))])
    # 10113.75 × 18/365 = 182047.5/365 = 498.7602… → 498.76
    assert year.amount == D("498.76")


def test_a_package_spanning_two_fee_years_is_invoiced_per_year(reference):
    policy = with_policy(reference, pro_rata=ProRata.MAAND, vat_position=VatPosition.BELAST,
                         vat_rate=D("21"))
    first, second = charges_by_year(policy, [("wijkteamdossier", dt.date(2026, 3, 1)),
                                             ("mantelzorgwaardering", dt.date(2027, 7, 1))])
    # 2026: only wijkteamdossier, 10/12 of the 2026 rate: 8428.13 (VAT 1769.91)
    assert (first.year, first.amount, first.vat) == (2026, D("8428.13"), D("1769.91"))
    assert [c.fee.solution_code for c in first.charges] == ["wijkteamdossier"]
    # 2027: wijkteamdossier in full at the 2027 rate 9954.70 (not 2026's 10113.75), and
    # mantelzorgwaardering July..December: 2637.30 × 6/12 = 1318.65.
    # 9954.70 + 1318.65 = 11273.35
    assert second.year == 2027
    assert [(c.fee.solution_code, c.fee.year, c.amount) for c in second.charges] == [
        ("wijkteamdossier", 2027, D("9954.70")), ("mantelzorgwaardering", 2027, D("1318.65"))]
    assert second.amount == D("11273.35")
    # VAT per line: 9954.70 × 21% = 2090.487 → 2090.49; 1318.65 × 21% = 276.9165 → 276.92;
    # 2090.49 + 276.92 = 2367.41; 11273.35 + 2367.41 = 13640.76
    assert (second.vat, second.including_vat) == (D("2367.41"), D("13640.76"))


@pytest.mark.parametrize("position", [VatPosition.VRIJGESTELD, VatPosition.NIET_BELAST])
def test_no_vat_when_exempt_or_out_of_scope(reference, position):
    policy = with_policy(reference, vat_position=position, vat_rate=D("21"))
    [year] = charges_by_year(policy, [("wijkteamdossier", dt.date(2026, 3, 1))])
    # 8428.13 as above; no VAT whatever the rate says
    assert (year.amount, year.vat, year.including_vat) == (D("8428.13"), D("0.00"),
                                                            D("8428.13"))


def test_another_vat_rate(reference):
    policy = with_policy(reference, vat_position=VatPosition.BELAST, vat_rate=D("9"))
    [year] = charges_by_year(policy, [("wijkteamdossier", dt.date(2026, 12, 14))])
    # 842.81 × 9% = 75.8529 → 75.85
    assert year.vat == D("75.85")


def test_no_solutions_no_invoices(reference):
    assert charges_by_year(reference, []) == []
