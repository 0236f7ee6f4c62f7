"""Provider callbacks: verify against the raw body, record the delivery, then act.

Every delivery is recorded (provider, dedupe key, when, SHA-256 of the body; never the body)
with its outcome: `aanvaard`, `dubbel` (seen and handled before), `onbekend` (an envelope we
do not know), `genegeerd` (authentic, but nothing we act on), `ongeldig` (bad signature or
malformed), `te_groot`.

Where the provider authenticates the whole body (our own signed uploads for signing on paper)
the events are applied in the request, in the same transaction as the delivery record and the
jobs that follow (archiving, mail). Where it authenticates less (Signhost: id and status;
ValidSign: a static key), the callback is only a trigger: the delivery and a poll job are
recorded in one transaction, and the job fetches the authoritative state from the provider and
applies that. A package has at most one poll waiting, and is polled at most once every
`poll_min_seconds` however many postbacks come: a replayed Signhost checksum (which covers
only id and status, so the rest of the body can be varied at will) cannot cause more polls.

The safety net for callbacks that never come or were lost: `poll_quiet_packages`, a periodic
task, polls packages out for signing without news for `poll_quiet_hours`, and archives again
any package signed but not archived.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

import sqlalchemy as sa

from app.domain.states import PackageState
from app.extensions import db
from app.jobs import enqueue
from app.services.providers import provider as get_provider
from app.services.tracking import OUT_FOR_SIGNING
from app.services.tracking import apply_and_commit
from app.services.tracking import apply_locked
from app.services.tracking import follow_up
from app.services.tracking import lock_package
from app.services.tracking import lock_package_for_envelope
from app.services.tracking import queue_archiving
from app.store.files import sha256
from app.store.models import JobRun
from app.store.models import Package
from app.store.models import WebhookDelivery
from app.store.models import utcnow
from signing import EnvelopeGone
from signing import InvalidCallback
from signing import SigningEvent

log = logging.getLogger(__name__)

ACCEPTED, DUPLICATE, UNKNOWN, IGNORED, INVALID, OVERSIZED = (
    "aanvaard", "dubbel", "onbekend", "genegeerd", "ongeldig", "te_groot")
DELIVERY = WebhookDelivery.__table__
RECORD = sa.insert(DELIVERY).returning(DELIVERY.c.id)  # made once: a Core INSERT, no ORM


def receive_callback(provider_name: str, headers: Mapping[str, str], body: bytes,
                     actor: str | None = None) -> bool:
    """Handle one delivery; return whether it was authentic and well-formed.

    Never raises for bad input: an invalid delivery is recorded (without its body or any
    personal data), logged, and changes nothing. `actor` is who the timeline names (the
    provider by default; the staff member for an upload). Raises signing.ConfigurationError
    for a provider that is not configured.
    """
    adapter = get_provider(provider_name)
    digest = sha256(body)
    try:
        events = adapter.read_callback(headers, body)
    except (InvalidCallback, ValueError, RecursionError) as exc:
        log.warning("callback rejected: provider=%s reason=%s body_sha256=%s", provider_name,
                    getattr(exc, "reason", "malformed_body"), digest)
        _record(provider_name, f"{INVALID}:{digest}", None, None, digest, INVALID)
        db.session.commit()
        return False
    if not events:
        _record(provider_name, f"body:{digest}", None, None, digest, IGNORED)
        db.session.commit()
        return True
    dedupe_key = delivery_key(events)
    envelope_id = events[0].envelope_id
    if adapter.callback_is_trigger:
        return _trigger(provider_name, dedupe_key, envelope_id, digest)
    # The whole body is authenticated: apply it now, in one transaction with its record.
    package = lock_package_for_envelope(provider_name, envelope_id)
    if package is None:
        _unknown(provider_name, dedupe_key, envelope_id, digest)
        return True
    outcome = apply_locked(package, provider_name, events, actor or provider_name)
    fresh = outcome.applied or outcome.deferred
    _record(provider_name, dedupe_key, envelope_id, package.id, digest,
            ACCEPTED if fresh else DUPLICATE, processed=True)
    follow_up(package.id, package.state, outcome)
    db.session.commit()
    return True


def _trigger(provider_name: str, dedupe_key: str, envelope_id: str, digest: str) -> bool:
    """Record a trigger callback and, in the same transaction, the poll of the provider it
    asks for, unless this callback was handled before (a redelivery of one whose poll failed
    is polled again). A package that is signed but not archived is archived again, also on
    a repeated callback."""
    row = db.session.execute(sa.select(Package.id, Package.state).where(
        Package.provider == provider_name, Package.envelope_id == envelope_id)).first()
    if row is None:
        _unknown(provider_name, dedupe_key, envelope_id, digest)
        return True
    package_id, state = row
    seen = db.session.scalar(sa.select(WebhookDelivery.id).where(
        WebhookDelivery.provider == provider_name, WebhookDelivery.dedupe_key == dedupe_key,
        WebhookDelivery.outcome == ACCEPTED, WebhookDelivery.processed_at.is_not(None)
    ).limit(1)) is not None
    delivery_id = _record(provider_name, dedupe_key, envelope_id, package_id, digest,
                          DUPLICATE if seen else ACCEPTED)
    if state == PackageState.ONDERTEKEND.value:
        queue_archiving(package_id)
    if not seen:
        queue_poll(package_id, delivery_id)
    db.session.commit()
    return True


SYNC_JOB = "app.services.callbacks:sync_package"


def queue_poll(package_id: int, delivery_id: int | None = None) -> None:
    """Record a poll of the package's envelope (no commit): joined to the one that waits, if
    any, and not before `poll_min_seconds` after the last one started."""
    from app.runtime import runtime

    gap = dt.timedelta(seconds=runtime().settings.poll_min_seconds)
    due = None
    if gap:
        last = db.session.scalar(sa.select(sa.func.max(JobRun.started_at)).where(
            JobRun.package_id == package_id, JobRun.name == SYNC_JOB))
        if last is not None and utcnow() - last < gap:
            due = last + gap
    enqueue(sync_package, package_id, delivery_id, package_id=package_id,
            key=f"sync:{package_id}", due=due, commit=False)


def _unknown(provider_name: str, dedupe_key: str, envelope_id: str, digest: str) -> None:
    _record(provider_name, dedupe_key, envelope_id, None, digest, UNKNOWN)
    db.session.commit()
    log.info("callback for an unknown envelope recorded: provider=%s body_sha256=%s",
             provider_name, digest)


def record_oversized(provider_name: str, size: int) -> None:
    """Record a delivery refused for its size (its body was not read)."""
    log.warning("callback rejected: provider=%s reason=oversized_body bytes=%s",
                provider_name, size)
    _record(provider_name, f"{OVERSIZED}:{size}", None, None, "", OVERSIZED)
    db.session.commit()


def delivery_key(events: list[SigningEvent]) -> str:
    """The dedupe key of a delivery: its events' keys (the SHA-256 of them when long)."""
    key = "|".join(sorted(e.dedupe_key for e in events))
    return key if len(key) <= 300 else f"sha256:{sha256(key.encode())}"


def sync_package(package_id: int, delivery_id: int | None = None) -> None:  # noqa: ARG001
    """A job: fetch the envelope's state from the provider and apply it (safe to repeat).

    Raises signing errors when the provider cannot be reached (the job is retried); the
    deliveries then stay unprocessed, so a redelivery polls again. An envelope the provider
    no longer knows ends the package (see `envelope_gone`). `delivery_id`: the delivery
    that asked first (kept for the job list; every delivery the poll answers is marked).
    """
    started = utcnow()  # the deliveries received until now are answered by this poll
    package = db.session.get(Package, package_id)
    if package is None or not package.envelope_id:
        _processed(package_id, started)
        return
    adapter = get_provider(package.provider)
    if not adapter.can_poll or PackageState(package.state).is_final:
        _processed(package_id, started)
        return
    envelope_id, provider_name = package.envelope_id, package.provider
    db.session.commit()  # no transaction stays open during the HTTP call
    try:
        status = adapter.status(envelope_id)
    except EnvelopeGone as exc:
        from app.services.sending import envelope_gone

        envelope_gone(package_id, envelope_id, provider_name, exc)
        _processed(package_id, started)
        return
    package = lock_package(package_id)
    if package is None:
        db.session.rollback()
        return
    outcome = apply_and_commit(package, provider_name, adapter.events_from_status(status),
                               actor=provider_name)
    if not outcome.deferred:  # else a redelivery of this callback polls again
        _processed(package_id, started)


def poll_quiet_packages() -> dict[str, int]:
    """A periodic job, the safety net for callbacks that never came or were lost: poll the
    packages out for signing without news for `poll_quiet_hours` (where the provider can be
    polled), and archive again every package signed but not archived. Returns the counts."""
    from app.runtime import runtime
    from app.services.providers import available_providers

    settings = runtime().settings
    quiet = utcnow() - dt.timedelta(hours=settings.poll_quiet_hours)
    pollable = [name for name in available_providers() if get_provider(name).can_poll]
    polled = archived = 0
    for package_id in db.session.scalars(sa.select(Package.id).where(
            Package.state.in_([s.value for s in OUT_FOR_SIGNING]),
            Package.provider.in_(pollable), Package.envelope_id.is_not(None),
            Package.updated_at < quiet)):
        queue_poll(package_id)
        polled += 1
    for package_id in db.session.scalars(sa.select(Package.id).where(
            Package.state == PackageState.ONDERTEKEND.value)):
        queue_archiving(package_id)
        archived += 1
    db.session.commit()
    if polled or archived:
        log.info("safety net: %d package(s) to poll, %d to archive", polled, archived)
    return {"polled": polled, "archived": archived}


def _record(provider_name, dedupe_key, envelope_id, package_id, digest, outcome,
            processed: bool = False) -> int:
    """Record the delivery in the current transaction (a Core INSERT); return its id."""
    now = utcnow()
    return db.session.scalar(RECORD, dict(
        provider=provider_name, dedupe_key=dedupe_key[:300],
        envelope_id=envelope_id and envelope_id[:200], package_id=package_id,
        body_sha256=digest, outcome=outcome, received_at=now,
        processed_at=now if processed else None))


def _processed(package_id: int, until) -> None:
    """Mark the package's accepted deliveries received until `until` as handled (commits):
    one poll answers every postback that joined it."""
    db.session.execute(sa.update(WebhookDelivery).where(
        WebhookDelivery.package_id == package_id, WebhookDelivery.outcome == ACCEPTED,
        WebhookDelivery.processed_at.is_(None), WebhookDelivery.received_at <= until)
        .values(processed_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
