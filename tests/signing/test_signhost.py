"""The Signhost adapter: contract, documented checksum vector, request shapes, retries.

Canned bodies follow Signhost's published API description (Transaction, Signer, Activity,
FileEntry objects; status and activity codes)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from signing import (
    EnvelopeState,
    EventKind,
    InvalidCallback,
    OutcomeUnknown,
    ProviderRejected,
    ProviderUnavailable,
    SignerState,
)
from signing.providers.signhost import SignhostProvider

from .contract import (
    DOCUMENT_KEYS,
    PDF_1,
    PDF_2,
    SIGNER_KEYS_IN_ORDER,
    ProviderContract,
    send_request,
)

API = "https://api.signhost.com"
TX = "b10ae331-af78-4e79-a39e-5b64693b6b68"
SECRET = "my-shared-secret"
OPTIONS = {"app_key": "app-123", "api_key": "user-456", "shared_secret": SECRET}
EMAILS = {"org-1": "olga@gemeente.example", "board-1": "bea@nvsi.example",
          "board-2": "bert@nvsi.example"}
TX_URL = f"{API}/api/transaction/{TX}"


def activity(n: int, code: int, at: str, **extra: Any) -> dict[str, Any]:
    names = {101: "InvitationSent", 103: "Opened", 105: "DocumentOpened", 202: "Rejected",
             203: "Signed", 301: "SignedDocumentSent"}
    return {"Id": f"0f7c1a2e-0000-4000-8000-00000000{n:04d}", "Code": code,
            "Activity": names[code], "CreatedDateTime": at, **extra}


def signer(key: str, activities: list[dict[str, Any]] = (), **extra: Any) -> dict[str, Any]:
    return {"Id": f"signer-{key}", "Email": EMAILS[key], "Reference": key,
            "SendSignRequest": True, "SignRequestMessage": "Wilt u de documenten ondertekenen?",
            "Language": "nl-NL", "DaysToRemind": 7,
            "SignUrl": f"https://view.signhost.com/sign/{key}",
            "Activities": list(activities), "CreatedDateTime": "2026-12-01T09:00:00+01:00",
            **extra}


def signed_signer(key: str, n: int) -> dict[str, Any]:
    at = f"2026-12-0{n + 1}T10:00:00+01:00"
    return signer(key, [activity(n * 10 + 1, 101, "2026-12-01T09:00:01+01:00"),
                        activity(n * 10 + 2, 105, at, Info="doc-aanmelding"),
                        activity(n * 10 + 3, 203, at)], SignedDateTime=at)


def transaction(status: int, signers: list[dict[str, Any]] | None = None,
                **extra: Any) -> dict[str, Any]:
    files = {key: {"DisplayName": name, "Links": [
        {"Rel": "file", "Type": "application/pdf", "Link": f"{TX_URL}/file/{key}"}]}
        for key, name in zip(DOCUMENT_KEYS, ["Aanmeldformulier.pdf", "Gebruiksovereenkomst.pdf"])}
    return {
        "Id": TX, "Status": status, "Seal": False, "Reference": "pakket-42-send-1",
        "DaysToExpire": 30, "SendEmailNotifications": True, "SignRequestMode": 2,
        "Language": "nl-NL", "Context": {"reference": "pakket-42"},
        "CreatedDateTime": "2026-12-01T09:00:00+01:00",
        "ModifiedDateTime": "2026-12-03T10:00:00+01:00",
        "Files": files if status != 5 else {},
        "Signers": signers if signers is not None else [signer(k) for k in SIGNER_KEYS_IN_ORDER],
        "Receivers": [], **extra,
    }


def completed() -> dict[str, Any]:
    return transaction(30, [signed_signer(k, n) for n, k in enumerate(SIGNER_KEYS_IN_ORDER)])


def file_upload(request):
    """PUT .../file/{fileId}: metadata is accepted with 202, the PDF stored with 201."""
    if request.headers["Content-Type"] == "application/json":
        return 202, {}, json.dumps({"Message": "Meta data for file accepted, waiting for file"})
    return 201, {}, json.dumps({"Message": f"Stored file to transaction {TX}"})


def mock_uploads_and_start(rsps, tx: str = TX) -> None:
    for key in DOCUMENT_KEYS:
        rsps.add_callback(responses.PUT, f"{API}/api/transaction/{tx}/file/{key}",
                          callback=file_upload)
    rsps.add(responses.PUT, f"{API}/api/transaction/{tx}/start", status=204)


def refused_connection() -> requests.exceptions.ConnectionError:
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111]")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/api/transaction", reason))


def calls(rsps, method: str, url: str) -> list:
    return [c for c in rsps.calls if c.request.method == method and c.request.url == url]


class TestSignhostContract(ProviderContract):
    provider_class = SignhostProvider
    secret_option = "shared_secret"
    auth_headers = ("Checksum",)
    callback_envelope_id = envelope_id = TX

    def options(self):
        return dict(OPTIONS)

    def callback_payload(self):
        return completed()

    def sign_callback(self, payload, secret):
        if isinstance(payload, bytes):
            return SignhostProvider.sign(secret, payload, transaction_id=TX, status=30)
        return SignhostProvider.sign(secret, payload)

    def without_auth(self, headers, body):
        payload = json.loads(body)
        payload.pop("Checksum")
        return super().without_auth(headers, json.dumps(payload).encode())

    def tamper_unauthenticated(self, body):
        return body.replace(b"olga@gemeente.example", b"mallory@evil.example")

    def mock_send(self, rsps):
        rsps.add(responses.POST, f"{API}/api/transaction", json=transaction(5))
        mock_uploads_and_start(rsps)

    def mock_send_failing_after_create(self, rsps):
        rsps.add(responses.POST, f"{API}/api/transaction", json=transaction(5))
        rsps.add(responses.PUT, f"{TX_URL}/file/doc-aanmelding", status=400,
                 json={"Message": "Unexpected or missing Content-Type header"})
        return True

    def mock_resume(self, rsps, envelope_id):
        rsps.add(responses.GET, f"{API}/api/transaction/{envelope_id}", json=transaction(5))
        mock_uploads_and_start(rsps, envelope_id)

    def create_calls(self, rsps):
        return len(calls(rsps, "POST", f"{API}/api/transaction"))

    def mock_status_completed(self, rsps, envelope_id):
        rsps.add(responses.GET, TX_URL, json=completed())

    def mock_download(self, rsps, envelope_id):
        rsps.add(responses.GET, TX_URL, json=completed())
        for key, pdf in zip(DOCUMENT_KEYS, [PDF_1, PDF_2]):
            rsps.add(responses.GET, f"{TX_URL}/file/{key}", body=pdf,
                     content_type="application/pdf")
        rsps.add(responses.GET, f"{API}/api/file/receipt/{TX}", body=b"%PDF-1.7 receipt",
                 content_type="application/pdf")

    def mock_cancel(self, rsps, envelope_id):
        rsps.add(responses.GET, TX_URL, json=transaction(10))
        rsps.add(responses.DELETE, TX_URL, json=transaction(60, CancelationReason="x"))


@pytest.fixture
def provider(http):
    return SignhostProvider(http=http, **OPTIONS)


# --- postbacks ----------------------------------------------------------------------------

def test_checksum_matches_the_documented_formula_vector():
    """Signhost: sha1(id || status | secret), lowercase hex."""
    assert SignhostProvider.checksum(TX, 30, SECRET) == "f523a525a65da88983a38228fc70f7e6cdb01a83"


def test_vector_postback_verifies_from_header_or_body(provider):
    body = json.dumps({"Id": TX, "Status": 30}).encode()
    provider.verify_callback({"Checksum": "f523a525a65da88983a38228fc70f7e6cdb01a83"}, body)
    in_body = json.dumps({"Id": TX, "Status": 30,
                          "Checksum": "f523a525a65da88983a38228fc70f7e6cdb01a83"}).encode()
    provider.verify_callback({}, in_body)


def test_checksum_header_wins_over_the_body(provider):
    headers, body = SignhostProvider.sign(SECRET, completed())
    headers["Checksum"] = SignhostProvider.checksum(TX, 40, SECRET)
    with pytest.raises(InvalidCallback) as caught:
        provider.verify_callback(headers, body)
    assert caught.value.reason == "bad_signature"


def test_configured_postback_authorization_is_required(http):
    provider = SignhostProvider(http=http, postback_authorization="Bearer portal-value", **OPTIONS)
    headers, body = SignhostProvider.sign(SECRET, completed())
    with pytest.raises(InvalidCallback) as caught:
        provider.verify_callback(headers, body)
    assert caught.value.reason == "missing_header"
    with pytest.raises(InvalidCallback) as caught:
        provider.verify_callback({**headers, "Authorization": "Bearer other"}, body)
    assert caught.value.reason == "bad_signature"
    provider.verify_callback({**headers, "authorization": "Bearer portal-value"}, body)


def test_postback_without_id_or_status_is_malformed(provider):
    for payload in ({"Status": 30}, {"Id": TX}, {"Id": TX, "Status": "30"}):
        headers = {"Checksum": SignhostProvider.checksum(TX, 30, SECRET)}
        with pytest.raises(InvalidCallback) as caught:
            provider.verify_callback(headers, json.dumps(payload).encode())
        assert caught.value.reason == "malformed_body"


def test_postback_events_and_dedupe_keys(provider):
    headers, body = SignhostProvider.sign(SECRET, completed())
    events = provider.parse_callback(headers, body)
    assert [(e.kind, e.signer_key) for e in events[:3]] == [
        (EventKind.SIGNER_NOTIFIED, "org-1"), (EventKind.SIGNER_VIEWED, "org-1"),
        (EventKind.SIGNER_SIGNED, "org-1")]
    assert events[1].document_key == "doc-aanmelding"
    assert events[2].dedupe_key == (
        "signhost:activity:0f7c1a2e-0000-4000-8000-000000000003:203:2026-12-01T10:00:00+01:00")
    assert events[-1].kind is EventKind.COMPLETED
    assert events[-1].dedupe_key == f"signhost:transaction:{TX}:30"


def test_activities_after_signing_and_in_progress_status_give_no_extra_events(provider):
    late = signed_signer("org-1", 0)
    late["Activities"].append(activity(99, 301, "2026-12-09T10:00:00+01:00"))
    headers, body = SignhostProvider.sign(SECRET, transaction(20, [late]))
    kinds = [e.kind for e in provider.parse_callback(headers, body)]
    assert kinds == [EventKind.SIGNER_NOTIFIED, EventKind.SIGNER_VIEWED, EventKind.SIGNER_SIGNED]


def test_rejection_carries_the_reason(provider):
    rejecting = signer("org-1", [activity(1, 202, "2026-12-02T10:00:00+01:00")],
                       RejectReason="Bedrag klopt niet", RejectDateTime="2026-12-02T10:00:00+01:00")
    headers, body = SignhostProvider.sign(SECRET, transaction(40, [rejecting]))
    events = provider.parse_callback(headers, body)
    assert [(e.kind, e.reason) for e in events] == [
        (EventKind.SIGNER_DECLINED, "Bedrag klopt niet"), (EventKind.DECLINED, "Bedrag klopt niet")]


def test_reply_is_always_2xx_so_the_queue_keeps_moving(provider):
    assert provider.callback_reply(False).status == 200


# --- sending ------------------------------------------------------------------------------

def test_create_request_is_shaped_as_documented(provider, rsps):
    TestSignhostContract().mock_send(rsps)
    provider.send(send_request())
    [create] = calls(rsps, "POST", f"{API}/api/transaction")
    assert create.request.headers["Application"] == "APPKey app-123"
    assert create.request.headers["Authorization"] == "APIKey user-456"
    body = json.loads(create.request.body)
    assert {k: v for k, v in body.items() if k != "Signers"} == {
        "Seal": False, "Reference": "pakket-42-send-1", "DaysToExpire": 30,
        "SendEmailNotifications": True, "SignRequestMode": 2, "Language": "nl-NL",
        "Context": {"reference": "pakket-42"},
    }
    assert [s["Reference"] for s in body["Signers"]] == SIGNER_KEYS_IN_ORDER
    assert body["Signers"][0] == {
        "Email": "olga@gemeente.example", "Reference": "org-1", "SendSignRequest": True,
        "SignRequestSubject": "Ondertekening NVSI-lidmaatschap",
        "SignRequestMessage": "Wilt u de documenten ondertekenen?", "Language": "nl-NL",
        "Verifications": [{"Type": "Scribble", "ScribbleName": "Olga van der Org"}],
    }


def test_postback_url_only_when_enabled(http, rsps):
    TestSignhostContract().mock_send(rsps)
    SignhostProvider(http=http, postback_url_per_transaction=True, **OPTIONS).send(send_request())
    body = json.loads(calls(rsps, "POST", f"{API}/api/transaction")[0].request.body)
    assert body["PostbackUrl"] == "https://tekenklaar.example/webhooks/signing"


def test_long_subject_is_clipped_to_64_characters(provider):
    body = provider.transaction_body(send_request(subject="x" * 80))
    assert {len(s["SignRequestSubject"]) for s in body["Signers"]} == {64}


def test_files_are_uploaded_with_digest_before_start(provider, rsps):
    TestSignhostContract().mock_send(rsps)
    provider.send(send_request())
    steps = [(c.request.method, c.request.url.removeprefix(TX_URL),
              c.request.headers.get("Content-Type")) for c in rsps.calls[1:]]
    assert steps == [
        ("PUT", "/file/doc-aanmelding", "application/json"),
        ("PUT", "/file/doc-aanmelding", "application/pdf"),
        ("PUT", "/file/doc-overeenkomst", "application/json"),
        ("PUT", "/file/doc-overeenkomst", "application/pdf"),
        ("PUT", "/start", None),
    ]
    metadata, pdf = rsps.calls[1].request, rsps.calls[2].request
    assert json.loads(metadata.body) == {"DisplayName": "Aanmeldformulier.pdf", "DisplayOrder": 1}
    assert pdf.body == PDF_1
    expected = base64.b64encode(hashlib.sha256(PDF_1).digest()).decode()
    assert pdf.headers["Digest"] == f"SHA-256={expected}"


def test_resume_of_a_started_transaction_changes_nothing(provider, rsps):
    rsps.add(responses.GET, TX_URL, json=transaction(10))
    assert provider.send(send_request(), existing_envelope_id=TX) == TX
    assert [c.request.method for c in rsps.calls] == ["GET"]


# --- retries ------------------------------------------------------------------------------

def test_5xx_then_success_is_retried_with_backoff(provider, rsps, sleeps):
    rsps.add(responses.GET, TX_URL, status=500, json={"Message": "An internal error occurred."})
    rsps.add(responses.GET, TX_URL, json=completed())
    assert provider.status(TX).state is EnvelopeState.COMPLETED
    assert len(rsps.calls) == 2 and sleeps == [0.5]


def test_429_honours_retry_after(provider, rsps, sleeps):
    rsps.add(responses.GET, TX_URL, status=429, headers={"Retry-After": "7"})
    rsps.add(responses.GET, TX_URL, json=completed())
    provider.status(TX)
    assert sleeps == [7.0]


def test_connection_error_on_an_idempotent_call_is_retried(provider, rsps):
    rsps.add(responses.GET, TX_URL, body=requests.exceptions.ConnectionError("reset by peer"))
    rsps.add(responses.GET, TX_URL, json=completed())
    assert provider.status(TX).state is EnvelopeState.COMPLETED
    assert len(rsps.calls) == 2


def test_400_is_not_retried(provider, rsps, sleeps):
    rsps.add(responses.POST, f"{API}/api/transaction", status=400,
             json={"Message": "Invalid signer structure provided."})
    with pytest.raises(ProviderRejected) as caught:
        provider.send(send_request())
    assert caught.value.status == 400
    assert caught.value.provider_message == "Invalid signer structure provided."
    assert len(rsps.calls) == 1 and sleeps == []


def test_exhausted_retries_raise_provider_unavailable(provider, rsps, sleeps):
    rsps.add(responses.GET, TX_URL, status=503)
    with pytest.raises(ProviderUnavailable) as caught:
        provider.status(TX)
    assert caught.value.status == 503
    assert len(rsps.calls) == 4 and sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("failure", [
    requests.exceptions.ReadTimeout("read timed out"),
    requests.exceptions.ConnectionError("connection aborted"),
])
def test_ambiguous_failure_of_the_create_call_is_not_repeated(provider, rsps, failure):
    rsps.add(responses.POST, f"{API}/api/transaction", body=failure)
    rsps.add(responses.POST, f"{API}/api/transaction", json=transaction(5))
    created: list[str] = []
    with pytest.raises(OutcomeUnknown):
        provider.send(send_request(), on_created=created.append)
    assert len(rsps.calls) == 1 and created == []


def test_5xx_on_the_create_call_is_not_repeated(provider, rsps):
    rsps.add(responses.POST, f"{API}/api/transaction", status=502)
    with pytest.raises(OutcomeUnknown) as caught:
        provider.send(send_request())
    assert caught.value.status == 502 and len(rsps.calls) == 1


@pytest.mark.parametrize("first", [
    {"body": requests.exceptions.ConnectTimeout("connect timed out")},
    {"body": refused_connection()},
    {"status": 429, "headers": {"Retry-After": "2"}},
])
def test_create_is_repeated_when_signhost_provably_did_nothing(provider, rsps, first):
    rsps.add(responses.POST, f"{API}/api/transaction", **first)
    TestSignhostContract().mock_send(rsps)
    created: list[str] = []
    assert provider.send(send_request(), on_created=created.append) == TX
    assert len(calls(rsps, "POST", f"{API}/api/transaction")) == 2 and created == [TX]


# --- status, download, cancel, remind -----------------------------------------------------

@pytest.mark.parametrize("code, state", [
    (5, EnvelopeState.DRAFT), (10, EnvelopeState.SENT), (20, EnvelopeState.SENT),
    (30, EnvelopeState.COMPLETED), (40, EnvelopeState.DECLINED), (50, EnvelopeState.EXPIRED),
    (60, EnvelopeState.CANCELLED), (70, EnvelopeState.FAILED),
])
def test_status_codes(provider, rsps, code, state):
    rsps.add(responses.GET, TX_URL, json=transaction(code))
    assert provider.status(TX).state is state


def test_signer_states_follow_activities(provider, rsps):
    rsps.add(responses.GET, TX_URL, json=transaction(20, [
        signed_signer("org-1", 0),
        signer("board-1", [activity(11, 101, "2026-12-02T10:00:00+01:00"),
                           activity(12, 103, "2026-12-02T11:00:00+01:00")]),
        signer("board-2"),
    ]))
    status = provider.status(TX)
    assert [(s.signer_key, s.state) for s in status.signers] == [
        ("org-1", SignerState.SIGNED), ("board-1", SignerState.VIEWED),
        ("board-2", SignerState.WAITING)]
    assert status.signers[1].at.isoformat() == "2026-12-02T11:00:00+01:00"


def test_gone_transaction_still_reports_its_history(provider, rsps):
    rsps.add(responses.GET, TX_URL, status=410, json=transaction(60, CancelationReason="Fout"))
    status = provider.status(TX)
    assert (status.state, status.reason) == (EnvelopeState.CANCELLED, "Fout")


def test_download_is_refused_before_status_30(provider, rsps):
    rsps.add(responses.GET, TX_URL, json=transaction(20))
    with pytest.raises(ProviderRejected):
        provider.download(TX)
    assert len(rsps.calls) == 1


def test_download_waits_for_a_file_still_processing(provider, rsps, sleeps):
    TestSignhostContract().mock_download(rsps, TX)
    rsps.replace(responses.GET, f"{TX_URL}/file/doc-aanmelding", status=404,
                 headers={"Retry-After": "5"}, json={"Message": "not yet processed"})
    rsps.add(responses.GET, f"{TX_URL}/file/doc-aanmelding", body=PDF_1)
    bundle = provider.download(TX)
    assert bundle.documents[0].pdf == PDF_1 and sleeps == [5.0]
    assert bundle.documents[0].filename == "Aanmeldformulier.pdf"


def test_cancel_sends_reason_and_notifies(provider, rsps):
    TestSignhostContract().mock_cancel(rsps, TX)
    provider.cancel(TX, "Verkeerde ondertekenaar")
    [delete] = calls(rsps, "DELETE", TX_URL)
    assert json.loads(delete.request.body) == {"Reason": "Verkeerde ondertekenaar",
                                               "SendNotifications": True}


@pytest.mark.parametrize("code", [30, 40, 50, 60, 70])
def test_cancel_never_deletes_an_ended_transaction(provider, rsps, code):
    rsps.add(responses.GET, TX_URL, json=transaction(code))
    with pytest.raises(ProviderRejected):
        provider.cancel(TX, "te laat")
    assert calls(rsps, "DELETE", TX_URL) == []


def test_cancel_is_not_repeated_after_a_5xx(provider, rsps):
    rsps.add(responses.GET, TX_URL, json=transaction(10))
    rsps.add(responses.DELETE, TX_URL, status=500)
    with pytest.raises(OutcomeUnknown):
        provider.cancel(TX, "reden")
    assert len(calls(rsps, "DELETE", TX_URL)) == 1
