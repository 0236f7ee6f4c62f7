"""The fee per solution for the year of its start date, and the package total.

fee = licence + management + surcharge, where the surcharge for office costs/general services
is either a percentage of licence + management or a fixed amount per solution, as the ALV set it
for that year. Every amount is a Decimal in euros, rounded half-up to cents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal

from app.domain.reference import ReferenceData
from app.domain.reference import SurchargeKind

CENT = Decimal("0.01")


class FeeError(ValueError):
    """No fee can be worked out; the message (Dutch) says why."""


def to_cents(amount: Decimal) -> Decimal:
    """Round half-up to whole cents."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Fee:
    """One solution's yearly fee, with the parts a gebruiksovereenkomst shows."""

    solution_code: str
    year: int
    licence: Decimal
    management: Decimal
    surcharge: Decimal
    surcharge_kind: SurchargeKind
    surcharge_rate: Decimal  # the percentage, or the fixed amount
    alv_decision: str

    @property
    def total(self) -> Decimal:
        return self.licence + self.management + self.surcharge


def fee_for(reference: ReferenceData, solution_code: str, start: dt.date) -> Fee:
    """Return the fee of a solution starting on `start`.

    Raises FeeError when the year has no schedule or the solution no line in it.
    """
    fee_year = reference.fee_years.get(start.year)
    if fee_year is None:
        known = ", ".join(str(year) for year in sorted(reference.fee_years))
        raise FeeError(
            f"Voor {start.year} is nog geen tarief vastgesteld (wel voor: {known}). "
            "Kies een ingangsdatum in een jaar met een tarief."
        )
    line = fee_year.solutions.get(solution_code)
    if line is None:
        name = reference.solutions[solution_code].name
        raise FeeError(f"Voor {name} is voor {start.year} geen tarief vastgesteld.")
    base = line.licence + line.management
    rate = fee_year.surcharge.value
    if fee_year.surcharge.kind is SurchargeKind.PERCENTAGE:
        surcharge = to_cents(base * rate / Decimal(100))
    else:
        surcharge = to_cents(rate)
    return Fee(
        solution_code=solution_code,
        year=start.year,
        licence=to_cents(line.licence),
        management=to_cents(line.management),
        surcharge=surcharge,
        surcharge_kind=fee_year.surcharge.kind,
        surcharge_rate=rate,
        alv_decision=fee_year.alv_decision,
    )


def package_total(fees: list[Fee]) -> Decimal:
    """The sum of the yearly fees in a package."""
    return sum((fee.total for fee in fees), Decimal("0.00"))
