"""Nothing acknowledged is lost: retried downloads, the safety net, vanished envelopes, replayed
postbacks and bodies no provider should send (issue 11).

Signhost and ValidSign are the stateful fakes behind `responses` (tests/flow/fakes.py); the
jobs run in this process's background runner from their JobRun rows.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.services.callbacks import poll_quiet_packages
from app.services.sending import cancel_package
from app.services.sending import refresh_package
from app.services.sending import send_package
from app.store.models import JobRun
from app.store.models import OutgoingMail
from app.store.models import Package
from app.store.models import WebhookDelivery
from app.store.models import utcnow
from signing.providers.signhost import SignhostProvider

from .conftest import SIGNHOST_SECRET
from .helpers import deliveries
from .helpers import drain_jobs
from .helpers import package
from .helpers import package_with_stub_pdfs
from .helpers import timeline_messages
from .helpers import transitions

SIGNERS = 3


def post(client, provider, headers, body):
    response = client.post(f"/webhooks/{provider}", data=body, headers=headers)
    drain_jobs()
    return response


def sent(provider: str) -> Package:
    package_id = package_with_stub_pdfs()
    result = send_package(package_id, provider, "medewerker@nvsi.nl")
    assert result.state == "verzonden"
    return result


def jobs(package_id: int, name: str) -> list[JobRun]:
    return list(db.session.scalars(sa.select(JobRun).where(
        JobRun.package_id == package_id, JobRun.name == name).order_by(JobRun.id)))


def completion_mails(package_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(OutgoingMail.id)).where(
        OutgoingMail.package_id == package_id, OutgoingMail.kind == "voltooid"))


def make_due(package_id: int) -> None:
    """Time passes: every waiting job of the package is due now."""
    db.session.execute(sa.update(JobRun).where(JobRun.package_id == package_id,
                                               JobRun.state == "wachtend")
                       .values(due_at=utcnow()))
    db.session.commit()


ARCHIVE = "app.services.archive:archive_package"


@pytest.fixture
def slow_retries(ctx, monkeypatch):
    """Retries an hour apart, so a test sees the package between two attempts."""
    monkeypatch.setattr(ctx.extensions["tekenklaar"].settings, "job_retry_seconds", 3600)


def test_signhost_download_that_fails_for_a_while_is_retried_until_archived(
        ctx, client, signhost, slow_retries):
    """Four 503s on the signed file (more than one job attempt's HTTP retries): the package
    shows the error, the job waits for its retry, then ends `gearchiveerd`, mail once."""
    package_id = sent("signhost").id
    tx_id = package(package_id).envelope_id
    for index in range(SIGNERS):
        signhost.sign(tx_id, index)
    signhost.fail("download", 503, 503, 503, 503)
    assert post(client, "signhost", *signhost.postback(tx_id)).status_code == 200

    waiting = package(package_id)
    assert waiting.state == "ondertekend"
    assert "konden niet worden opgehaald" in waiting.last_error
    [job] = jobs(package_id, ARCHIVE)
    assert job.state == "wachtend" and job.attempts == 1 and job.error
    assert job.due_at > utcnow() + dt.timedelta(minutes=30)
    assert completion_mails(package_id) == 0

    make_due(package_id)
    drain_jobs()
    done = package(package_id)
    assert done.state == "gearchiveerd" and done.last_error is None
    [job] = jobs(package_id, ARCHIVE)
    assert (job.state, job.attempts, job.error) == ("klaar", 2, None)
    assert completion_mails(package_id) == 1
    assert db.session.scalar(sa.select(OutgoingMail.state).where(
        OutgoingMail.package_id == package_id, OutgoingMail.kind == "voltooid")) == "verzonden"
    assert transitions(package_id).count("gearchiveerd") == 1


def test_a_later_postback_restarts_the_archiving_of_a_signed_package(
        ctx, client, signhost, slow_retries):
    """Archiving gave up (or is waiting): the provider's redelivery of the last postback is
    not set aside as a duplicate but starts the archiving again."""
    package_id = sent("signhost").id
    tx_id = package(package_id).envelope_id
    for index in range(SIGNERS):
        signhost.sign(tx_id, index)
    signhost.fail("download", *[503] * 4)
    final = signhost.postback(tx_id)
    post(client, "signhost", *final)
    db.session.execute(sa.update(JobRun).where(JobRun.name == ARCHIVE)
                       .values(state="mislukt"))  # as if every attempt had failed
    db.session.commit()
    assert package(package_id).state == "ondertekend"

    post(client, "signhost", *final)  # Signhost delivers it again
    assert deliveries("signhost")["dubbel"] == 1
    assert package(package_id).state == "gearchiveerd"
    assert completion_mails(package_id) == 1


def test_validsign_download_outage_and_the_archive_callback(ctx, client, validsign,
                                                           slow_retries):
    """A signed-PDF outage leaves the package `ondertekend` with the error; ValidSign's later
    PACKAGE_ARCHIVE callback is a trigger that archives it."""
    package_id = sent("validsign").id
    envelope = package(package_id).envelope_id
    for index in range(SIGNERS):
        validsign.sign(envelope, index)
    validsign.fail("download", *[503] * 4)
    post(client, "validsign", *validsign.callback(envelope, "PACKAGE_COMPLETE"))
    assert package(package_id).state == "ondertekend"
    assert "konden niet worden opgehaald" in package(package_id).last_error
    db.session.execute(sa.update(JobRun).where(JobRun.name == ARCHIVE)
                       .values(state="mislukt"))
    db.session.commit()

    post(client, "validsign", *validsign.callback(envelope, "PACKAGE_ARCHIVE"))
    done = package(package_id)
    assert done.state == "gearchiveerd" and done.last_error is None
    assert completion_mails(package_id) == 1


def test_safety_net_polls_a_quiet_package_whose_callbacks_were_lost(ctx, signhost):
    """No postback ever came: the periodic sweep polls the package once it has been quiet
    for a while, and it ends archived; a package with recent news is left alone."""
    quiet = sent("signhost").id
    recent = sent("signhost").id
    for package_id in (quiet, recent):
        for index in range(SIGNERS):
            signhost.sign(package(package_id).envelope_id, index)
    db.session.execute(sa.update(Package).where(Package.id == quiet)
                       .values(updated_at=utcnow() - dt.timedelta(hours=30)))
    db.session.commit()
    gets = signhost.calls["get"]

    assert poll_quiet_packages() == {"polled": 1, "archived": 0}
    drain_jobs()
    assert package(quiet).state == "gearchiveerd"
    assert package(recent).state == "verzonden"
    assert signhost.calls["get"] - gets == 2  # the poll, and the download's read


def test_safety_net_archives_a_signed_package_again(ctx, signhost, client, slow_retries):
    package_id = sent("signhost").id
    tx_id = package(package_id).envelope_id
    for index in range(SIGNERS):
        signhost.sign(tx_id, index)
    signhost.fail("download", *[503] * 4)
    post(client, "signhost", *signhost.postback(tx_id))
    db.session.execute(sa.update(JobRun).where(JobRun.name == ARCHIVE)
                       .values(state="mislukt"))
    db.session.commit()

    assert poll_quiet_packages() == {"polled": 0, "archived": 1}
    drain_jobs()
    assert package(package_id).state == "gearchiveerd"


def test_the_safety_net_is_a_periodic_job(ctx):
    from app.jobs import PERIODIC
    from app.jobs.runner import schedule_periodic

    assert "app.services.callbacks:poll_quiet_packages" in PERIODIC
    schedule_periodic()
    schedule_periodic()  # the same period: not twice
    drain_jobs()
    runs = db.session.scalars(sa.select(JobRun).where(
        JobRun.name == "app.services.callbacks:poll_quiet_packages")).all()
    assert [(r.state, r.label) for r in runs] == [
        ("klaar", "Vangnet: status opvragen van pakketten zonder nieuws")]


# --- an envelope the provider no longer knows -----------------------------------------------

@pytest.mark.parametrize("provider", ["signhost", "validsign"])
def test_repolling_a_package_deleted_at_the_provider_ends_it_with_the_reason(
        ctx, request, provider):
    fake = request.getfixturevalue(provider)
    package_id = sent(provider).id
    fake.vanish(package(package_id).envelope_id)
    ended = refresh_package(package_id, "medewerker@nvsi.nl")
    assert ended.state == "ingetrokken"
    assert "kent de envelop van dit pakket niet meer" in ended.state_reason
    assert any("verwijderd of opgeschoond" in m for m in timeline_messages(package_id))
    assert transitions(package_id)[-1] == "ingetrokken"


@pytest.mark.parametrize("provider", ["signhost", "validsign"])
def test_cancelling_a_package_deleted_at_the_provider_ends_it(ctx, request, provider):
    fake = request.getfixturevalue(provider)
    package_id = sent(provider).id
    fake.vanish(package(package_id).envelope_id)
    ended = cancel_package(package_id, "Organisatie ziet af van deelname", "medewerker@nvsi.nl")
    assert ended.state == "ingetrokken"
    assert ended.state_reason == "Organisatie ziet af van deelname"
    assert any("kende de envelop al niet meer" in m for m in timeline_messages(package_id))


def test_a_callback_poll_of_a_vanished_envelope_ends_the_package(ctx, client, validsign):
    package_id = sent("validsign").id
    envelope = package(package_id).envelope_id
    callback = validsign.callback(envelope, "PACKAGE_DECLINE")
    validsign.vanish(envelope)
    post(client, "validsign", *callback)
    assert package(package_id).state == "ingetrokken"
    assert db.session.scalar(sa.select(WebhookDelivery.processed_at).where(
        WebhookDelivery.package_id == package_id)) is not None


# --- replays and bodies no provider sends -----------------------------------------------------

def test_a_replayed_checksum_cannot_cause_more_than_one_poll(ctx, client, signhost,
                                                             monkeypatch):
    """Signhost's checksum covers only Id and Status: a replay with any other body passes
    it. However many come in, the package is polled at most once per poll_min_seconds."""
    monkeypatch.setattr(ctx.extensions["tekenklaar"].settings, "poll_min_seconds", 3600)
    package_id = sent("signhost").id
    tx_id = package(package_id).envelope_id
    headers, body = signhost.postback(tx_id)
    post(client, "signhost", headers, body)
    polls = signhost.calls["get"]
    for n in range(25):
        varied = json.loads(body)
        varied["Signers"][0]["Activities"].append(
            {"Id": f"replay-{n}", "Code": 103, "CreatedDateTime": "2026-12-01T10:00:00+01:00"})
        assert post(client, "signhost", headers, json.dumps(varied).encode()).status_code == 200
    assert signhost.calls["get"] == polls  # no poll yet: the next may come in an hour
    waiting = [j for j in jobs(package_id, "app.services.callbacks:sync_package")
               if j.state == "wachtend"]
    assert len(waiting) == 1 and waiting[0].due_at > utcnow() + dt.timedelta(minutes=50)
    assert deliveries("signhost")["aanvaard"] == 26


DEEP = b'{"Id": ' + b"[" * 100_000 + b"]" * 100_000 + b', "Status": 30}'


@pytest.mark.parametrize("body", [
    DEEP,
    b'{"Id": "\\ud800", "Status": 30, "Checksum": "x"}',
    b'{"Id": "abc", "Status": 30, "Signers": [{"Reference": "\\udc00"}]}',
], ids=["deep", "lone-surrogate-id", "lone-surrogate-elsewhere"])
def test_bad_bodies_get_the_2xx_signhost_requires_and_are_recorded_invalid(
        ctx, client, signhost, body):
    headers = {"Content-Type": "application/json",
               "Checksum": SignhostProvider.checksum("abc", 30, SIGNHOST_SECRET)}
    response = client.post("/webhooks/signhost", data=body, headers=headers)
    assert response.status_code == 200
    assert deliveries("signhost") == {"ongeldig": 1}


def test_bad_bodies_at_validsign_are_refused_and_recorded(ctx, client, validsign):
    headers, _ = validsign.callback("x", "PACKAGE_COMPLETE")
    response = client.post("/webhooks/validsign", data=DEEP, headers=headers)
    assert response.status_code == 401
    assert deliveries("validsign") == {"ongeldig": 1}


def test_staff_confirm_a_new_send_after_an_unclear_create_on_the_package_page(
        ctx, client, signhost):
    """The page offers 'Toch opnieuw verzenden' only after an unclear create; without it
    the resend is refused with the reason, with it a new transaction is made."""
    from tests.web.support import make_user
    from tests.web.support import post as post_form
    from tests.web.support import sign_in
    from tests.web.support import text

    from flask import g

    make_user(ctx)
    assert sign_in(client).status_code == 302
    g.pop("csrf_token", None)  # this test's app context outlives the sign-in's new session
    package_id = package_with_stub_pdfs()
    page = text(client.get(f"/pakketten/{package_id}"))
    assert 'name="confirm_new"' not in page
    signhost.fail("create", "create-then-500")
    failed = send_package(package_id, "signhost", "medewerker@nvsi.nl")
    assert failed.state == "mislukt"
    page = text(client.get(f"/pakketten/{package_id}"))
    assert 'name="confirm_new"' in page and failed.send_key in page

    refused = text(post_form(client, f"/pakketten/{package_id}/verzenden",
                             {"provider": "signhost"}, follow_redirects=True))
    assert "onduidelijke uitkomst" in refused
    assert signhost.created == 1 and package(package_id).state == "mislukt"

    post_form(client, f"/pakketten/{package_id}/verzenden",
              {"provider": "signhost", "confirm_new": "ja"}, follow_redirects=True)
    drain_jobs()
    assert package(package_id).state == "verzonden" and signhost.created == 2


def test_staff_enter_the_envelope_they_found_on_the_package_page(ctx, client, signhost):
    """'Envelop gevonden' after an unclear create: a foreign id is refused beside the field
    with nothing changed; the package's own id is cancelled once a resend replaced it."""
    from tests.web.support import error_for
    from tests.web.support import make_user
    from tests.web.support import post as post_form
    from tests.web.support import sign_in
    from tests.web.support import text

    from flask import g

    make_user(ctx)
    assert sign_in(client).status_code == 302
    g.pop("csrf_token", None)
    package_id = package_with_stub_pdfs()
    assert "Envelop gevonden" not in text(client.get(f"/pakketten/{package_id}"))
    signhost.fail("create", "create-then-500")
    send_package(package_id, "signhost", "medewerker@nvsi.nl")
    [orphan] = signhost.transactions
    send_package(package_id, "signhost", "medewerker@nvsi.nl", confirm_new=True)
    assert "Envelop gevonden bij Signhost" in text(client.get(f"/pakketten/{package_id}"))

    response = post_form(client, f"/pakketten/{package_id}/envelop-gevonden",
                         {"envelope_id": "niet-bestaand"})
    assert response.status_code == 422
    assert error_for(text(response), "envelope_id") == "Signhost kent geen envelop met dit id."
    assert signhost.transactions[orphan]["Status"] == 5

    response = post_form(client, f"/pakketten/{package_id}/envelop-gevonden",
                         {"envelope_id": orphan}, follow_redirects=True)
    assert "De ongebruikte envelop is bij de ondertekendienst geannuleerd." in text(response)
    assert signhost.transactions[orphan]["Status"] == 60
