"""The one door for package state changes: checked, written to the timeline, logged safely."""

from __future__ import annotations

import logging

from app.domain.states import PackageState
from app.domain.states import check_transition
from app.extensions import db
from app.store.models import Package
from app.store.models import TimelineEvent
from app.store.models import utcnow

log = logging.getLogger(__name__)


def record(package: Package, actor: str, kind: str, message: str, **details) -> TimelineEvent:
    """Add a timeline event to the package (no state change); return it."""
    event = TimelineEvent(
        package=package, actor=actor, kind=kind, message=message, details=details, at=utcnow()
    )
    db.session.add(event)
    return event


def transition(package: Package, target: PackageState, actor: str, message: str,
               **details) -> TimelineEvent:
    """Move the package to `target` after checking the state machine; write the event.

    Raises TransitionError (Dutch message) when the move is not allowed.
    """
    current = PackageState(package.state)
    check_transition(current, target)
    package.state = target.value
    event = record(package, actor, "status", message, **details)
    event.state_from = current.value
    event.state_to = target.value
    log.info("package %s: %s -> %s", package.id, current.value, target.value)
    return event
