"""Fees, with every expected amount worked out by hand (see the comments), never by the code."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN
from decimal import ROUND_HALF_UP
from decimal import Decimal

import pytest

from app.domain.fees import Fee
from app.domain.fees import FeeError
from app.domain.fees import fee_for
from app.domain.fees import package_total
from app.domain.fees import to_cents
from app.domain.reference import FeeYear
from app.domain.reference import ReferenceData
from app.domain.reference import SolutionFees
from app.domain.reference import Surcharge
from app.domain.reference import SurchargeKind

D = Decimal

# (code, licence, management, surcharge, total)
FEES_2026 = [
    # 6850.00 + 2140.00 = 8990.00; 12.5% of 8990.00 = 1123.75 exactly; 8990.00 + 1123.75 = 10113.75
    ("wijkteamdossier", D("6850.00"), D("2140.00"), D("1123.75"), D("10113.75")),
    # 4250.00 + 1275.50 = 5525.50; 12.5% = 690.6875 → 690.69; 5525.50 + 690.69 = 6216.19
    ("schuldenradar", D("4250.00"), D("1275.50"), D("690.69"), D("6216.19")),
    # 3975.00 + 1190.25 = 5165.25; 12.5% = 645.65625 → 645.66; 5165.25 + 645.66 = 5810.91
    ("participatiematch", D("3975.00"), D("1190.25"), D("645.66"), D("5810.91")),
    # 1450.00 + 435.75 = 1885.75; 12.5% = 235.71875 → 235.72; 1885.75 + 235.72 = 2121.47
    ("mantelzorgwaardering", D("1450.00"), D("435.75"), D("235.72"), D("2121.47")),
]
FEES_2027 = [
    # 7055.50 + 2204.20 = 9259.70; + 695.00 = 9954.70
    ("wijkteamdossier", D("7055.50"), D("2204.20"), D("695.00"), D("9954.70")),
    # 4377.50 + 1313.75 = 5691.25; + 695.00 = 6386.25
    ("schuldenradar", D("4377.50"), D("1313.75"), D("695.00"), D("6386.25")),
    # 4094.25 + 1225.95 = 5320.20; + 695.00 = 6015.20
    ("participatiematch", D("4094.25"), D("1225.95"), D("695.00"), D("6015.20")),
    # 1493.50 + 448.80 = 1942.30; + 695.00 = 2637.30
    ("mantelzorgwaardering", D("1493.50"), D("448.80"), D("695.00"), D("2637.30")),
]


def _assert_all_decimal(fee: Fee) -> None:
    for value in (fee.licence, fee.management, fee.surcharge, fee.surcharge_rate, fee.total):
        assert type(value) is Decimal


@pytest.mark.parametrize("code, licence, management, surcharge, total", FEES_2026)
def test_fee_2026_percentage_surcharge(code, licence, management, surcharge, total, reference):
    fee = fee_for(reference, code, dt.date(2026, 3, 1))
    assert (fee.solution_code, fee.year) == (code, 2026)
    assert (fee.licence, fee.management, fee.surcharge, fee.total) == (
        licence, management, surcharge, total
    )
    assert fee.surcharge_kind is SurchargeKind.PERCENTAGE
    assert fee.surcharge_rate == D("12.5")
    assert fee.alv_decision == "ALV-besluit 2025-07 van 20 november 2025"
    _assert_all_decimal(fee)
    # Cents exactly, also in the representation the documents print.
    assert fee.surcharge.as_tuple().exponent == -2
    assert fee.total.as_tuple().exponent == -2


@pytest.mark.parametrize("code, licence, management, surcharge, total", FEES_2027)
def test_fee_2027_fixed_surcharge(code, licence, management, surcharge, total, reference):
    fee = fee_for(reference, code, dt.date(2027, 12, 31))
    assert (fee.solution_code, fee.year) == (code, 2027)
    assert (fee.licence, fee.management, fee.surcharge, fee.total) == (
        licence, management, surcharge, total
    )
    assert fee.surcharge_kind is SurchargeKind.FIXED
    assert fee.surcharge_rate == D("695.00")
    assert fee.alv_decision == "ALV-besluit 2026-09 van 19 november 2026"
    _assert_all_decimal(fee)


def test_the_year_of_the_start_date_decides(reference):
    # 31 December 2026 is still 2026's schedule, 1 January 2027 the next one.
    assert fee_for(reference, "schuldenradar", dt.date(2026, 12, 31)).total == D("6216.19")
    assert fee_for(reference, "schuldenradar", dt.date(2027, 1, 1)).total == D("6386.25")


def test_package_total_2026(reference):
    fees = [fee_for(reference, code, dt.date(2026, 1, 1)) for code, *_ in FEES_2026]
    # 10113.75 + 6216.19 = 16329.94; + 5810.91 = 22140.85; + 2121.47 = 24262.32
    total = package_total(fees)
    assert total == D("24262.32")
    assert type(total) is Decimal


def test_package_total_2027(reference):
    fees = [fee_for(reference, code, dt.date(2027, 1, 1)) for code, *_ in FEES_2027]
    # 9954.70 + 6386.25 = 16340.95; + 6015.20 = 22356.15; + 2637.30 = 24993.45
    assert package_total(fees) == D("24993.45")


def test_package_total_never_adds_two_years_rates(reference):
    fees = [
        fee_for(reference, "wijkteamdossier", dt.date(2026, 3, 1)),
        fee_for(reference, "mantelzorgwaardering", dt.date(2027, 1, 1)),
    ]
    # 10113.75 (a 2026 rate) + 2637.30 (a 2027 rate) would be a sum that no invoice shows.
    with pytest.raises(ValueError):
        package_total(fees)


def test_package_total_of_nothing_is_zero_euros():
    total = package_total([])
    assert total == D("0.00")
    assert type(total) is Decimal


def _reference_with(reference, fee_year: FeeYear, year: int = 2026) -> ReferenceData:
    return ReferenceData(reference.solutions, {year: fee_year}, reference.association)


def test_half_up_rounding_of_the_surcharge(reference):
    # 1000.00 + 0.04 = 1000.04; 12.5% of 1000.04 = 125.005 exactly.
    # Half-up gives 125.01; half-even (banker's rounding) would give 125.00.
    assert D("125.005").quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D("125.00")
    assert D("125.005").quantize(D("0.01"), rounding=ROUND_HALF_UP) == D("125.01")
    fee_year = FeeYear(
        alv_decision="ALV-besluit test",
        surcharge=Surcharge(kind=SurchargeKind.PERCENTAGE, value=D("12.5")),
        solutions={"wijkteamdossier": SolutionFees(licence=D("1000.00"), management=D("0.04"))},
    )
    fee = fee_for(_reference_with(reference, fee_year), "wijkteamdossier", dt.date(2026, 5, 1))
    assert fee.surcharge == D("125.01")
    # 1000.04 + 125.01 = 1125.05
    assert fee.total == D("1125.05")
    _assert_all_decimal(fee)


def test_half_up_rounding_with_another_percentage(reference):
    # 10% of 0.25 = 0.025 exactly → half-up 0.03 (half-even: 0.02); total 0.20 + 0.05 + 0.03 = 0.28
    fee_year = FeeYear(
        alv_decision="ALV-besluit test",
        surcharge=Surcharge(kind=SurchargeKind.PERCENTAGE, value=D("10")),
        solutions={"schuldenradar": SolutionFees(licence=D("0.20"), management=D("0.05"))},
    )
    fee = fee_for(_reference_with(reference, fee_year), "schuldenradar", dt.date(2026, 1, 1))
    assert (fee.surcharge, fee.total) == (D("0.03"), D("0.28"))


def test_zero_fees_give_zero_surcharge(reference):
    fee_year = FeeYear(
        alv_decision="ALV-besluit test",
        surcharge=Surcharge(kind=SurchargeKind.PERCENTAGE, value=D("12.5")),
        solutions={"schuldenradar": SolutionFees(licence=D("0"), management=D("0"))},
    )
    fee = fee_for(_reference_with(reference, fee_year), "schuldenradar", dt.date(2026, 1, 1))
    assert fee.total == D("0.00")
    _assert_all_decimal(fee)


@pytest.mark.parametrize("year", [2025, 2028])
def test_no_schedule_for_the_year(year, reference):
    with pytest.raises(FeeError) as caught:
        fee_for(reference, "wijkteamdossier", dt.date(year, 6, 1))
    assert str(caught.value) == (
        f"Voor {year} is nog geen tarief vastgesteld (wel voor: 2026, 2027). "
        "Kies een ingangsdatum in een jaar met een tarief; het tariefschema van een nieuw "
        "jaar voert een beheerder in bij het ALV-besluit (ALV en tarieven)."
    )


def test_no_line_for_the_solution_in_that_year(reference):
    fee_year = FeeYear(
        alv_decision="ALV-besluit test",
        surcharge=Surcharge(kind=SurchargeKind.FIXED, value=D("695.00")),
        solutions={"schuldenradar": SolutionFees(licence=D("1.00"), management=D("1.00"))},
    )
    with pytest.raises(FeeError) as caught:
        fee_for(_reference_with(reference, fee_year, 2027), "wijkteamdossier", dt.date(2027, 1, 1))
    assert str(caught.value) == "Voor Wijkteamdossier is voor 2027 geen tarief vastgesteld."


@pytest.mark.parametrize(
    "amount, cents",
    [
        (D("0.125"), D("0.13")),  # half-up, not half-even (0.12)
        (D("2.675"), D("2.68")),
        (D("2.665"), D("2.67")),
        (D("690.6875"), D("690.69")),
        (D("10"), D("10.00")),
        (D("-0.125"), D("-0.13")),  # half-up rounds away from zero
    ],
)
def test_to_cents(amount, cents):
    result = to_cents(amount)
    assert result == cents
    assert result.as_tuple().exponent == -2
    assert type(result) is Decimal
