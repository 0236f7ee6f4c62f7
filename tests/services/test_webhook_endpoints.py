"""Registering a receiver of outgoing webhooks, with the default settings: https only, and
no address inside NVSI's own network (SSRF), checked at registration and again on delivery."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook

from app.domain.validation import InputError
from app.extensions import db
from app.services.webhook_endpoints import disable_endpoint
from app.services.webhook_endpoints import delivery_log
from app.services.webhook_endpoints import register_endpoint
from app.store.models import OutgoingEndpoint
from app.store.models import OutgoingEvent
from tests.conftest import base_settings
from tests.flow.helpers import drain_jobs
from tests.flow.helpers import package_with_stub_pdfs


@pytest.fixture
def app_settings(tmp_path, database_url) -> dict:
    return base_settings(tmp_path, database_url=database_url, job_retry_seconds=0)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def endpoints() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutgoingEndpoint.id)))


def test_a_secret_in_the_standard_webhooks_form_is_made(ctx):
    endpoint, secret = register_endpoint(" Ledenadministratie ", "https://93.184.215.14/hooks",
                                         ["package.sent"], created_by="beheer@nvsi.nl")
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    Webhook(secret)  # the library accepts it
    assert (endpoint.name, endpoint.events) == ("Ledenadministratie", ["package.sent"])
    _, other = register_endpoint("CRM", "https://93.184.215.14/crm", ["package.sent"],
                                 created_by="beheer@nvsi.nl")
    assert other != secret


@pytest.mark.parametrize(("url", "message"), [
    ("http://93.184.215.14/hooks", "https://"),
    ("https://127.0.0.1/hooks", "intern of lokaal"),
    ("https://localhost:8443/hooks", "intern of lokaal"),
    ("https://10.1.2.3/hooks", "intern of lokaal"),
    ("https://192.168.0.10/hooks", "intern of lokaal"),
    ("https://169.254.169.254/latest/meta-data", "intern of lokaal"),
    ("https://[::1]/hooks", "intern of lokaal"),
    ("https://[::ffff:10.0.0.1]/hooks", "intern of lokaal"),
])
def test_an_address_inside_the_network_is_refused_and_nothing_is_stored(ctx, url, message):
    with pytest.raises(InputError, match=message):
        register_endpoint("Intern", url, ["package.sent"], created_by="beheer@nvsi.nl")
    assert endpoints() == 0


def test_a_name_and_at_least_one_event_are_needed(ctx):
    with pytest.raises(InputError) as refused:
        register_endpoint("", "https://93.184.215.14/h", ["package.sent"], created_by="b")
    assert refused.value.field == "name"
    with pytest.raises(InputError) as refused:
        register_endpoint("CRM", "https://93.184.215.14/h", [], created_by="b")
    assert refused.value.field == "events"
    assert endpoints() == 0


def test_delivery_refuses_an_address_that_leads_inside(ctx, httpserver):
    """An address that passed registration but now leads inside (DNS changed; here written
    straight into the table) is refused as the connection is made: nothing reaches the
    server and the job is not tried again."""
    endpoint = OutgoingEndpoint(
        name="Omgeleid", url=httpserver.url_for("/hooks").replace("http://", "https://"),
        events=["package.created"], secret="whsec_" + base64.b64encode(b"k" * 32).decode(),
        created_by="test")
    db.session.add(endpoint)
    db.session.commit()
    httpserver.expect_request("/hooks").respond_with_data("", status=204)
    package_with_stub_pdfs()
    drain_jobs()
    assert httpserver.log == []
    [delivery] = delivery_log(endpoint.id)
    assert [a.error for a in delivery.attempts] == [
        "Geweigerd: het adres wijst naar een intern of lokaal netwerkadres."]
    assert delivery.job.state == "mislukt" and delivery.job.attempts == 1


def test_a_switched_off_receiver_gets_nothing(ctx):
    endpoint, _ = register_endpoint("CRM", "https://93.184.215.14/h", ["package.created"],
                                    created_by="b")
    disable_endpoint(endpoint.id)
    package_with_stub_pdfs()
    assert db.session.scalar(sa.select(sa.func.count(OutgoingEvent.id))) == 0


def test_an_address_is_registered_once_while_it_is_on(ctx):
    """A registration sent twice (a reload of the answer) makes one receiver, not two."""
    first, _ = register_endpoint("CRM", "https://93.184.215.14/crm", ["package.sent"],
                                 created_by="beheer@nvsi.nl")
    with pytest.raises(InputError, match="al geregistreerd voor 'CRM'") as refused:
        register_endpoint("CRM", "https://93.184.215.14/crm", ["package.sent"],
                          created_by="beheer@nvsi.nl")
    assert refused.value.field == "url" and endpoints() == 1
    disable_endpoint(first.id)
    register_endpoint("CRM", "https://93.184.215.14/crm", ["package.sent"],
                      created_by="beheer@nvsi.nl")  # switched off: may be registered anew
    assert endpoints() == 2
