"""The yearly fee schedules, kept in the database and entered by a beheerder against an ALV
decision; what the rules price packages with.

`priced_reference()` is the reference data with the schedules of the database as its
`fee_years`: every plan of a package (making, editing, previews, bulk) and every document's
invoice table is priced from it, so a schedule entered today prices tomorrow's packages with
no deploy. A package uses the schedule of its start date's year and keeps the fees (with the
decision's name) it was made with. `config/data/fees.toml` is only the seed of a new
installation (migration 0010_alv).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.domain.alv import decision_label
from app.domain.fee_schedules import ScheduleError
from app.domain.fee_schedules import check_year
from app.domain.fee_schedules import licence_field
from app.domain.fee_schedules import management_field
from app.domain.fee_schedules import parse_schedule
from app.domain.formatting import format_amount
from app.domain.reference import FeeYear
from app.domain.reference import ReferenceData
from app.domain.reference import SolutionFees
from app.domain.reference import Surcharge
from app.domain.reference import SurchargeKind
from app.extensions import db
from app.runtime import runtime
from app.services.errors import NotFound
from app.store.models import AlvDecision
from app.store.models import FeeSchedule
from app.store.models import FeeScheduleLine


def list_schedules() -> list[FeeSchedule]:
    """Every year's schedule, the latest year first, with its decision and lines."""
    return list(db.session.scalars(
        sa.select(FeeSchedule).options(selectinload(FeeSchedule.lines),
                                       selectinload(FeeSchedule.decision))
        .order_by(FeeSchedule.year.desc())))


def get_schedule(year: int) -> FeeSchedule:
    """The schedule of `year`; raise NotFound."""
    schedule = db.session.scalar(sa.select(FeeSchedule).where(FeeSchedule.year == year))
    if schedule is None:
        raise NotFound(f"Voor {year} is er geen tariefschema.")
    return schedule


def fee_years() -> dict[int, FeeYear]:
    """The schedules in the database as the rules read them: year -> FeeYear."""
    return {schedule.year: FeeYear(
        alv_decision=decision_label(schedule.decision.number, schedule.decision.decided_on),
        surcharge=Surcharge(kind=SurchargeKind(schedule.surcharge_kind),
                            value=schedule.surcharge_value),
        solutions={line.solution_code: SolutionFees(licence=line.licence,
                                                    management=line.management)
                   for line in schedule.lines},
    ) for schedule in list_schedules()}


def priced_reference() -> ReferenceData:
    """The reference data priced with the database's fee schedules (see the module doc)."""
    return replace(runtime().reference, fee_years=fee_years())


def form_defaults(decision: AlvDecision | None = None) -> dict[str, str]:
    """The schedule form filled in from the latest schedule, for the year after it."""
    schedules = list_schedules()
    values = {"decision_id": str(decision.id) if decision else ""}
    if not schedules:
        return values | {"year": str(dt.date.today().year + 1)}
    latest = schedules[0]
    values |= {"year": str(latest.year + 1), "surcharge_kind": latest.surcharge_kind,
               "surcharge_value": format_amount(latest.surcharge_value)}
    for line in latest.lines:
        values[licence_field(line.solution_code)] = format_amount(line.licence)
        values[management_field(line.solution_code)] = format_amount(line.management)
    return values


def enter_schedule(form: dict[str, str], actor: str,
                   today: dt.date | None = None) -> FeeSchedule:
    """Save the schedule typed in `form` (with `decision_id`) as its year's schedule.

    A year that has not begun may be entered ahead, and replaced until it begins. Raise
    ScheduleError with every wrong field (a solution without fees, an amount, a gap between
    years, a year in effect already, no decision); nothing is saved then.
    """
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    decision = _decision(form.get("decision_id"), errors)
    try:
        checked = parse_schedule(form, runtime().reference.solutions)
    except ScheduleError as exc:
        raise ScheduleError(errors | exc.errors) from None
    if errors:
        raise ScheduleError(errors)
    # one writer at a time decides the next year (PostgreSQL locks the schedule rows; the
    # unique year catches an insert that races past)
    existing = {year for year in db.session.scalars(
        sa.select(FeeSchedule.year).with_for_update())}
    check_year(checked.year, existing, today)
    schedule = db.session.scalar(sa.select(FeeSchedule).where(FeeSchedule.year == checked.year))
    if schedule is None:
        schedule = FeeSchedule(year=checked.year)
        db.session.add(schedule)
    else:
        schedule.lines.clear()
        db.session.flush()
    schedule.decision = decision
    schedule.surcharge_kind = checked.surcharge.kind.value
    schedule.surcharge_value = checked.surcharge.value
    schedule.created_by = actor
    schedule.created_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for code, fees in checked.solutions.items():
        schedule.lines.append(FeeScheduleLine(solution_code=code, licence=fees.licence,
                                              management=fees.management))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same year, entered at the same moment elsewhere
        db.session.rollback()
        raise ScheduleError({"year": f"Jaar: voor {checked.year} is zojuist een tariefschema "
                                     "ingevoerd; bekijk het en probeer het zo nodig opnieuw."}
                            ) from None
    return schedule


def _decision(value: str | None, errors: dict[str, str]) -> AlvDecision | None:
    text = (value or "").strip()
    decision = db.session.get(AlvDecision, int(text)) if text.isdigit() else None
    if decision is None:
        errors["decision_id"] = ("ALV-besluit: kies het besluit waarmee de ALV deze tarieven "
                                 "heeft vastgesteld (voeg het zo nodig eerst toe).")
    return decision
