"""The receivers of outgoing webhooks: a beheerder registers an address of another NVSI
system and the events it wants; its signing secret is made here and shown once.

An address must be https:// and must not lead to a private, loopback or link-local
address (no requests into NVSI's own network on a beheerder's say-so), unless the setting
`outgoing_webhooks_allow_private` allows both (tests, a receiver on the same machine).
Delivery checks the address again, as it connects (app.services.outgoing_webhooks).
"""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter import filter_host

from app.domain.events import check_receiver_url
from app.domain.events import parse_events
from app.domain.validation import InputError
from app.domain.validation import clean_text
from app.extensions import db
from app.runtime import runtime
from app.services.errors import NotFound
from app.store.models import OutgoingDelivery
from app.store.models import OutgoingEndpoint
from app.store.models import OutgoingEvent
from app.store.models import utcnow

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # Standard Webhooks: between 24 and 64 random bytes
LOG_SIZE = 100


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form: `whsec_` + base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def check_url(url: str) -> str:
    """The receiver address if it may be used now; raise InputError (Dutch) otherwise: not
    https://, or (unless allowed) its host is unknown or resolves to a non-public address."""
    allow = runtime().settings.outgoing_webhooks_allow_private
    url = check_receiver_url(url, allow_plain_http=allow)
    if allow:
        return url
    parts = urlsplit(url)
    try:
        filter_host(parts.hostname, parts.port or 443, allow_loopback=False)
    except InvalidIPAddress:
        raise InputError("url", "Adres (URL)", "dit adres wijst naar een intern of lokaal "
                         "netwerkadres; gebruik het openbare adres van het systeem.") from None
    except requests.RequestException:
        raise InputError("url", "Adres (URL)", f"de servernaam {parts.hostname} is niet te "
                         "vinden; controleer het adres.") from None
    return url


def register_endpoint(name: str, url: str, events: list[str], *,
                      created_by: str) -> tuple[OutgoingEndpoint, str]:
    """Register a receiver; return it and its secret (to show once); commits.

    Raises InputError (Dutch, naming the field) for a wrong name, address or choice of
    events, or an address that is registered already (so a form sent twice, by a reload,
    registers it once); nothing is stored then.
    """
    name = clean_text(name, "name", "Naam van het systeem")
    url = check_url(url)
    existing = db.session.scalar(sa.select(OutgoingEndpoint).where(
        OutgoingEndpoint.url == url, OutgoingEndpoint.disabled_at.is_(None)).limit(1))
    if existing is not None:
        raise InputError("url", "Adres (URL)", f"dit adres is al geregistreerd voor "
                         f"'{existing.name}'. Zet dat adres eerst uit als u het opnieuw wilt "
                         "registreren, met een nieuw geheim.")
    chosen = parse_events(events)
    secret = new_secret()
    endpoint = OutgoingEndpoint(name=name, url=url, events=[e.value for e in chosen],
                                secret=secret, created_by=created_by, created_at=utcnow())
    db.session.add(endpoint)
    db.session.commit()
    return endpoint, secret


def list_endpoints() -> list[OutgoingEndpoint]:
    """Every receiver, active ones first, newest first."""
    return list(db.session.scalars(sa.select(OutgoingEndpoint).order_by(
        OutgoingEndpoint.disabled_at.is_not(None), OutgoingEndpoint.id.desc())))


def get_endpoint(endpoint_id: int) -> OutgoingEndpoint:
    """The receiver; raise NotFound."""
    endpoint = db.session.get(OutgoingEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("Dit webhookadres bestaat niet.")
    return endpoint


def disable_endpoint(endpoint_id: int) -> OutgoingEndpoint:
    """Stop sending to this receiver (its log stays); return it; commits. Raises NotFound."""
    endpoint = get_endpoint(endpoint_id)
    if endpoint.disabled_at is None:
        endpoint.disabled_at = utcnow()
        db.session.commit()
    return endpoint


def delivery_log(endpoint_id: int, limit: int = LOG_SIZE) -> list[OutgoingDelivery]:
    """The receiver's latest deliveries, newest first, with their event, attempts and job."""
    return list(db.session.scalars(
        sa.select(OutgoingDelivery).join(OutgoingEvent)
        .where(OutgoingDelivery.endpoint_id == endpoint_id)
        .options(sa.orm.selectinload(OutgoingDelivery.attempts),
                 sa.orm.joinedload(OutgoingDelivery.event),
                 sa.orm.joinedload(OutgoingDelivery.job))
        .order_by(OutgoingDelivery.id.desc()).limit(limit)))
