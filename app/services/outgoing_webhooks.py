"""Package events to NVSI's other systems as signed webhooks (the Standard Webhooks scheme).

`announce` is called by the one door for package changes (app.services.timeline), in the
change's own transaction: it stores the event's message once and, for every receiver that
wants it, a delivery with its durable job. `deliver` (the job) POSTs the stored body with
the headers `webhook-id` (the same on every attempt), `webhook-timestamp` and
`webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, made by the
`standardwebhooks` library), records the attempt and raises on failure, so the job is tried
again with the usual backoff. HTTP goes through requests-hardened: the address is resolved and
checked as the connection is made (no private or loopback addresses unless allowed), no
redirect is followed, and every call has a short timeout.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import NoReturn

import requests
import sqlalchemy as sa
from requests_hardened import Config
from requests_hardened import Manager
from requests_hardened.ip_filter import InvalidIPAddress
from standardwebhooks import Webhook

from app.domain.events import PackageEvent
from app.domain.events import check_receiver_url
from app.domain.events import message_body
from app.domain.states import JobState
from app.domain.validation import InputError
from app.extensions import db
from app.jobs import enqueue
from app.runtime import runtime
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.store.models import OutgoingAttempt
from app.store.models import OutgoingDelivery
from app.store.models import OutgoingEndpoint
from app.store.models import OutgoingEvent
from app.store.models import Package
from app.store.models import utcnow

log = logging.getLogger(__name__)

SYSTEM = "systeem"
CONNECT_TIMEOUT = 5.0  # seconds
USER_AGENT = "Tekenklaar-Webhooks/1"


class DeliveryFailed(Exception):
    """An attempt that did not reach the receiver or was not accepted; the job tries again.
    `message` is Dutch (it stays on the job)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def announce(package: Package, event: PackageEvent) -> OutgoingEvent | None:
    """Queue `event` of `package` for every active receiver that wants it (no commit: it is
    stored with the change); return the message, or None when no receiver wants it."""
    wanted = [endpoint for endpoint in db.session.scalars(
        sa.select(OutgoingEndpoint).where(OutgoingEndpoint.disabled_at.is_(None))
        .order_by(OutgoingEndpoint.id)) if event.value in endpoint.events]
    if not wanted:
        return None
    db.session.flush()  # the package's id, for a package made in this transaction
    now = utcnow()
    message = OutgoingEvent(
        webhook_id="msg_" + secrets.token_urlsafe(18), kind=event.value, package_id=package.id,
        created_at=now,
        body=message_body(event, now, package_id=package.id,
                          reference=package.reference_number,
                          organisation=package.organisation.name, state=package.state))
    db.session.add(message)
    for endpoint in wanted:
        delivery = OutgoingDelivery(endpoint=endpoint, event=message, created_at=now)
        db.session.add(delivery)
        db.session.flush()
        delivery.job = _job(delivery.id)
    return message


def _job(delivery_id: int, actor: str = SYSTEM):
    return enqueue(deliver, delivery_id, actor, key=f"outgoing-delivery:{delivery_id}",
                   background=True, commit=False)


def deliver(delivery_id: int, actor: str = SYSTEM) -> None:
    """POST the event to its receiver once, signed; record the attempt (commits), with
    `actor` when someone asked for it by hand. Raise
    DeliveryFailed (tried again later) when it did not arrive, ServiceError (not tried
    again) when the address is no longer allowed. Nothing happens for a delivery that
    arrived already or whose receiver was switched off."""
    delivery = db.session.get(OutgoingDelivery, delivery_id)
    if delivery is None or delivery.delivered_at is not None:
        return
    endpoint, event = delivery.endpoint, delivery.event
    if endpoint.disabled_at is not None:
        _attempt(delivery, None, "Niet verstuurd: het adres is uitgeschakeld.", actor)
        db.session.commit()
        return
    settings = runtime().settings
    try:
        check_receiver_url(endpoint.url,
                           allow_plain_http=settings.outgoing_webhooks_allow_private)
    except InputError as exc:
        _refuse(delivery, exc.message, actor)
    now = dt.datetime.now(dt.UTC)
    headers = {
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(event.webhook_id, now, event.body),
        "content-type": "application/json",
    }
    try:
        with _http(settings) as session:
            response = session.post(endpoint.url, data=event.body.encode(), headers=headers,
                                    timeout=(CONNECT_TIMEOUT,
                                             settings.outgoing_webhooks_timeout))
    except InvalidIPAddress:
        _refuse(delivery, "Geweigerd: het adres wijst naar een intern of lokaal netwerkadres.",
                actor)
    except requests.RequestException as exc:
        _fail(delivery, None, _describe(exc, settings.outgoing_webhooks_timeout), actor)
    status = response.status_code
    response.close()
    if 200 <= status < 300:
        _attempt(delivery, status, None, actor)
        delivery.delivered_at = utcnow()
        db.session.commit()
        return
    reason = ("een doorverwijzing (die volgt Tekenklaar niet)" if 300 <= status < 400
              else "een fout")
    _fail(delivery, status, f"Het systeem antwoordde met {reason}: HTTP {status}.", actor)


def _http(settings) -> requests.Session:
    allow = settings.outgoing_webhooks_allow_private
    return Manager(Config(ip_filter_enable=not allow, ip_filter_allow_loopback_ips=False,
                          never_redirect=True,
                          default_timeout=(CONNECT_TIMEOUT, settings.outgoing_webhooks_timeout),
                          user_agent_override=USER_AGENT)).get_session()


def _describe(exc: requests.RequestException, timeout: float) -> str:
    if isinstance(exc, requests.Timeout):
        return f"Geen antwoord binnen {timeout:g} seconden."
    if isinstance(exc, requests.exceptions.SSLError):
        return "De beveiligde verbinding (TLS) kon niet worden opgezet: controleer het " \
               "certificaat van het systeem."
    if isinstance(exc, requests.ConnectionError):
        return "Geen verbinding met het systeem (servernaam onbekend, of het systeem " \
               "reageert niet)."
    return "Versturen is mislukt."


def _attempt(delivery: OutgoingDelivery, status: int | None, error: str | None,
             actor: str) -> None:
    db.session.add(OutgoingAttempt(delivery=delivery, at=utcnow(), status=status,
                                   error=error, actor=actor))


def _fail(delivery: OutgoingDelivery, status: int | None, error: str,
          actor: str) -> NoReturn:
    _attempt(delivery, status, error, actor)
    db.session.commit()
    log.info("outgoing webhook delivery %s failed (status %s)", delivery.id, status)
    raise DeliveryFailed(error)


def _refuse(delivery: OutgoingDelivery, error: str, actor: str) -> NoReturn:
    _attempt(delivery, None, error, actor)
    db.session.commit()
    log.warning("outgoing webhook delivery %s refused: address not allowed", delivery.id)
    raise ServiceError(error)


def redeliver(delivery_id: int, actor: str) -> OutgoingDelivery:
    """Send the event to its receiver again now (same webhook-id), also after it arrived
    or gave up; commits. Raises NotFound, or ServiceError when the receiver is switched
    off."""
    delivery = db.session.get(OutgoingDelivery, delivery_id)
    if delivery is None:
        raise NotFound("Deze levering bestaat niet.")
    if delivery.endpoint.disabled_at is not None:
        raise ServiceError("Dit adres is uitgeschakeld; er wordt niets meer naartoe gestuurd.")
    delivery.delivered_at = None
    job = _job(delivery.id, actor)  # a retry that waits is this same job: moved to now
    job.args = [delivery.id, actor]
    if job.due_at > utcnow():
        job.due_at = utcnow()
    delivery.job = job
    log.info("outgoing webhook delivery %s sent again by hand", delivery.id)
    db.session.commit()
    return delivery


def delivery_state(delivery: OutgoingDelivery) -> str:
    """How the delivery stands, in Dutch: arrived, waiting for (another) attempt, busy, or
    given up."""
    if delivery.delivered_at is not None:
        return "Afgeleverd"
    job_state = JobState(delivery.job.state) if delivery.job else None
    if job_state is JobState.MISLUKT:
        return "Opgegeven"
    if job_state is JobState.BEZIG:
        return "Bezig"
    if job_state is JobState.KLAAR:  # the job ended without delivering: switched off
        return "Niet verstuurd"
    return "Nieuwe poging gepland" if delivery.attempts else "Wachtend"
