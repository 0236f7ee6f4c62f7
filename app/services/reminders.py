"""Automatic reminders: the signers whose turn it is get a reminder on a schedule
(`TEKENKLAAR_REMINDER_DAYS`, days after their turn began), first the organisation's signers,
then NVSI's board signers once the organisation has signed.

`send_due_reminders` is safe to run as often as one likes (an hourly periodic job, registered
in app/services/jobs.py; or `flask reminders send`): each reminder is recorded in `reminder_sent` under a unique (package, step, number),
so nothing goes out twice; none go out for a package whose step is done, that is no longer
out for signing, or whose reminders staff paused. Each reminder is in the package's timeline.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import timeline
from app.services.errors import ServiceError
from app.store.models import Package
from app.store.models import ReminderSent
from app.store.models import utcnow

log = logging.getLogger(__name__)

ACTOR = "systeem"
OUT_FOR_SIGNING = (PackageState.VERZONDEN.value, PackageState.DEELS_ONDERTEKEND.value)
DONE = ("ondertekend", "geweigerd")


@dataclass(frozen=True)
class Due:
    """The reminder a package is due for now: its step, its number in the schedule."""

    step: str  # "organisatie" or "nvsi"
    number: int
    turn_began: dt.datetime


def current_step(package: Package) -> tuple[str, dt.datetime | None] | None:
    """Whose turn it is ("organisatie" or "nvsi") and since when; None when nobody's."""
    organisation = [s for s in package.signers if s.party == "organisatie"]
    board = [s for s in package.signers if s.party == "nvsi"]
    if any(s.state == "geweigerd" for s in package.signers):
        return None
    if any(s.state not in DONE for s in organisation):
        return "organisatie", package.sent_at
    if any(s.state not in DONE for s in board):
        signed = [s.state_at for s in organisation if s.state_at]
        return "nvsi", max(signed) if signed else package.sent_at
    return None


def due_reminder(package: Package, schedule: tuple[int, ...], now: dt.datetime,
                 sent: set[tuple[str, int]]) -> Due | None:
    """The latest reminder of the schedule that is due and not yet sent, or None."""
    if package.reminders_paused or package.state not in OUT_FOR_SIGNING or not schedule:
        return None
    found = current_step(package)
    if found is None or found[1] is None:
        return None
    step, began = found
    due = [n for n, days in enumerate(schedule, 1) if now >= began + dt.timedelta(days=days)]
    if not due or (step, due[-1]) in sent:
        return None
    return Due(step, due[-1], began)


def send_due_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Send every reminder that is due; return the counts {"verstuurd", "mislukt"}.

    A reminder that cannot go out (the provider refuses, or reminds by itself) is logged
    once in the timeline and not tried again for that number.
    """
    from app.services.sending import remind_package

    now = now or utcnow()
    schedule = runtime().settings.reminder_schedule
    counts = {"verstuurd": 0, "mislukt": 0}
    if not schedule:
        return counts
    packages = db.session.scalars(
        sa.select(Package).where(Package.state.in_(OUT_FOR_SIGNING),
                                 Package.reminders_paused.is_(False))
        .options(selectinload(Package.signers)).order_by(Package.id)).all()
    for package in packages:
        sent = {(r.step, r.number) for r in db.session.scalars(
            sa.select(ReminderSent).where(ReminderSent.package_id == package.id))}
        due = due_reminder(package, schedule, now, sent)
        if due is None or not _can_remind(package):
            continue
        if not _claim(package.id, due, now, sent):
            continue  # another run took it a moment ago
        try:
            remind_package(package.id, ACTOR)
        except ServiceError as exc:
            db.session.rollback()
            package = db.session.get(Package, package.id)
            timeline.record(package, ACTOR, "herinnering",
                            f"Automatische herinnering {due.number} niet verstuurd: "
                            f"{exc.message}")
            db.session.commit()
            counts["mislukt"] += 1
            continue
        counts["verstuurd"] += 1
        log.info("package %s: automatic reminder %s (%s)", package.id, due.number, due.step)
    return counts


def _can_remind(package: Package) -> bool:
    """True when a reminder for this step can go out: the provider reminds on request, or
    (on paper) the signers whose turn it is get the documents again by e-mail. A provider
    that reminds by itself, or one not set up, gets none from us. On paper, NVSI's board
    signers get theirs by e-mail too once the organisation has signed."""
    from app.services.providers import provider
    from signing import ConfigurationError

    try:
        adapter = provider(package.provider or "")
    except ConfigurationError:
        return False
    if adapter.can_remind or adapter.name == "builtin":  # builtin: a new link, either step
        return True
    return not adapter.can_poll  # on paper: we mail the organisation, then NVSI's board


def _claim(package_id: int, due: Due, now: dt.datetime, sent: set[tuple[str, int]]) -> bool:
    """Record the reminder (and the earlier numbers of its step, passed over when runs were
    missed) before sending it. False when another run recorded it first: the unique
    (package, step, number) refuses the second."""
    try:
        for number in range(1, due.number + 1):
            if (due.step, number) not in sent:
                db.session.add(ReminderSent(package_id=package_id, step=due.step,
                                            number=number, sent_at=now))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def set_paused(package_id: int, paused: bool, actor: str) -> Package:
    """Pause or resume the automatic reminders of one package (in its timeline)."""
    from app.services.packages import get_package

    package = get_package(package_id)
    if package.reminders_paused != paused:
        package.reminders_paused = paused
        timeline.record(package, actor, "herinnering",
                        "Automatische herinneringen gepauzeerd." if paused
                        else "Automatische herinneringen staan weer aan.")
        db.session.commit()
    return package
