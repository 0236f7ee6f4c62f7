"""The Gemeentewet art. 160 step: the raad's wensen en bedenkingen, then the College decision."""

from __future__ import annotations

import datetime as dt

from app.domain.formatting import format_date
from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import timeline
from app.services.errors import ServiceError
from app.services.packages import get_package
from app.store.models import Package


def start_council_procedure(package_id: int, actor: str, today: dt.date | None = None) -> Package:
    """Move a gemeente's package to `wacht_op_raad` with the raad's deadline; return it.

    The College sends the raadsbrief and the ontwerpbesluit to the raad; the package waits
    until staff record the College decision. Raises ServiceError or TransitionError.
    """
    package = get_package(package_id)
    if not package.needs_council:
        raise ServiceError("Dit pakket heeft geen raadsprocedure nodig.")
    today = today or dt.date.today()
    weeks = runtime().settings.council_response_weeks
    package.council_deadline = today + dt.timedelta(weeks=weeks)
    timeline.transition(
        package, PackageState.WACHT_OP_RAAD, actor,
        "Raadsbrief en ontwerpbesluit naar de raad; de raad kan tot en met "
        f"{format_date(package.council_deadline)} zijn wensen en bedenkingen kenbaar maken.",
        deadline=package.council_deadline.isoformat(),
    )
    db.session.commit()
    return package


def record_college_decision(package_id: int, decided_on: dt.date, decision_reference: str,
                            actor: str, today: dt.date | None = None) -> Package:
    """Record the College decision to join; the registration form may then go out.

    Raises ServiceError for a decision dated in the future or before the procedure started,
    or TransitionError when the package is not waiting for the raad.
    """
    package = get_package(package_id)
    today = today or dt.date.today()
    reference = (decision_reference or "").strip()
    if not reference:
        raise ServiceError("Vul het kenmerk van het collegebesluit in.", "decision_reference")
    if decided_on > today:
        raise ServiceError("De datum van het collegebesluit ligt in de toekomst.", "decided_on")
    started = _procedure_started(package)
    if started and decided_on < started:
        raise ServiceError(
            "Het college kan pas besluiten nadat de raad het ontwerpbesluit heeft ontvangen "
            f"(op {format_date(started)}).", "decided_on")
    package.college_decision_on = decided_on
    package.college_decision_reference = reference[:200]
    timeline.transition(
        package, PackageState.BESLUIT_GENOMEN, actor,
        f"Collegebesluit van {format_date(decided_on)} vastgelegd ({package.college_decision_reference}).",
        decided_on=decided_on.isoformat(),
    )
    db.session.commit()
    return package


def _procedure_started(package: Package) -> dt.date | None:
    for event in package.events:
        if event.state_to == PackageState.WACHT_OP_RAAD.value:
            return event.at.date()
    return None
