"""The yearly fee schedule as a beheerder enters it against an ALV decision, and its checks.

A schedule holds, for one calendar year, the surcharge for office costs/general services
(a percentage of licence + management, or a fixed amount per solution) and the licence and
management fee of EVERY solution in the catalogue. Before one is saved:
- every solution is priced (a missing one is named);
- amounts are Decimal, 0 or more, typed the Dutch way ("1.250,00"); a percentage at most 100;
- the years have no gaps: a new year follows the last one with a schedule (the first schedule
  may be any year); a year that has not begun yet may be replaced (a schedule prepared ahead),
  one that is in effect or past may not (packages were priced with it).

Errors are Dutch, per field (`ScheduleError.errors`), and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from app.domain.reference import FeeYear
from app.domain.reference import Solution
from app.domain.reference import SolutionFees
from app.domain.reference import Surcharge
from app.domain.reference import SurchargeKind
from app.domain.validation import InputError
from app.domain.validation import clean_amount

SURCHARGE_KINDS = {
    SurchargeKind.PERCENTAGE.value: "Een percentage van licentie en beheerkosten",
    SurchargeKind.FIXED.value: "Een vast bedrag per oplossing per jaar",
}
MIN_YEAR, MAX_YEAR = 2000, 2100


class ScheduleError(ValueError):
    """A schedule that cannot be saved: `errors` maps each field to its Dutch message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class ScheduleInput:
    """A checked schedule: one calendar year's surcharge and the fees of every solution."""

    year: int
    surcharge: Surcharge
    solutions: dict[str, SolutionFees]

    def fee_year(self, alv_decision: str) -> FeeYear:
        return FeeYear(alv_decision=alv_decision, surcharge=self.surcharge,
                       solutions=self.solutions)


def licence_field(code: str) -> str:
    return f"licence-{code}"


def management_field(code: str) -> str:
    return f"management-{code}"


def parse_schedule(form: dict[str, str], catalogue: dict[str, Solution]) -> ScheduleInput:
    """Check a schedule as typed: `year`, `surcharge_kind`, `surcharge_value`, and per solution
    `licence-<code>` and `management-<code>`. Raise ScheduleError with every wrong field."""
    errors: dict[str, str] = {}
    year = _year(form.get("year"), errors)
    kind = form.get("surcharge_kind") or ""
    if kind not in SURCHARGE_KINDS:
        errors["surcharge_kind"] = ("Soort opslag: kies een percentage of een vast bedrag.")
    value = _amount(form, "surcharge_value", _surcharge_label(kind), errors)
    if (kind == SurchargeKind.PERCENTAGE.value and value is not None
            and value > Decimal(100)):
        errors["surcharge_value"] = "Opslag (percentage): kan niet meer dan 100 zijn."
    solutions: dict[str, SolutionFees] = {}
    missing: list[str] = []
    for code, solution in catalogue.items():
        licence_text = (form.get(licence_field(code)) or "").strip()
        management_text = (form.get(management_field(code)) or "").strip()
        if not licence_text and not management_text:
            missing.append(solution.name)
            errors[licence_field(code)] = (
                f"{solution.name}: het tarief ontbreekt. Vul de licentie en de beheerkosten in "
                "(0,00 als er niets voor wordt gerekend); elke oplossing moet een tarief hebben.")
            continue
        licence = _amount(form, licence_field(code), f"{solution.name}, licentie", errors)
        management = _amount(form, management_field(code), f"{solution.name}, beheerkosten",
                             errors)
        if licence is not None and management is not None:
            solutions[code] = SolutionFees(licence=licence, management=management)
    if errors:
        raise ScheduleError(errors)
    return ScheduleInput(year, Surcharge(kind=SurchargeKind(kind), value=value), solutions)


def check_year(year: int, existing: set[int], today: dt.date) -> None:
    """Raise ScheduleError when a schedule for `year` would leave a gap, or would replace
    one that is already in effect (or past)."""
    if year in existing:
        if year <= today.year:
            raise ScheduleError({"year": (
                f"Jaar: het tariefschema voor {year} is al van kracht; het kan niet meer "
                "worden vervangen (pakketten zijn ermee geprijsd).")})
        return
    if existing and year != max(existing) + 1:
        last = max(existing)
        if year > last:
            raise ScheduleError({"year": (
                f"Jaar: er is nog geen tariefschema voor {last + 1}; voer de jaren zonder gat "
                f"in, eerst {last + 1}.")})
        raise ScheduleError({"year": (
            f"Jaar: de tariefschema's beginnen bij {min(existing)}; een nieuw schema komt na "
            f"het laatste jaar ({last}).")})


def _year(value: str | None, errors: dict[str, str]) -> int:
    text = (value or "").strip()
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        errors["year"] = "Jaar: vul het kalenderjaar in, bijvoorbeeld 2027."
        return 0
    return int(text)


def _surcharge_label(kind: str) -> str:
    if kind == SurchargeKind.PERCENTAGE.value:
        return "Opslag (percentage)"
    if kind == SurchargeKind.FIXED.value:
        return "Opslag (bedrag per oplossing)"
    return "Opslag"


def _amount(form: dict[str, str], field: str, label: str,
            errors: dict[str, str]) -> Decimal | None:
    try:
        return clean_amount(form.get(field), field, label)
    except InputError as exc:
        errors[field] = exc.message
        return None
