"""Apply a provider's normalised events to a package: idempotent, and never backwards.

`apply_events` is the one place signing events change signers and packages. Each event is
recorded by its dedupe key first; an event seen before changes nothing. A late event (a
'viewed' after 'completed', anything after an end state) is recorded but changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.domain.states import PackageState
from app.domain.states import TRANSITIONS
from app.domain.states import is_stale
from app.extensions import db
from app.services import timeline
from app.store.models import AppliedEvent
from app.store.models import Package
from app.store.models import Signer
from app.store.models import utcnow
from signing import EventKind
from signing import SigningEvent

log = logging.getLogger(__name__)

SIGNER_STATES = {  # our signer state for each signer event, with its rank
    EventKind.SIGNER_NOTIFIED: ("uitgenodigd", 1),
    EventKind.SIGNER_VIEWED: ("bekeken", 2),
    EventKind.SIGNER_SIGNED: ("ondertekend", 3),
    EventKind.SIGNER_DECLINED: ("geweigerd", 4),
}
SIGNER_RANK = {"wachtend": 0, **{state: rank for state, rank in SIGNER_STATES.values()}}
SIGNER_LABELS = {"wachtend": "wacht op zijn beurt", "uitgenodigd": "uitgenodigd",
                 "bekeken": "heeft de documenten bekeken", "ondertekend": "heeft ondertekend",
                 "geweigerd": "heeft geweigerd"}
END_STATES = {
    EventKind.DECLINED: (PackageState.GEWEIGERD, "De ondertekening is geweigerd"),
    EventKind.EXPIRED: (PackageState.VERLOPEN, "De ondertekentermijn is verlopen"),
    EventKind.CANCELLED: (PackageState.INGETROKKEN, "Het pakket is ingetrokken"),
    EventKind.FAILED: (PackageState.MISLUKT, "De ondertekendienst meldt een fout"),
}


def signer_key(signer: Signer) -> str:
    return f"signer-{signer.id}"


def document_key(document_id: int) -> str:
    return f"doc-{document_id}"


def lock_package(package_id: int) -> Package | None:
    """Load the package for an update, locking its row where the database can."""
    return db.session.scalar(
        sa.select(Package).where(Package.id == package_id).with_for_update()
    )


def apply_events(package_id: int, provider: str, events: list[SigningEvent],
                 actor: str) -> int:
    """Apply new events to the package in order; return how many were new.

    Commits. Safe to call twice with the same events, and from two processes at once.
    """
    package = lock_package(package_id)
    if package is None:
        return 0
    applied = 0
    for event in events:
        if event.envelope_id != package.envelope_id:
            log.warning("event for another envelope ignored (package %s)", package.id)
            continue
        if not _claim(package, provider, event):
            continue
        applied += 1
        _apply(package, event, actor)
    db.session.commit()
    if package.state == PackageState.ONDERTEKEND.value:
        from app.jobs import enqueue
        from app.services.archive import archive_package

        enqueue(archive_package, package.id)
    return applied


def _claim(package: Package, provider: str, event: SigningEvent) -> bool:
    """Record the event's dedupe key; False when it was applied before."""
    exists = db.session.scalar(sa.select(AppliedEvent.id).where(
        AppliedEvent.provider == provider, AppliedEvent.dedupe_key == event.dedupe_key))
    if exists:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(AppliedEvent(provider=provider, dedupe_key=event.dedupe_key[:300],
                                        package_id=package.id, kind=event.kind.value))
    except IntegrityError:
        return False
    return True


def _apply(package: Package, event: SigningEvent, actor: str) -> None:
    if event.kind in SIGNER_STATES:
        _apply_signer(package, event, actor)
    elif event.kind is EventKind.COMPLETED:
        _complete(package, event, actor)
    elif event.kind in END_STATES:
        target, text = END_STATES[event.kind]
        reason = (event.reason or "").strip()
        _move(package, target, actor, f"{text}{': ' + reason if reason else '.'}",
              reason=reason or None)
    elif event.kind is EventKind.SENT:
        timeline.record(package, actor, "provider", "De ondertekendienst heeft het pakket verstuurd.")


def _apply_signer(package: Package, event: SigningEvent, actor: str) -> None:
    signer = next((s for s in package.signers if signer_key(s) == event.signer_key), None)
    state, rank = SIGNER_STATES[event.kind]
    if event.document_key and event.kind is EventKind.SIGNER_SIGNED:
        # A signed scan of one document (manual signing): the package is partly signed; the
        # signers count as signed once every document is in (see _complete).
        document = next((d for d in package.documents
                         if document_key(d.id) == event.document_key), None)
        title = document.title if document else "een document"
        timeline.record(package, actor, "ondertekening", f"Ondertekend exemplaar ontvangen: {title}.")
        _move(package, PackageState.DEELS_ONDERTEKEND, actor,
              "Het pakket is deels ondertekend.")
        return
    if signer is None:
        log.warning("event for an unknown signer ignored (package %s)", package.id)
        return
    if SIGNER_RANK.get(signer.state, 0) >= rank:
        return
    signer.state = state
    signer.state_at = _naive(event.occurred_at) or utcnow()
    if event.reason:
        signer.reason = event.reason
    timeline.record(package, actor, "ondertekenaar",
                    f"{signer.role.capitalize()} ({'NVSI' if signer.party == 'nvsi' else 'organisatie'}) "
                    f"{SIGNER_LABELS[state]}.", signer=signer.order)
    if event.kind is EventKind.SIGNER_SIGNED:
        _move(package, PackageState.DEELS_ONDERTEKEND, actor, "Het pakket is deels ondertekend.")


def _complete(package: Package, event: SigningEvent, actor: str) -> None:
    if is_stale(PackageState(package.state), PackageState.ONDERTEKEND):
        return
    at = _naive(event.occurred_at) or utcnow()
    for signer in package.signers:
        if signer.state != "geweigerd" and signer.state != "ondertekend":
            signer.state, signer.state_at = "ondertekend", at
    package.signed_at = at
    _move(package, PackageState.ONDERTEKEND, actor,
          "Alle handtekeningen zijn binnen; de overeenkomsten staan nu op naam van de organisatie.")
    from app.services.archive import record_agreements

    record_agreements(package, at.date())


def _move(package: Package, target: PackageState, actor: str, message: str, **details) -> None:
    """Transition unless the event comes too late or the move is not possible from here."""
    current = PackageState(package.state)
    if current is target or is_stale(current, target):
        return
    if target not in TRANSITIONS[current]:
        log.info("package %s: %s ignored in state %s", package.id, target.value, current.value)
        return
    if details.get("reason"):
        package.state_reason = details["reason"]
    timeline.transition(package, target, actor, message, **details)


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)
