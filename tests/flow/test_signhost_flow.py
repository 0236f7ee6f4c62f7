"""A package sent through Signhost: postbacks are triggers, the state comes from the API.

Signhost is mocked with a stateful fake (tests/flow/fakes.py) answering as its REST API
documents; postbacks are built with SignhostProvider.sign (checksum in header and body)."""

from __future__ import annotations

import copy
import hashlib
import logging

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.runtime import runtime
from app.services.errors import ServiceError
from app.services.packages import create_package
from app.services.sending import cancel_package
from app.services.sending import refresh_package
from app.services.sending import remind_package
from app.services.sending import send_package
from app.services.tracking import apply_events
from app.store.models import Agreement
from app.store.models import AppliedEvent
from app.store.models import OutgoingMail
from app.store.models import WebhookDelivery
from signing import EventKind
from signing import SigningEvent

from signing.providers.signhost import SignhostProvider

from .conftest import SIGNHOST_SECRET
from .fakes import connection_refused
from .helpers import PERSONAL
from .helpers import applied_keys
from .helpers import deliveries
from .helpers import drain_jobs
from .helpers import new_package
from .helpers import package
from .helpers import package_with_stub_pdfs
from .helpers import timeline_messages
from .helpers import transitions

SIGNERS = 3  # the organisation's signatory, then the NVSI chair and treasurer


def post(client, headers, body):
    response = client.post("/webhooks/signhost", data=body, headers=headers)
    drain_jobs()
    return response


def send(package_id):
    return send_package(package_id, "signhost", "medewerker@nvsi.nl")


def test_sent_signed_and_archived_through_postbacks(ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    sent = send(package_id)
    assert sent.state == "verzonden"
    tx = signhost.only()
    assert signhost.calls["create"] == 1
    assert sent.envelope_id == tx["Id"] and tx["Status"] == 10
    # what went out is what was made, and the provider holds the same bytes
    for document in sent.documents:
        assert document.sent_sha256 == document.pdf_sha256
        if document.signed_required:
            uploaded = signhost.files[(tx["Id"], f"doc-{document.id}")]
            assert hashlib.sha256(uploaded).hexdigest() == document.pdf_sha256
    assert [s["Reference"] for s in tx["Signers"]] == [f"signer-{s.id}" for s in sent.signers]
    assert tx["Reference"] == sent.send_key  # the lease is released; the key stays

    assert post(client, *signhost.postback(tx["Id"])).status_code == 200
    for index in range(SIGNERS):
        signhost.sign(tx["Id"], index)
        response = post(client, *signhost.postback(tx["Id"]))
        assert response.status_code == 200

    done = package(package_id)
    assert done.state == "gearchiveerd"
    assert transitions(package_id) == ["klaar", "verzonden", "deels_ondertekend",
                                       "ondertekend", "gearchiveerd"]
    assert [s.state for s in done.signers] == ["ondertekend"] * SIGNERS
    store = runtime().store
    for document in done.documents:
        if not document.signed_required:
            assert document.signed_key is None
            continue
        stored = store.get(document.signed_key)
        assert stored == signhost.signed_files[(tx["Id"], f"doc-{document.id}")]
        assert hashlib.sha256(stored).hexdigest() == document.signed_sha256
    receipt = store.get(done.audit_trail_key)
    assert receipt == signhost.receipts[tx["Id"]]
    assert hashlib.sha256(receipt).hexdigest() == done.audit_trail_sha256
    assert done.audit_trail_filename == "signhost-receipt.pdf"
    kinds = {(a.kind, a.solution_code) for a in done.organisation.agreements}
    assert kinds == {("registratie_lid", ""), ("verwerkersovereenkomst", ""),
                     ("gebruiksovereenkomst", "schuldenradar")}
    mails = db.session.scalars(sa.select(OutgoingMail.kind).where(
        OutgoingMail.package_id == package_id)).all()
    assert sorted(mails) == ["pakket_verzonden", "voltooid"]
    # each provider event applied once: the keys are those of the status snapshots
    keys = applied_keys(package_id)
    assert len(keys) == len(set(keys))
    assert sum(":signer_signed" in k for k in keys) == SIGNERS
    assert sum(k.endswith(":completed") for k in keys) == 1


def run_signhost(client, signhost, messy: bool) -> int:
    """One package through Signhost; `messy` duplicates, reorders and forges postbacks and
    adds malformed and oversized ones along the way."""
    package_id = package_with_stub_pdfs(new_package(name=f"Stichting {'Rommel' if messy else 'Net'}"))
    send(package_id)
    tx_id = package(package_id).envelope_id
    earlier = []
    for index in range(SIGNERS):
        signhost.sign(tx_id, index)
        headers, body = signhost.postback(tx_id)
        if not messy:
            post(client, headers, body)
            continue
        forged_headers, forged_body = signhost.postback(tx_id, secret="not-the-secret")
        assert post(client, forged_headers, forged_body).status_code == 200
        post(client, headers, body)
        post(client, headers, body)  # Signhost redelivers
        for old in reversed(earlier):  # late, out of order
            post(client, *old)
        assert post(client, {"Content-Type": "application/json"}, b"{not json").status_code == 200
        earlier.append((headers, body))
    if messy:
        big = b'{"Id": "' + b"x" * (1024 * 1024) + b'"}'
        assert post(client, {"Content-Type": "application/json"}, big).status_code == 200
        post(client, *earlier[0])
    return package_id


def test_duplicated_reordered_forged_and_malformed_postbacks_end_the_same(
        ctx, client, signhost, caplog):
    caplog.set_level(logging.INFO)
    clean = run_signhost(client, signhost, messy=False)
    messy = run_signhost(client, signhost, messy=True)
    a, b = package(clean), package(messy)
    assert a.state == b.state == "gearchiveerd"
    assert transitions(clean) == transitions(messy)
    assert [s.state for s in a.signers] == [s.state for s in b.signers]

    def shape(package_id):  # the applied events, with envelope and signer ids made neutral
        found = package(package_id)
        names = {found.envelope_id: "TX", **{f"signer-{s.id}:": f"S{s.order}:"
                                             for s in found.signers}}
        keys = []
        for key in applied_keys(package_id):
            for old, new in names.items():
                key = key.replace(old, new)
            keys.append(key)
        return sorted(keys)

    assert shape(clean) == shape(messy)

    def no_ids(package_id):
        return [m for m in timeline_messages(package_id) if "Envelop" not in m]

    assert no_ids(clean) == no_ids(messy)
    outcomes = deliveries("signhost")
    assert outcomes["ongeldig"] == SIGNERS * 2  # forged + malformed per step
    assert outcomes["te_groot"] == 1
    assert outcomes["dubbel"] >= SIGNERS
    # the rejections are logged without a stack trace and without personal data
    rejected = [r for r in caplog.records if "callback rejected" in r.getMessage()]
    assert len(rejected) == SIGNERS * 2 + 1
    assert all(r.exc_info is None for r in caplog.records if r.name.startswith("app"))
    text = caplog.text
    assert not any(word in text for word in PERSONAL)


def test_forged_postback_changes_nothing(ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    tx_id = package(package_id).envelope_id
    for index in range(SIGNERS):
        signhost.sign(tx_id, index)
    before = (applied_keys(package_id), transitions(package_id))
    headers, body = signhost.postback(tx_id, secret="guessed")
    response = post(client, headers, body)
    assert response.status_code == 200  # Signhost wants 2xx, even for this
    headers, body = signhost.postback(tx_id)
    response = post(client, {"Content-Type": "application/json"}, body.replace(b'"Checksum"', b'"X"'))
    assert response.status_code == 200
    assert package(package_id).state == "verzonden"
    assert (applied_keys(package_id), transitions(package_id)) == before
    rows = db.session.scalars(sa.select(WebhookDelivery)).all()
    assert [r.outcome for r in rows] == ["ongeldig", "ongeldig"]
    assert all(r.package_id is None and len(r.body_sha256) == 64 for r in rows)


def test_postback_for_an_unknown_transaction_is_recorded_and_changes_nothing(
        ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    # a transaction of another system on the same Signhost account, signed and valid
    stranger = {**signhost.only(), "Id": "7d1c7a51-0000-4000-8000-00000000beef", "Status": 30}
    calls = signhost.calls["get"]
    response = post(client, *SignhostProvider.sign(SIGNHOST_SECRET, stranger))
    assert response.status_code == 200
    row = db.session.scalars(sa.select(WebhookDelivery)).one()
    assert (row.outcome, row.envelope_id, row.package_id) == ("onbekend", stranger["Id"], None)
    assert signhost.calls["get"] == calls  # nothing was polled
    assert db.session.scalar(sa.select(sa.func.count(AppliedEvent.id))) == 0
    assert package(package_id).state == "verzonden"


def test_late_events_never_move_the_package_back(ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    tx_id = package(package_id).envelope_id
    first = signhost.postback(tx_id)
    for index in range(SIGNERS):
        signhost.sign(tx_id, index)
    post(client, *signhost.postback(tx_id))
    assert package(package_id).state == "gearchiveerd"
    moved = transitions(package_id)
    signers = [s.state for s in package(package_id).signers]
    signer = package(package_id).signers[0]
    late = [
        SigningEvent(tx_id, EventKind.SENT, None, "signhost:transaction:late:10"),
        SigningEvent(tx_id, EventKind.SIGNER_VIEWED, None, "signhost:activity:late:103",
                     signer_key=f"signer-{signer.id}"),
        SigningEvent(tx_id, EventKind.SIGNER_DECLINED, None, "signhost:activity:late:202",
                     signer_key=f"signer-{signer.id}", reason="te laat"),
        SigningEvent(tx_id, EventKind.DECLINED, None, "signhost:transaction:late:40"),
        SigningEvent(tx_id, EventKind.CANCELLED, None, "signhost:transaction:late:60"),
    ]
    assert apply_events(package_id, "signhost", late, "signhost") == len(late)
    assert apply_events(package_id, "signhost", late, "signhost") == 0  # and only once
    post(client, *first)  # the postback of 'sent', after everything
    after = package(package_id)
    assert after.state == "gearchiveerd" and after.state_reason is None
    assert transitions(package_id) == moved
    assert [s.state for s in after.signers] == signers


@pytest.mark.parametrize("how, state, reason", [
    ("reject", "geweigerd", "Wij tekenen pas na het collegebesluit."),
    ("expire", "verlopen", "De ondertekentermijn is verlopen"),
])
def test_declined_or_expired_ends_the_package_with_the_reason(ctx, client, signhost, how,
                                                              state, reason):
    package_id = package_with_stub_pdfs()
    send(package_id)
    tx_id = package(package_id).envelope_id
    if how == "reject":
        signhost.reject(tx_id, 0, reason)
    else:
        signhost.expire(tx_id)
    post(client, *signhost.postback(tx_id))
    ended = package(package_id)
    assert ended.state == state
    assert reason in ended.state_reason
    assert reason in timeline_messages(package_id)[-1]
    if how == "reject":
        assert ended.signers[0].state == "geweigerd"
        assert ended.signers[0].reason == reason
    assert not ended.organisation.agreements


def test_staff_cancel_withdraws_the_transaction_and_the_postback_changes_nothing(
        ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    tx_id = package(package_id).envelope_id
    cancelled = cancel_package(package_id, "Verkeerde oplossing gekozen", "medewerker")
    assert cancelled.state == "ingetrokken"
    assert cancelled.state_reason == "Verkeerde oplossing gekozen"
    assert signhost.transactions[tx_id]["Status"] == 60
    assert signhost.transactions[tx_id]["CancelationReason"] == "Verkeerde oplossing gekozen"
    moved = transitions(package_id)
    post(client, *signhost.postback(tx_id))
    assert transitions(package_id) == moved
    with pytest.raises(Exception, match="kan niet meer worden ingetrokken"):
        cancel_package(package_id, "nog eens", "medewerker")


def test_cancelled_at_signhost_ends_the_package_with_its_reason(ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    tx_id = package(package_id).envelope_id
    signhost.transactions[tx_id].update(Status=60, CancelationReason="Door NVSI ingetrokken")
    post(client, *signhost.postback(tx_id))  # GET answers 410 with the history
    ended = package(package_id)
    assert ended.state == "ingetrokken"
    assert ended.state_reason == "Door NVSI ingetrokken"


def test_staff_repoll_brings_the_state_without_any_postback(ctx, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    tx_id = package(package_id).envelope_id
    signhost.sign(tx_id, 0)
    partly = refresh_package(package_id, "medewerker")
    assert partly.state == "deels_ondertekend"
    assert [s.state for s in partly.signers] == ["ondertekend", "uitgenodigd", "wachtend"]
    for index in (1, 2):
        signhost.sign(tx_id, index)
    refresh_package(package_id, "medewerker")
    drain_jobs()
    assert package(package_id).state == "gearchiveerd"
    again = refresh_package(package_id, "medewerker")
    assert again.state == "gearchiveerd"
    assert "0 nieuwe gebeurtenis(sen)" in timeline_messages(package_id)[-1]


def test_repoll_that_cannot_reach_signhost_says_so(ctx, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    signhost.fail("get", 503, 503, 503, 503)
    with pytest.raises(ServiceError, match="niet opgevraagd bij Signhost"):
        refresh_package(package_id, "medewerker")
    assert package(package_id).state == "verzonden"


def test_signhost_has_no_ad_hoc_reminder(ctx, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    with pytest.raises(ServiceError, match="herinnert de ondertekenaars automatisch"):
        remind_package(package_id, "medewerker")


def test_agreements_on_file_are_skipped_by_the_next_package(ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    send(package_id)
    tx_id = package(package_id).envelope_id
    for index in range(SIGNERS):
        signhost.sign(tx_id, index)
    post(client, *signhost.postback(tx_id))
    first = package(package_id)
    assert first.state == "gearchiveerd"
    agreements = db.session.scalars(sa.select(Agreement)).all()
    assert all(a.package_id == package_id for a in agreements)
    following = create_package(new_package(organisation_id=first.organisation_id,
                                           solutions=("schuldenradar", "wijkteamdossier")),
                               actor="test")
    assert [d.kind for d in following.documents] == ["aanbiedingsbrief", "gebruiksovereenkomst"]
    assert following.documents[1].solution_code == "wijkteamdossier"
    # the Voorwaarden of this version came with the first package and were accepted with its
    # signed gebruiksovereenkomst: not again
    assert {s["kind"] for s in following.skipped} == {
        "aanmelding_organisatie_lid", "verwerkersovereenkomst", "gebruiksovereenkomst",
        "voorwaarden"}


# --- failures while sending ---------------------------------------------------------------

def test_timeouts_500s_and_429_are_retried_and_the_package_is_sent_once(ctx, signhost, sleeps):
    package_id = package_with_stub_pdfs()
    signhost.fail("create", 429, connection_refused())  # provably not processed: repeated
    signhost.fail("upload", requests.exceptions.ReadTimeout("read timed out"), 500, 502)
    signhost.fail("start", connection_refused())
    sent = send(package_id)
    assert sent.state == "verzonden"
    assert signhost.created == 1  # one transaction, though create was tried three times
    assert signhost.calls["create"] == 3
    assert len(sleeps) == 6


@pytest.mark.parametrize("failure", [
    500, requests.exceptions.ReadTimeout("read timed out"), "create-then-500",
], ids=["500", "read-timeout", "made-then-500"])
def test_resend_after_an_unclear_create_makes_no_second_transaction(ctx, signhost, failure):
    """Signhost cannot be searched: a resend after an unclear create is refused (no second
    transaction) until staff have checked and confirm; the package says why."""
    package_id = package_with_stub_pdfs()
    made = {d.id: (d.pdf_key, d.pdf_sha256) for d in package(package_id).documents}
    signhost.fail("create", failure)
    failed = send(package_id)
    assert failed.state == "mislukt" and failed.send_unknown_at is not None
    assert "onduidelijk" in failed.last_error
    assert failed.send_key in failed.last_error  # staff can look it up at Signhost
    existing = 1 if failure == "create-then-500" else 0
    assert signhost.created == existing and signhost.calls["create"] == 1
    assert {d.id: (d.pdf_key, d.pdf_sha256) for d in failed.documents} == made  # kept
    with pytest.raises(ServiceError, match="Toch opnieuw verzenden"):
        send(package_id)  # an immediate resend: no second transaction
    assert signhost.created == existing and signhost.calls["create"] == 1
    assert package(package_id).state == "mislukt"
    again = send_package(package_id, "signhost", "medewerker@nvsi.nl", confirm_new=True)
    assert again.state == "verzonden" and again.send_unknown_at is None
    assert signhost.created == existing + 1
    assert signhost.transactions[again.envelope_id]["Reference"] == again.send_key
    assert "gecontroleerd door de medewerker" in " ".join(timeline_messages(package_id))


def test_an_unused_transaction_staff_find_after_a_resend_is_cancelled_at_signhost(
        ctx, signhost):
    """Made, answer lost; staff resent. The first transaction, found at Signhost and entered
    by its id, is checked by its Reference (our key) and cancelled: nobody had it."""
    from app.services.orphans import take_found_envelope

    package_id = package_with_stub_pdfs()
    signhost.fail("create", "create-then-500")
    send(package_id)
    [orphan] = signhost.transactions
    again = send_package(package_id, "signhost", "medewerker@nvsi.nl", confirm_new=True)
    assert again.envelope_id != orphan and signhost.created == 2
    assert take_found_envelope(package_id, orphan, "medewerker") == "geannuleerd"
    assert signhost.transactions[orphan]["Status"] == 60  # cancelled at Signhost
    assert "Ongebruikte envelop" in signhost.transactions[orphan]["CancelationReason"]
    assert signhost.transactions[again.envelope_id]["Status"] == 10  # the used one goes on
    after = package(package_id)
    assert (after.state, after.envelope_id) == ("verzonden", again.envelope_id)
    assert any("ongebruikte tweede envelop" in m for m in timeline_messages(package_id))


def test_the_transaction_of_an_unclear_create_found_before_a_resend_is_resumed(ctx, signhost):
    """Made, answer lost, not yet resent: with the id staff found, the resend resumes that
    transaction without asking, and no second one is made."""
    from app.services.orphans import take_found_envelope

    package_id = package_with_stub_pdfs()
    signhost.fail("create", "create-then-500")
    send(package_id)
    [made] = signhost.transactions
    assert take_found_envelope(package_id, made, "medewerker") == "hervat"
    resent = send(package_id)  # no confirmation needed: the envelope is known
    assert (resent.state, resent.envelope_id, signhost.created) == ("verzonden", made, 1)
    assert signhost.transactions[made]["Status"] == 10


@pytest.mark.parametrize(("what", "message"), [
    ("stranger", "hoort niet bij dit pakket"),
    ("unknown", "kent geen envelop met dit id"),
    ("", "Vul het id van de envelop in"),
])
def test_a_found_envelope_that_is_not_the_packages_changes_nothing(ctx, signhost, what,
                                                                   message):
    from app.services.orphans import take_found_envelope

    package_id = package_with_stub_pdfs()
    signhost.fail("create", "create-then-500")
    send(package_id)
    [made] = signhost.transactions
    stranger = "7d1c7a51-0000-4000-8000-00000000beef"
    signhost.transactions[stranger] = {**copy.deepcopy(signhost.transactions[made]),
                                       "Id": stranger, "Reference": "iets-anders"}
    given = {"stranger": stranger, "unknown": "0000-onbekend"}.get(what, what)
    with pytest.raises(ServiceError, match=message):
        take_found_envelope(package_id, given, "medewerker")
    assert signhost.transactions[stranger]["Status"] == 5  # left alone
    after = package(package_id)
    assert (after.state, after.envelope_id) == ("mislukt", None)


def test_no_found_envelope_without_an_unclear_send(ctx, signhost):
    from app.services.orphans import take_found_envelope

    package_id = package_with_stub_pdfs()
    send(package_id)
    with pytest.raises(ServiceError, match="geen verzending met een onduidelijke uitkomst"):
        take_found_envelope(package_id, "whatever", "medewerker")


def test_failure_after_create_ends_mislukt_and_the_resend_resumes_the_envelope(ctx, signhost):
    package_id = package_with_stub_pdfs()
    signhost.fail("upload", 500, 500, 500, 500)  # four attempts of the first upload
    failed = send(package_id)
    assert failed.state == "mislukt"
    assert "tijdelijk niet bereikbaar" in failed.last_error
    assert failed.envelope_id == signhost.only()["Id"]
    again = send(package_id)
    assert again.state == "verzonden"
    assert signhost.created == 1 and signhost.calls["create"] == 1
    assert again.envelope_id == signhost.only()["Id"]
    assert transitions(package_id) == ["klaar", "mislukt", "verzonden"]


def test_start_that_arrived_but_answered_500_is_recovered_by_the_postback(
        ctx, client, signhost):
    package_id = package_with_stub_pdfs()
    signhost.fail("start", "start-then-500")
    failed = send(package_id)
    assert failed.state == "mislukt" and failed.envelope_id
    post(client, *signhost.postback(failed.envelope_id))  # Signhost says: it is out
    recovered = package(package_id)
    assert recovered.state == "verzonden"
    assert recovered.last_error is None
    with pytest.raises(ServiceError):
        send(package_id)  # nothing to send again
    assert signhost.created == 1


def test_a_resend_of_a_started_transaction_does_not_start_it_twice(ctx, signhost):
    package_id = package_with_stub_pdfs()
    signhost.fail("start", "start-then-500")
    failed = send(package_id)
    assert failed.state == "mislukt"
    again = send(package_id)  # staff try again before any postback came
    assert again.state == "verzonden"
    assert signhost.created == 1 and signhost.calls["start"] == 1


def test_a_send_already_running_is_not_started_twice(ctx, signhost):
    import time

    package_id = package_with_stub_pdfs()
    running = package(package_id)
    running.send_key = f"{'a' * 32}@{int(time.time())}"  # another request holds the lease
    db.session.commit()
    with pytest.raises(ServiceError, match="wordt op dit moment al verzonden"):
        send(package_id)
    assert signhost.calls["create"] == 0
    stale = package(package_id)
    stale.send_key = f"{'a' * 32}@{int(time.time()) - 3600}"  # that process died
    db.session.commit()
    sent = send(package_id)
    assert sent.state == "verzonden" and sent.send_key == "a" * 32
    assert signhost.only()["Reference"] == "a" * 32


def test_refused_send_says_why_and_keeps_everything(ctx, signhost):
    package_id = package_with_stub_pdfs()
    signhost.fail("create", 400)
    failed = send(package_id)
    assert failed.state == "mislukt"
    assert "geweigerd" in failed.last_error
    assert failed.envelope_id is None
    assert all(d.pdf_key for d in failed.documents)
