"""Outgoing webhooks received by a real HTTP server on this machine (pytest-httpserver) and
checked as a receiver would, with the standardwebhooks library's `verify`."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook
from standardwebhooks import WebhookVerificationError
from werkzeug import Response

from app.extensions import db
from app.services.outgoing_webhooks import delivery_state
from app.services.outgoing_webhooks import redeliver
from app.services.sending import cancel_package
from app.services.sending import send_package
from app.services.webhook_endpoints import delivery_log
from app.services.webhook_endpoints import register_endpoint
from app.store.models import JobRun
from app.store.models import OutgoingAttempt
from tests.conftest import base_settings

from .helpers import PERSONAL
from .helpers import drain_jobs
from .helpers import package_with_stub_pdfs
from .helpers import sign_on_paper

ALL = ["package.created", "package.sent", "package.signed", "package.archived",
       "package.declined", "package.withdrawn"]


@pytest.fixture
def app_settings(tmp_path, database_url) -> dict:
    # a receiver on this machine is allowed here; a retry is due at once
    return base_settings(tmp_path, database_url=database_url, job_retry_seconds=0,
                         outgoing_webhooks_allow_private=True, outgoing_webhooks_timeout=5)


class Receiver:
    """What the receiving system got: each request's headers and raw body."""

    def __init__(self, httpserver, path="/hooks"):
        self.requests: list[tuple[dict, bytes]] = []
        self.url = httpserver.url_for(path)
        self.httpserver, self.path = httpserver, path
        httpserver.expect_request(path, method="POST").respond_with_handler(self.ok)

    def ok(self, request):
        self.requests.append((dict(request.headers), request.get_data()))
        return Response("", status=204)

    def fail_once(self):
        def fail(request):
            self.requests.append((dict(request.headers), request.get_data()))
            return Response("kapot", status=500)

        self.httpserver.expect_oneshot_request(self.path, method="POST") \
            .respond_with_handler(fail)

    def verified(self, secret: str) -> list[dict]:
        """Every message, after checking its signature as a receiver does."""
        return [Webhook(secret).verify(body, headers) for headers, body in self.requests]


def register(url, events=ALL):
    endpoint, secret = register_endpoint("Ledenadministratie", url, list(events),
                                         created_by="beheer@nvsi.nl")
    return endpoint.id, secret


def send(package_id):
    return send_package(package_id, "manual", "medewerker@nvsi.nl")


def test_a_package_walked_to_archived_is_announced_with_valid_signatures(ctx, httpserver):
    receiver = Receiver(httpserver)
    _, secret = register(receiver.url)
    done = sign_on_paper(package_with_stub_pdfs())
    assert done.state == "gearchiveerd"
    package_id = done.id

    messages = receiver.verified(secret)
    assert [m["type"] for m in messages] == ["package.created", "package.sent",
                                             "package.signed", "package.archived"]
    assert [m["data"]["state"] for m in messages] == ["concept", "verzonden", "ondertekend",
                                                      "gearchiveerd"]
    for message in messages:
        assert message["data"] == {"package_id": package_id, "reference":
                                   done.reference_number, "organisation": "Stichting Noord",
                                   "state": message["data"]["state"]}
        assert message["timestamp"].endswith("Z")
    ids = [headers["Webhook-Id"] for headers, _ in receiver.requests]
    assert len(set(ids)) == 4 and all(i.startswith("msg_") for i in ids)
    bodies = b"".join(body for _, body in receiver.requests).decode()
    assert "@" not in bodies and not any(word in bodies for word in PERSONAL)
    # a receiver with another secret, or a body changed on the way, is refused
    headers, body = receiver.requests[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(secret.replace(secret[8], "A" if secret[8] != "A" else "B")).verify(
            body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"concept", b"klaar"), headers)


def test_a_withdrawn_package_is_announced(ctx, httpserver):
    receiver = Receiver(httpserver)
    _, secret = register(receiver.url, ["package.withdrawn", "package.sent"])
    package_id = package_with_stub_pdfs()
    send(package_id)
    cancel_package(package_id, "De gemeente heeft afgezien van deelname.", "medewerker@nvsi.nl")
    drain_jobs()
    messages = receiver.verified(secret)
    assert [m["type"] for m in messages] == ["package.sent", "package.withdrawn"]
    assert messages[1]["data"]["state"] == "ingetrokken"
    assert "afgezien" not in json.dumps(messages)  # the reason stays in Tekenklaar


def test_a_failing_receiver_is_tried_again_with_the_same_webhook_id(ctx, httpserver):
    receiver = Receiver(httpserver)
    receiver.fail_once()
    endpoint_id, secret = register(receiver.url, ["package.created"])
    package_with_stub_pdfs()
    drain_jobs()

    [first, second] = receiver.requests
    assert first[0]["Webhook-Id"] == second[0]["Webhook-Id"]
    assert first[1] == second[1]
    assert [m["type"] for m in receiver.verified(secret)] == ["package.created"] * 2
    [delivery] = delivery_log(endpoint_id)
    assert [(a.status, a.error) for a in delivery.attempts] == [
        (500, "Het systeem antwoordde met een fout: HTTP 500."), (204, None)]
    assert delivery_state(delivery) == "Afgeleverd"
    assert delivery.job.state == "klaar" and delivery.job.attempts == 2

    # "Opnieuw versturen": once more, the same webhook-id again
    redeliver(delivery.id, actor="beheer@nvsi.nl")
    drain_jobs()
    assert len(receiver.requests) == 3
    assert receiver.requests[2][0]["Webhook-Id"] == first[0]["Webhook-Id"]
    [delivery] = delivery_log(endpoint_id)
    assert [(a.status, a.actor) for a in delivery.attempts] == [
        (500, "systeem"), (204, "systeem"), (204, "beheer@nvsi.nl")]


def test_a_receiver_that_stays_down_is_given_up_after_the_last_attempt(ctx, httpserver):
    endpoint_id, _ = register(httpserver.url_for("/down"), ["package.created"])
    httpserver.expect_request("/down").respond_with_data("weg", status=503)
    package_with_stub_pdfs()
    drain_jobs()
    [delivery] = delivery_log(endpoint_id)
    assert len(delivery.attempts) == 10  # outgoing_webhooks_max_attempts
    assert {a.status for a in delivery.attempts} == {503}
    assert delivery.job.state == "mislukt" and delivery_state(delivery) == "Opgegeven"


def test_a_redirect_is_not_followed(ctx, httpserver):
    endpoint_id, _ = register(httpserver.url_for("/moved"), ["package.created"])
    httpserver.expect_request("/moved").respond_with_data(
        "", status=307, headers={"Location": httpserver.url_for("/elsewhere")})
    httpserver.expect_request("/elsewhere").respond_with_data("", status=204)
    package_with_stub_pdfs()
    drain_jobs()
    assert all(request.path == "/moved" for request, _ in httpserver.log)
    [delivery] = delivery_log(endpoint_id)
    assert delivery.attempts[0].status == 307
    assert "doorverwijzing" in delivery.attempts[0].error


def test_no_receiver_no_messages(ctx):
    """Without a registered address nothing is stored or queued for other systems."""
    package_with_stub_pdfs()
    assert db.session.scalar(sa.select(sa.func.count(OutgoingAttempt.id))) == 0
    assert not db.session.scalars(sa.select(JobRun.name).where(
        JobRun.name.like("%outgoing_webhooks%"))).all()
