"""A package sent through ValidSign: callbacks carry a static key and ids only, so each is a
trigger to read the package from the API.

ValidSign is mocked with a stateful fake (tests/flow/fakes.py) answering as its API 7.2
describes; callbacks are built with ValidSignProvider.sign."""

from __future__ import annotations

import hashlib
import random

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.runtime import runtime
from app.services.sending import refresh_package
from app.services.sending import remind_package
from app.services.sending import send_package
from app.store.models import WebhookDelivery

from .helpers import applied_keys
from .helpers import deliveries
from .helpers import drain_jobs
from .helpers import package
from .helpers import package_with_stub_pdfs
from .helpers import timeline_messages
from .helpers import transitions

SIGNERS = 3


def post(client, headers, body):
    response = client.post("/webhooks/validsign", data=body, headers=headers)
    drain_jobs()
    return response


def send(package_id):
    return send_package(package_id, "validsign", "medewerker@nvsi.nl")


def test_sent_signed_and_archived_through_callbacks(ctx, client, validsign):
    package_id = package_with_stub_pdfs()
    sent = send(package_id)
    assert sent.state == "verzonden"
    assert validsign.calls["create"] == 1
    remote = validsign.only()
    assert sent.envelope_id == remote["id"] and remote["status"] == "SENT"
    to_sign = [d for d in sent.documents if d.signed_required]
    assert [d["id"] for d in remote["documents"][1:]] == [f"doc-{d.id}" for d in to_sign]
    assert all(len(d["approvals"]) == SIGNERS for d in remote["documents"][1:])
    assert [r["id"] for r in remote["roles"][1:]] == [f"signer-{s.id}" for s in sent.signers]
    assert sent.send_key in remote["description"]

    assert post(client, *validsign.callback(remote["id"], "PACKAGE_ACTIVATE")).status_code == 200
    for index in range(SIGNERS):
        role = validsign.sign(remote["id"], index)
        assert post(client, *validsign.callback(remote["id"], "SIGNER_COMPLETE", role)
                    ).status_code == 200
    assert post(client, *validsign.callback(remote["id"], "PACKAGE_COMPLETE")).status_code == 200

    done = package(package_id)
    assert done.state == "gearchiveerd"
    assert transitions(package_id) == ["klaar", "verzonden", "deels_ondertekend",
                                       "ondertekend", "gearchiveerd"]
    store = runtime().store
    for document in to_sign:
        document = db.session.get(type(document), document.id)
        stored = store.get(document.signed_key)
        assert stored == validsign.signed_files[(remote["id"], f"doc-{document.id}")]
        assert hashlib.sha256(stored).hexdigest() == document.signed_sha256
    evidence = store.get(done.audit_trail_key)
    assert evidence == validsign.evidence[remote["id"]]
    assert hashlib.sha256(evidence).hexdigest() == done.audit_trail_sha256
    assert {a.kind for a in done.organisation.agreements} == {
        "registratie_lid", "verwerkersovereenkomst", "gebruiksovereenkomst"}
    keys = applied_keys(package_id)
    assert sum(k.endswith(":signer_signed") for k in keys) == SIGNERS
    assert sum(k.endswith(":completed") for k in keys) == 1
    assert deliveries("validsign") == {"aanvaard": SIGNERS + 2}


def run_validsign(client, validsign, messy: bool, seed: int = 7) -> int:
    from .helpers import new_package

    package_id = package_with_stub_pdfs(new_package(name=f"Stichting {seed} {messy}"))
    send(package_id)
    package_ref = package(package_id).envelope_id
    callbacks = [validsign.callback(package_ref, "PACKAGE_ACTIVATE")]
    for index in range(SIGNERS):
        role = validsign.sign(package_ref, index)
        callbacks.append(validsign.callback(package_ref, "SIGNER_COMPLETE", role))
    callbacks.append(validsign.callback(package_ref, "PACKAGE_COMPLETE"))
    if not messy:
        for callback in callbacks:
            post(client, *callback)
        return package_id
    batch = callbacks * 2 + [validsign.callback(package_ref, "PACKAGE_COMPLETE", key="wrong")]
    random.Random(seed).shuffle(batch)
    statuses = {post(client, *c).status_code for c in batch}
    assert post(client, {"Authorization": "Basic validsign-callback-key-for-tests"},
                b"[1, 2").status_code == 401
    assert statuses == {200, 401}
    return package_id


def test_duplicated_reordered_and_forged_callbacks_end_the_same(ctx, client, validsign):
    clean = run_validsign(client, validsign, messy=False)
    messy = run_validsign(client, validsign, messy=True)
    assert package(clean).state == package(messy).state == "gearchiveerd"
    assert transitions(clean)[-2:] == transitions(messy)[-2:] == ["ondertekend", "gearchiveerd"]
    assert transitions(messy).count("ondertekend") == 1
    assert len(applied_keys(clean)) == len(applied_keys(messy))
    outcomes = db.session.execute(sa.select(WebhookDelivery.outcome, sa.func.count()).where(
        WebhookDelivery.package_id == messy).group_by(WebhookDelivery.outcome)).all()
    assert dict(outcomes) == {"aanvaard": SIGNERS + 2, "dubbel": SIGNERS + 2}
    assert deliveries("validsign")["ongeldig"] == 2


def test_unmapped_callback_is_recorded_and_ignored(ctx, client, validsign):
    package_id = package_with_stub_pdfs()
    send(package_id)
    ref = package(package_id).envelope_id
    response = post(client, *validsign.callback(ref, "EMAIL_BOUNCE"))
    assert response.status_code == 200
    assert deliveries("validsign") == {"genegeerd": 1}
    assert package(package_id).state == "verzonden"


def test_callback_for_an_unknown_package_is_recorded(ctx, client, validsign):
    response = post(client, *validsign.callback("aGVsbG8td29ybGQtcGFja2FnZQ=", "PACKAGE_COMPLETE"))
    assert response.status_code == 200
    row = db.session.scalars(sa.select(WebhookDelivery)).one()
    assert row.outcome == "onbekend" and row.package_id is None
    assert validsign.calls["get"] == 0


def test_oversized_and_unknown_provider(ctx, client, validsign):
    big = b"{" + b" " * (1024 * 1024 + 10) + b"}"
    response = client.post("/webhooks/validsign", data=big,
                           headers={"Authorization": "Basic validsign-callback-key-for-tests"})
    assert response.status_code == 413
    assert deliveries("validsign") == {"te_groot": 1}
    assert client.post("/webhooks/docusign", data=b"{}").status_code == 404


def test_declined_ends_the_package_with_the_signers_reason(ctx, client, validsign):
    package_id = package_with_stub_pdfs()
    send(package_id)
    ref = package(package_id).envelope_id
    validsign.sign(ref, 0)
    validsign.decline(ref, 1, "De voorzitter wil eerst de begroting zien.")
    post(client, *validsign.callback(ref, "PACKAGE_DECLINE"))
    ended = package(package_id)
    assert ended.state == "geweigerd"
    assert ended.state_reason == "De voorzitter wil eerst de begroting zien."
    assert [s.state for s in ended.signers] == ["ondertekend", "geweigerd", "wachtend"]
    assert "begroting" in timeline_messages(package_id)[-1]
    assert not ended.organisation.agreements


def test_expired_ends_the_package(ctx, client, validsign):
    package_id = package_with_stub_pdfs()
    send(package_id)
    validsign.expire(package(package_id).envelope_id)
    post(client, *validsign.callback(package(package_id).envelope_id, "PACKAGE_EXPIRE"))
    assert package(package_id).state == "verlopen"
    assert package(package_id).state_reason == "De ondertekentermijn is verlopen."


def test_remind_goes_to_the_signer_whose_turn_it_is(ctx, validsign):
    package_id = package_with_stub_pdfs()
    send(package_id)
    ref = package(package_id).envelope_id
    validsign.sign(ref, 0)
    reminded = remind_package(package_id, "medewerker")
    assert validsign.notifications == [(ref, "voorzitter@nvsi.nl")]
    assert "Herinnering verstuurd via ValidSign." in timeline_messages(package_id)
    assert reminded.state == "verzonden"  # a reminder is no state change


def test_repoll(ctx, validsign):
    package_id = package_with_stub_pdfs()
    send(package_id)
    ref = package(package_id).envelope_id
    for index in range(SIGNERS):
        validsign.sign(ref, index)
    refresh_package(package_id, "medewerker")
    drain_jobs()
    assert package(package_id).state == "gearchiveerd"


def test_failed_upload_ends_mislukt_and_the_resend_resumes_the_package(ctx, validsign):
    package_id = package_with_stub_pdfs()
    validsign.fail("upload", "upload-then-500")  # the first document arrives; the answer not
    failed = send(package_id)
    assert failed.state == "mislukt"
    assert "onduidelijk" in failed.last_error
    assert failed.envelope_id == validsign.only()["id"]
    again = send(package_id)
    assert again.state == "verzonden"
    assert validsign.calls["create"] == 1 and validsign.created == 1
    remote = validsign.only()
    to_sign = [d for d in again.documents if d.signed_required]
    assert [d["id"] for d in remote["documents"][1:]] == [f"doc-{d.id}" for d in to_sign]
    assert all(len(d["approvals"]) == SIGNERS for d in remote["documents"][1:])


@pytest.mark.parametrize("failures", [(429, 429), (503,), ("create-then-500",)],
                         ids=["429-retried", "503-unclear", "made-then-500"])
def test_create_failures(ctx, validsign, failures):
    """A create refused before processing is repeated; after an unclear one the resend
    looks the package up by its idempotency key (in the description) and resumes it, so no
    orphan draft is left; when there is none, it makes one."""
    package_id = package_with_stub_pdfs()
    validsign.fail("create", *failures)
    result = send(package_id)
    if failures[0] == 429:  # refused before processing: repeated
        assert result.state == "verzonden"
        assert validsign.calls["create"] == 3 and validsign.created == 1
        return
    made = 1 if failures[0] == "create-then-500" else 0
    assert result.state == "mislukt" and validsign.created == made
    assert result.send_unknown_at is not None and "onduidelijk" in result.last_error
    again = send(package_id)
    assert again.state == "verzonden" and validsign.calls["search"] == 1
    assert validsign.created == 1 and validsign.calls["create"] == 1 + (1 - made)
    remote = validsign.only()
    assert again.envelope_id == remote["id"] and remote["status"] == "SENT"
    assert all(len(d["approvals"]) == SIGNERS for d in remote["documents"][1:])
