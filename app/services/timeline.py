"""The one door for package state changes: checked, written to the timeline, logged safely,
and announced to NVSI's other systems (outgoing webhooks) in the same transaction."""

from __future__ import annotations

import logging

from app.domain.events import event_for
from app.domain.states import PackageState
from app.domain.states import check_transition
from app.extensions import db
from app.services.outgoing_webhooks import announce
from app.store.models import Package
from app.store.models import TimelineEvent
from app.store.models import utcnow

log = logging.getLogger(__name__)


def record(package: Package, actor: str, kind: str, message: str, **details) -> TimelineEvent:
    """Add a timeline event to the package (no state change); return it."""
    return _add(package, actor, kind, message, None, None, details)


def transition(package: Package, target: PackageState, actor: str, message: str,
               **details) -> TimelineEvent:
    """Move the package to `target` after checking the state machine; write the event.

    Raises TransitionError (Dutch message) when the move is not allowed.
    """
    current = PackageState(package.state)
    check_transition(current, target)
    package.state = target.value
    event = _add(package, actor, "status", message, current, target, details)
    log.info("package %s: %s -> %s", package.id, current.value, target.value)
    return event


def _add(package: Package, actor: str, kind: str, message: str,
         state_from: PackageState | None, state_to: PackageState | None,
         details: dict) -> TimelineEvent:
    event = TimelineEvent(
        package=package, actor=actor, kind=kind, message=message, details=details, at=utcnow(),
        state_from=state_from.value if state_from else None,
        state_to=state_to.value if state_to else None)
    db.session.add(event)
    announced = event_for(kind, event.state_to)
    if announced is not None:
        announce(package, announced)
    return event
