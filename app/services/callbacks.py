"""Provider callbacks: verify against the raw body, record the delivery, then act.

Where the provider authenticates the whole body (our manual uploads) the events are applied
as they are. Where it signs less (Signhost: id and status; ValidSign: a static key), the
callback is only a trigger: a job fetches the authoritative state from the provider first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import sqlalchemy as sa

from app.extensions import db
from app.jobs import enqueue
from app.services.providers import provider as get_provider
from app.services.tracking import apply_events
from app.store.files import sha256
from app.store.models import Package
from app.store.models import WebhookDelivery
from app.store.models import utcnow
from signing import InvalidCallback

log = logging.getLogger(__name__)

ACCEPTED, DUPLICATE, UNKNOWN, INVALID = "aanvaard", "dubbel", "onbekend", "ongeldig"


def receive_callback(provider_name: str, headers: Mapping[str, str], body: bytes) -> bool:
    """Handle one delivery; return whether it was authentic and well-formed.

    Never raises for bad input: an invalid delivery is recorded (without its body or any
    personal data) and changes nothing.
    """
    adapter = get_provider(provider_name)
    digest = sha256(body)
    try:
        adapter.verify_callback(headers, body)
        events = adapter.parse_callback(headers, body)
    except InvalidCallback as exc:
        log.warning("callback rejected", extra={"provider": provider_name,
                                                "reason": exc.reason, "body_sha256": digest})
        _record(provider_name, f"invalid:{digest}", None, None, digest, INVALID)
        return False
    dedupe_key = "|".join(sorted(e.dedupe_key for e in events)) or f"body:{digest}"
    dedupe_key = dedupe_key if len(dedupe_key) <= 300 else f"sha256:{sha256(dedupe_key.encode())}"
    envelope_id = events[0].envelope_id if events else None
    package = _package_for(provider_name, envelope_id)
    seen = db.session.scalar(sa.select(WebhookDelivery.id).where(
        WebhookDelivery.provider == provider_name, WebhookDelivery.dedupe_key == dedupe_key,
        WebhookDelivery.outcome == ACCEPTED))
    if package is None:
        _record(provider_name, dedupe_key, envelope_id, None, digest, UNKNOWN)
        log.info("callback for an unknown envelope", extra={"provider": provider_name})
        return True
    if seen:
        _record(provider_name, dedupe_key, envelope_id, package.id, digest, DUPLICATE)
        return True
    delivery = _record(provider_name, dedupe_key, envelope_id, package.id, digest, ACCEPTED)
    if adapter.callback_is_trigger:
        enqueue(sync_package, package.id, delivery.id)
    else:
        apply_events(package.id, provider_name, events, actor=provider_name)
        _processed(delivery.id)
    return True


def sync_package(package_id: int, delivery_id: int | None = None) -> None:
    """A job: fetch the envelope's state from the provider and apply it (safe to repeat)."""
    package = db.session.get(Package, package_id)
    if package is None or not package.envelope_id:
        return
    adapter = get_provider(package.provider)
    status = adapter.status(package.envelope_id)
    apply_events(package_id, package.provider, adapter.events_from_status(status),
                 actor=package.provider)
    if delivery_id is not None:
        _processed(delivery_id)


def _package_for(provider_name: str, envelope_id: str | None) -> Package | None:
    if not envelope_id:
        return None
    return db.session.scalar(sa.select(Package).where(
        Package.provider == provider_name, Package.envelope_id == envelope_id))


def _record(provider_name, dedupe_key, envelope_id, package_id, digest, outcome):
    delivery = WebhookDelivery(provider=provider_name, dedupe_key=dedupe_key[:300],
                               envelope_id=envelope_id and envelope_id[:200],
                               package_id=package_id, body_sha256=digest, outcome=outcome)
    db.session.add(delivery)
    db.session.commit()
    return delivery


def _processed(delivery_id: int) -> None:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is not None:
        delivery.processed_at = utcnow()
        db.session.commit()
