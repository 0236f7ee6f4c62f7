"""The ALV register: meetings of the general assembly and their decisions.

Beheerders add a meeting (date, place and/or online) and its decisions (number, date,
subject, text). A decision can be pointed at from elsewhere by its id: a year's fee schedule
(app/services/fee_schedules.py) names the decision that set it, and so can other records
that need an ALV decision (a verbeterwens' "ALV-besluit" step).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.domain.alv import decision_label
from app.domain.alv import parse_decision
from app.domain.alv import parse_meeting
from app.domain.validation import InputError
from app.extensions import db
from app.services.errors import NotFound
from app.store.models import AlvDecision
from app.store.models import AlvMeeting


def list_meetings() -> list[AlvMeeting]:
    """Every meeting, the latest first, with its decisions loaded."""
    return list(db.session.scalars(
        sa.select(AlvMeeting).options(selectinload(AlvMeeting.decisions)
                                      .selectinload(AlvDecision.fee_schedules))
        .order_by(AlvMeeting.held_on.desc(), AlvMeeting.id.desc())))


def list_decisions() -> list[AlvDecision]:
    """Every decision, the latest first."""
    return list(db.session.scalars(
        sa.select(AlvDecision).order_by(AlvDecision.decided_on.desc(), AlvDecision.id.desc())))


def get_meeting(meeting_id: int) -> AlvMeeting:
    """The meeting; raise NotFound."""
    return _get(AlvMeeting, meeting_id, "Deze vergadering bestaat niet.")


def get_decision(decision_id: int) -> AlvDecision:
    """The decision; raise NotFound."""
    return _get(AlvDecision, decision_id, "Dit ALV-besluit bestaat niet.")


def decision_by_number(number: str) -> AlvDecision | None:
    """The decision with this number in the register, or None."""
    return db.session.scalar(sa.select(AlvDecision).where(AlvDecision.number == number.strip()))


def _get(model, row_id: int, missing: str):
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    return row


def label(decision: AlvDecision) -> str:
    """How documents name the decision: `ALV-besluit 2025-07 van 20 november 2025`."""
    return decision_label(decision.number, decision.decided_on)


def add_meeting(form: dict[str, str], actor: str) -> AlvMeeting:
    """Record a meeting as typed; raise InputError (nothing saved)."""
    checked = parse_meeting(form)
    meeting = AlvMeeting(held_on=checked.held_on, place=checked.place or None,
                         online=checked.online, created_by=actor)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def add_decision(meeting: AlvMeeting, form: dict[str, str], actor: str,
                 today: dt.date | None = None) -> AlvDecision:
    """Record a decision of `meeting` as typed; raise InputError for a wrong field or a number
    already taken (nothing saved)."""
    checked = parse_decision(form, meeting.held_on, today or dt.date.today())
    taken = db.session.scalar(sa.select(AlvDecision).where(AlvDecision.number == checked.number))
    if taken is not None:
        raise InputError("number", "Besluitnummer",
                         f"{checked.number} is al gebruikt ({label(taken)}: {taken.subject}).")
    decision = AlvDecision(meeting=meeting, number=checked.number,
                           decided_on=checked.decided_on, subject=checked.subject,
                           text=checked.text, created_by=actor)
    db.session.add(decision)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same number, added at the same moment elsewhere
        db.session.rollback()
        raise InputError("number", "Besluitnummer",
                         f"{checked.number} is al gebruikt.") from None
    return decision
