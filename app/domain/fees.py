"""The fee per solution per calendar year, and the charges as the invoices will be sent.

fee = licence + management + surcharge, where the surcharge for office costs/general services
is either a percentage of licence + management or a fixed amount per solution, as the ALV set it
for that year. Every amount is a Decimal in euros, rounded half-up to cents.

Invoices go out per calendar year, at that year's rates (two years' rates are never added):
- the first year of a solution is charged pro rata, per started month ((13 - start month)/12)
  or per day (days from the start date to 31 December, both included, / days in that year),
  as the contract policy says; later years in full;
- VAT per the configured position: on top of the amount at the configured rate, or none with
  the exemption text printed. VAT is worked out per line, rounded to cents, and summed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal

from app.domain.reference import Contract
from app.domain.reference import ProRata
from app.domain.reference import ReferenceData
from app.domain.reference import SurchargeKind
from app.domain.reference import VatPosition

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
    """Return the yearly fee of a solution for the calendar year of `start`.

    Raises FeeError when the year has no schedule or the solution no line in it.
    """
    return fee_in_year(reference, solution_code, start.year)


def fee_in_year(reference: ReferenceData, solution_code: str, year: int) -> Fee:
    """Return the yearly fee of a solution at the rates of calendar year `year`.

    Raises FeeError when the year has no schedule or the solution no line in it.
    """
    fee_year = reference.fee_years.get(year)
    if fee_year is None:
        known = ", ".join(str(y) for y in sorted(reference.fee_years)) or "nog geen enkel jaar"
        raise FeeError(
            f"Voor {year} is nog geen tarief vastgesteld (wel voor: {known}). "
            "Kies een ingangsdatum in een jaar met een tarief; het tariefschema van een nieuw "
            "jaar voert een beheerder in bij het ALV-besluit (ALV en tarieven)."
        )
    line = fee_year.solutions.get(solution_code)
    if line is None:
        name = reference.solutions[solution_code].name
        raise FeeError(f"Voor {name} is voor {year} geen tarief vastgesteld.")
    base = line.licence + line.management
    rate = fee_year.surcharge.value
    if fee_year.surcharge.kind is SurchargeKind.PERCENTAGE:
        surcharge = to_cents(base * rate / Decimal(100))
    else:
        surcharge = to_cents(rate)
    return Fee(
        solution_code=solution_code,
        year=year,
        licence=to_cents(line.licence),
        management=to_cents(line.management),
        surcharge=surcharge,
        surcharge_kind=fee_year.surcharge.kind,
        surcharge_rate=rate,
        alv_decision=fee_year.alv_decision,
    )


@dataclass(frozen=True)
class Share:
    """The part of a calendar year a solution is charged for: `units` of `of_units`."""

    units: int
    of_units: int
    rule: ProRata

    @property
    def whole(self) -> bool:
        return self.units == self.of_units

    def apply(self, amount: Decimal) -> Decimal:
        return to_cents(amount * self.units / self.of_units)


def first_year_share(start: dt.date, rule: ProRata) -> Share:
    """The share of its first calendar year a solution starting on `start` is charged.

    Per started month: the start month and the months after it, of 12 (1 March: 10/12;
    14 December: 1/12). Per day: the start date to 31 December inclusive, of the days in that
    year (14 December 2026: 18/365).
    """
    if rule is ProRata.DAG:
        year_days = (dt.date(start.year + 1, 1, 1) - dt.date(start.year, 1, 1)).days
        return Share((dt.date(start.year + 1, 1, 1) - start).days, year_days, rule)
    return Share(13 - start.month, 12, rule)


@dataclass(frozen=True)
class Charge:
    """What one solution costs in one calendar year, as its invoice line will say."""

    fee: Fee  # the yearly rate of that calendar year
    start: dt.date  # the solution's start date
    share: Share  # the whole year, or the pro-rata part of the first one
    amount: Decimal  # excluding VAT
    vat: Decimal

    @property
    def year(self) -> int:
        return self.fee.year

    @property
    def first_year(self) -> bool:
        return self.fee.year == self.start.year

    @property
    def including_vat(self) -> Decimal:
        return self.amount + self.vat


@dataclass(frozen=True)
class YearCharges:
    """Everything invoiced for one calendar year, at that year's rates only."""

    year: int
    charges: tuple[Charge, ...]

    @property
    def amount(self) -> Decimal:
        return sum((c.amount for c in self.charges), Decimal("0.00"))

    @property
    def vat(self) -> Decimal:
        return sum((c.vat for c in self.charges), Decimal("0.00"))

    @property
    def including_vat(self) -> Decimal:
        return self.amount + self.vat


def vat_on(amount: Decimal, contract: Contract) -> Decimal:
    """The VAT on `amount` under the configured position (0.00 when exempt or out of scope)."""
    if contract.vat_position is VatPosition.BELAST:
        return to_cents(amount * contract.vat_rate / Decimal(100))
    return Decimal("0.00")


def charge(fee: Fee, start: dt.date, contract: Contract) -> Charge:
    """The invoice line of one solution for the calendar year of `fee`."""
    if fee.year < start.year:
        raise ValueError("a fee for a year before the start date")
    if fee.year == start.year:
        share = first_year_share(start, contract.pro_rata)
    else:
        share = Share(1, 1, contract.pro_rata)
    amount = share.apply(fee.total)
    return Charge(fee, start, share, amount, vat_on(amount, contract))


def charges_by_year(reference: ReferenceData, starts: list[tuple[str, dt.date]],
                    known: tuple[Fee, ...] = ()) -> list[YearCharges]:
    """The invoices of a package per calendar year, from its first start year to its last.

    Each solution is charged from its start year on, at each year's own rates (a fee in
    `known`, e.g. as stored with the package, is used as is). Raises FeeError when a year in
    that range has no rate for a solution.
    """
    stored = {(fee.solution_code, fee.year): fee for fee in known}
    if not starts:
        return []
    contract = reference.association.contract
    first = min(start.year for _, start in starts)
    last = max(start.year for _, start in starts)
    years = []
    for year in range(first, last + 1):
        lines = tuple(
            charge(stored.get((code, year)) or fee_in_year(reference, code, year), start,
                   contract)
            for code, start in starts if start.year <= year)
        years.append(YearCharges(year, lines))
    return years


def package_total(fees: list[Fee]) -> Decimal:
    """The sum of the yearly rates of the fees of ONE calendar year.

    Raises ValueError for fees of different years: two years' rates are never added.
    """
    if len({fee.year for fee in fees}) > 1:
        raise ValueError("fees of different calendar years are never added up")
    return sum((fee.total for fee in fees), Decimal("0.00"))
