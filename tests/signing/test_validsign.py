"""The ValidSign / OneSpan Sign adapter: contract, callback header parsing, request shapes.

Canned bodies follow the ValidSign API 7.2 description (Package, Role, Signer, Document,
Approval, Page objects) and the callback captured in Gemeente Utrecht's integration tests."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
import requests
import responses

from signing import (
    EnvelopeState,
    EventKind,
    InvalidCallback,
    OutcomeUnknown,
    ProviderRejected,
    Signer,
    SignerState,
)
from signing.providers.validsign import ValidSignProvider

from .contract import (
    DOCUMENT_KEYS,
    PDF_1,
    PDF_2,
    SIGNER_KEYS_IN_ORDER,
    ProviderContract,
    send_request,
)

API = "https://my.validsign.nl"
PKG = "LWsUTvGgE4WpOvaQPT16idnxNj8="
PKG_URL = f"{API}/api/packages/{PKG}"
OPTIONS = {"api_key": "dGVzdC1hcGkta2V5", "callback_key": "test-callback-key"}
PEOPLE = {
    "org-1": ("Olga", "van der Org", "olga@gemeente.example", 1),
    "board-1": ("Bea", "Bestuur", "bea@nvsi.example", 2),
    "board-2": ("Bert", "Bestuur", "bert@nvsi.example", 3),
}
NAMES = dict(zip(DOCUMENT_KEYS, ["Aanmeldformulier.pdf", "Gebruiksovereenkomst.pdf"]))


def role(key: str) -> dict[str, Any]:
    first, last, email, index = PEOPLE[key]
    return {"id": key, "name": key, "type": "SIGNER", "index": index, "reassign": False,
            "attachmentRequirements": [], "locked": False,
            "signers": [{"id": key, "email": email, "firstName": first, "lastName": last,
                         "name": "", "company": "", "title": "", "language": "nl",
                         "signerType": "EXTERNAL_SIGNER"}]}


def owner_role() -> dict[str, Any]:
    return {"id": "owner-3f1a", "name": "Owner", "type": "SENDER", "index": 0,
            "attachmentRequirements": [],
            "signers": [{"id": "owner-3f1a", "email": "secretariaat@nvsi.example",
                         "firstName": "NVSI", "lastName": "Secretariaat",
                         "signerType": "ACCOUNT_SENDER"}]}


def pages(count: int = 2) -> list[dict[str, Any]]:
    return [{"id": f"page-{i}", "index": i, "version": 0, "left": 0.0, "top": 0.0,
             "width": 612.0, "height": 792.0} for i in range(count)]


def document(key: str, signed: dict[str, str | None] | None = None) -> dict[str, Any]:
    """A package document; ``signed`` maps role id to its approval's signed date."""
    return {"id": key, "name": NAMES.get(key, key), "index": 1, "description": "",
            "extract": False, "extractionTypes": [], "tagged": False, "size": 4096,
            "fields": [], "pages": pages(),
            "approvals": [{"id": f"appr-{key}-{r}", "role": r, "optional": False,
                           "fields": [], **({"signed": at} if at else {})}
                          for r, at in (signed or {}).items()]}


def consent(signed: dict[str, str | None]) -> dict[str, Any]:
    return {**document("default-consent", signed),
            "name": "Electronic Disclosures and Signatures Consent"}


def package(status: str, signed: dict[str, str | None] | None = None, *,
            with_documents: bool = True, **extra: Any) -> dict[str, Any]:
    signed = signed if signed is not None else {k: None for k in SIGNER_KEYS_IN_ORDER}
    documents = [consent(signed)] + [document(k, signed) for k in DOCUMENT_KEYS]
    return {"id": PKG, "name": "Ondertekening NVSI-lidmaatschap",
            "description": "pakket-42 (pakket-42-send-1)", "type": "PACKAGE", "status": status,
            "language": "nl", "autocomplete": True, "trashed": False, "visibility": "ACCOUNT",
            "notarized": False, "bulkSendable": False, "emailMessage": "Wilt u ondertekenen?",
            "created": "2026-12-01T08:00:00Z", "updated": "2026-12-03T09:00:00Z",
            "due": "2026-12-31T08:00:00Z", "messages": [],
            "sender": {"email": "secretariaat@nvsi.example"},
            "roles": [owner_role()] + [role(k) for k in SIGNER_KEYS_IN_ORDER],
            "documents": documents if with_documents else [documents[0]], **extra}


ALL_SIGNED = {"org-1": "2026-12-02T09:00:00Z", "board-1": "2026-12-03T09:00:00Z",
              "board-2": "2026-12-04T09:00:00Z"}


def callback(name: str = "PACKAGE_COMPLETE", **extra: Any) -> dict[str, Any]:
    return {"@class": "com.silanis.esl.packages.event.ESLProcessEvent", "name": name,
            "sessionUser": "30ba8506-9819-46aa-a22d-c0114ba34cd0", "packageId": PKG,
            "message": None, "documentId": None, "createdDate": "2026-12-04T09:12:34.544Z",
            **extra}


def document_upload(request):
    """POST .../documents answers the stored Document (ValidSign sends it as text/html)."""
    payload = json.loads(_part(request.body, "payload"))
    return 200, {"Content-Type": "text/html; esl-api-version=11"}, json.dumps(
        {**document(payload["id"]), "name": payload["name"]})


def approval(request):
    body = json.loads(request.body)
    return 200, {}, json.dumps({"id": f"appr-{body['role']}", **body})


def _part(body: bytes, name: str) -> bytes:
    """Return the content of one part of a multipart/form-data body."""
    for part in body.split(b"--")[1:]:
        head, _, content = part.partition(b"\r\n\r\n")
        if f'name="{name}"'.encode() in head:
            return content.removesuffix(b"\r\n")
    raise AssertionError(f"no part {name}")


def mock_documents_and_send(rsps, documents: list[str] = DOCUMENT_KEYS) -> None:
    rsps.add_callback(responses.POST, f"{PKG_URL}/documents", callback=document_upload)
    for key in DOCUMENT_KEYS:
        rsps.add_callback(responses.POST, f"{PKG_URL}/documents/{key}/approvals",
                          callback=approval)
    rsps.add(responses.PUT, PKG_URL, status=200)


def calls(rsps, method: str, url: str) -> list:
    return [c for c in rsps.calls if c.request.method == method and c.request.url == url]


class TestValidSignContract(ProviderContract):
    provider_class = ValidSignProvider
    secret_option = "callback_key"
    auth_headers = ("Authorization",)
    callback_envelope_id = envelope_id = PKG

    def options(self):
        return dict(OPTIONS)

    def callback_payload(self):
        return callback()

    def sign_callback(self, payload, secret):
        return ValidSignProvider.sign(secret, payload)

    def tamper_authenticated(self, body):
        return None  # the Basic header is the only thing authenticated

    def tamper_unauthenticated(self, body):
        return body.replace(PKG.encode(), b"someone-elses-package=")

    def mock_send(self, rsps):
        rsps.add(responses.POST, f"{API}/api/packages", json={"id": PKG})
        mock_documents_and_send(rsps)

    def mock_send_failing_after_create(self, rsps):
        rsps.add(responses.POST, f"{API}/api/packages", json={"id": PKG})
        rsps.add(responses.POST, f"{PKG_URL}/documents", status=400,
                 json={"code": 400, "messageKey": "error.validation.invalidDocument",
                       "message": "Invalid document."})
        return True

    def mock_resume(self, rsps, envelope_id):
        rsps.add(responses.GET, f"{API}/api/packages/{envelope_id}",
                 json=package("DRAFT", with_documents=False))
        mock_documents_and_send(rsps)

    def create_calls(self, rsps):
        return len(calls(rsps, "POST", f"{API}/api/packages"))

    def mock_status_completed(self, rsps, envelope_id):
        rsps.add(responses.GET, PKG_URL, json=package("COMPLETED", ALL_SIGNED))

    def mock_download(self, rsps, envelope_id):
        rsps.add(responses.GET, PKG_URL, json=package("COMPLETED", ALL_SIGNED))
        for key, pdf in zip(DOCUMENT_KEYS, [PDF_1, PDF_2]):
            rsps.add(responses.GET, f"{PKG_URL}/documents/{key}/pdf", body=pdf,
                     content_type="application/octet-stream")
        rsps.add(responses.GET, f"{PKG_URL}/evidence/summary", body=b"%PDF-1.7 evidence",
                 content_type="application/pdf")

    def mock_cancel(self, rsps, envelope_id):
        rsps.add(responses.GET, PKG_URL, json=package("SENT"))
        rsps.add(responses.DELETE, PKG_URL, status=200)

    def mock_remind(self, rsps, envelope_id):
        rsps.add(responses.GET, PKG_URL, json=package(
            "SENT", {"org-1": ALL_SIGNED["org-1"], "board-1": None, "board-2": None}))
        rsps.add(responses.POST, f"{PKG_URL}/notifications", status=200)


@pytest.fixture
def provider(http, monkeypatch):
    monkeypatch.setattr(ValidSignProvider, "_now",
                        staticmethod(lambda: datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)))
    return ValidSignProvider(http=http, **OPTIONS)


# --- callbacks ----------------------------------------------------------------------------

@pytest.mark.parametrize("value, reason", [
    ("Token foo", "malformed_header"),
    ("Basic foo bar baz", "malformed_header"),
    ("some-key", "malformed_header"),
    ("Basic", "malformed_header"),
    ("", "malformed_header"),
    ("Basic wrong-key", "bad_signature"),
    ("Basic test-callback-key-and-more", "bad_signature"),
])
def test_malformed_or_wrong_authorization_is_refused(provider, value, reason):
    """The header patterns Gemeente Utrecht's integration refuses, and a wrong key."""
    _, body = ValidSignProvider.sign("test-callback-key", callback())
    with pytest.raises(InvalidCallback) as caught:
        provider.verify_callback({"Authorization": value}, body)
    assert caught.value.reason == reason


@pytest.mark.parametrize("value", ["basic test-callback-key", "BASIC   test-callback-key "])
def test_basic_scheme_is_case_insensitive_and_whitespace_tolerant(provider, value):
    _, body = ValidSignProvider.sign("test-callback-key", callback())
    provider.verify_callback({"authorization": value}, body)


def test_callback_becomes_one_event_with_documented_dedupe_key(provider):
    headers, body = ValidSignProvider.sign("test-callback-key", callback())
    [event] = provider.parse_callback(headers, body)
    assert (event.envelope_id, event.kind) == (PKG, EventKind.COMPLETED)
    assert event.occurred_at == datetime(2026, 12, 4, 9, 12, 34, 544000, tzinfo=timezone.utc)
    assert event.dedupe_key == (
        f"validsign:PACKAGE_COMPLETE:{PKG}:None:2026-12-04T09:12:34.544Z")


@pytest.mark.parametrize("name, kind", [
    ("PACKAGE_ACTIVATE", EventKind.SENT), ("SIGNER_COMPLETE", EventKind.SIGNER_SIGNED),
    ("PACKAGE_DECLINE", EventKind.DECLINED), ("PACKAGE_OPT_OUT", EventKind.DECLINED),
    ("PACKAGE_EXPIRE", EventKind.EXPIRED), ("PACKAGE_TRASH", EventKind.CANCELLED),
])
def test_callback_names_map_to_our_events(provider, name, kind):
    headers, body = ValidSignProvider.sign("test-callback-key", callback(name, sessionUser="org-1"))
    [event] = provider.parse_callback(headers, body)
    assert event.kind is kind
    assert event.signer_key == ("org-1" if kind is EventKind.SIGNER_SIGNED else None)


def test_unmapped_callbacks_give_no_events(provider):
    for name in ("PACKAGE_CREATE", "EMAIL_BOUNCE", "DOCUMENT_SIGNED"):
        headers, body = ValidSignProvider.sign("test-callback-key", callback(name))
        provider.verify_callback(headers, body)
        assert provider.parse_callback(headers, body) == []


def test_callback_without_package_id_is_malformed(provider):
    headers, body = ValidSignProvider.sign("test-callback-key", callback(packageId=None))
    with pytest.raises(InvalidCallback) as caught:
        provider.verify_callback(headers, body)
    assert caught.value.reason == "malformed_body"


# --- sending ------------------------------------------------------------------------------

def test_package_request_is_shaped_as_documented(provider, rsps):
    TestValidSignContract().mock_send(rsps)
    provider.send(send_request())
    [create] = calls(rsps, "POST", f"{API}/api/packages")
    assert create.request.headers["Authorization"] == "Basic dGVzdC1hcGkta2V5"
    body = json.loads(create.request.body)
    assert {k: v for k, v in body.items() if k != "roles"} == {
        "type": "PACKAGE", "status": "DRAFT", "name": "Ondertekening NVSI-lidmaatschap",
        "description": "pakket-42 (pakket-42-send-1)",
        "emailMessage": "Wilt u de documenten ondertekenen?", "language": "nl",
        "autocomplete": True, "due": "2026-12-31T08:00:00Z",
        "settings": {"ceremony": {"declineButton": True}},
    }
    assert [(r["id"], r["index"]) for r in body["roles"]] == [
        ("org-1", 1), ("board-1", 2), ("board-2", 3)]
    assert body["roles"][0] == {
        "id": "org-1", "name": "org-1", "type": "SIGNER", "index": 1,
        "signers": [{"id": "org-1", "email": "olga@gemeente.example", "firstName": "Olga",
                     "lastName": "van der Org", "language": "nl"}],
    }


def test_documents_then_approvals_then_sent(provider, rsps):
    TestValidSignContract().mock_send(rsps)
    assert provider.send(send_request()) == PKG
    steps = [(c.request.method, c.request.url.removeprefix(PKG_URL)) for c in rsps.calls[1:]]
    assert steps == [
        ("POST", "/documents"),
        *[("POST", "/documents/doc-aanmelding/approvals")] * 3,
        ("POST", "/documents"),
        *[("POST", "/documents/doc-overeenkomst/approvals")] * 3,
        ("PUT", ""),
    ]
    upload = rsps.calls[1].request
    assert json.loads(_part(upload.body, "payload")) == {"id": "doc-aanmelding",
                                                         "name": "Aanmeldformulier.pdf"}
    assert _part(upload.body, "file") == PDF_1
    approvals = [json.loads(c.request.body) for c in rsps.calls[2:5]]
    assert [a["role"] for a in approvals] == SIGNER_KEYS_IN_ORDER
    fields = [a["fields"][0] for a in approvals]
    assert {(f["type"], f["subtype"], f["page"]) for f in fields} == {("SIGNATURE", "FULLNAME", 1)}
    assert [f["top"] for f in fields] == [540.0, 600.0, 660.0]  # bottom of the last page
    assert json.loads(rsps.calls[-1].request.body) == {"status": "SENT"}


def test_resume_adds_only_what_is_missing(provider, rsps):
    half = package("DRAFT", with_documents=False)
    half["documents"].append(document("doc-aanmelding", {"org-1": None}))
    rsps.add(responses.GET, PKG_URL, json=half)
    mock_documents_and_send(rsps)
    provider.send(send_request(), existing_envelope_id=PKG)
    steps = [(c.request.method, c.request.url.removeprefix(PKG_URL)) for c in rsps.calls[1:]]
    assert steps == [
        *[("POST", "/documents/doc-aanmelding/approvals")] * 2,
        ("POST", "/documents"),
        *[("POST", "/documents/doc-overeenkomst/approvals")] * 3,
        ("PUT", ""),
    ]


def test_resume_of_a_sent_package_changes_nothing(provider, rsps):
    rsps.add(responses.GET, PKG_URL, json=package("SENT"))
    assert provider.send(send_request(), existing_envelope_id=PKG) == PKG
    assert len(rsps.calls) == 1


def test_create_repeated_after_429_but_not_after_a_timeout(provider, rsps, sleeps):
    rsps.add(responses.POST, f"{API}/api/packages", status=429, headers={"Retry-After": "3"})
    TestValidSignContract().mock_send(rsps)
    provider.send(send_request())
    assert len(calls(rsps, "POST", f"{API}/api/packages")) == 2 and sleeps == [3.0]
    rsps.reset()
    rsps.add(responses.POST, f"{API}/api/packages",
             body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(OutcomeUnknown):
        provider.send(send_request())
    assert len(calls(rsps, "POST", f"{API}/api/packages")) == 1


def test_unclear_document_upload_is_left_to_a_resumed_send(provider, rsps):
    rsps.add(responses.POST, f"{API}/api/packages", json={"id": PKG})
    rsps.add(responses.POST, f"{PKG_URL}/documents", status=500)
    created: list[str] = []
    with pytest.raises(OutcomeUnknown):
        provider.send(send_request(), on_created=created.append)
    assert created == [PKG] and len(calls(rsps, "POST", f"{PKG_URL}/documents")) == 1


def test_400_is_not_retried(provider, rsps, sleeps):
    rsps.add(responses.POST, f"{API}/api/packages", status=400,
             json={"code": 400, "messageKey": "error.validation", "message": "Invalid role."})
    with pytest.raises(ProviderRejected) as caught:
        provider.send(send_request())
    assert (caught.value.status, caught.value.provider_message) == (400, "Invalid role.")
    assert len(rsps.calls) == 1 and sleeps == []


def test_single_word_name_becomes_the_last_name(provider):
    request = send_request(signers=[Signer("org-1", "Olga", "o@example.nl", "Burgemeester", 1)])
    [signer] = provider.package_body(request)["roles"][0]["signers"]
    assert (signer["firstName"], signer["lastName"]) == ("", "Olga")


# --- status, download, cancel, remind -----------------------------------------------------

@pytest.mark.parametrize("status, state", [
    ("DRAFT", EnvelopeState.DRAFT), ("SENT", EnvelopeState.SENT),
    ("COMPLETED", EnvelopeState.COMPLETED), ("ARCHIVED", EnvelopeState.COMPLETED),
    ("DECLINED", EnvelopeState.DECLINED), ("OPTED_OUT", EnvelopeState.DECLINED),
    ("EXPIRED", EnvelopeState.EXPIRED),
])
def test_package_statuses(provider, rsps, status, state):
    rsps.add(responses.GET, PKG_URL, json=package(status))
    assert provider.status(PKG).state is state


def test_trashed_package_is_cancelled(provider, rsps):
    rsps.add(responses.GET, PKG_URL, json=package("SENT", trashed=True))
    assert provider.status(PKG).state is EnvelopeState.CANCELLED


def test_signer_states_follow_approvals_and_order(provider, rsps):
    rsps.add(responses.GET, PKG_URL, json=package(
        "SENT", {"org-1": ALL_SIGNED["org-1"], "board-1": None, "board-2": None}))
    status = provider.status(PKG)
    assert [(s.signer_key, s.state) for s in status.signers] == [
        ("org-1", SignerState.SIGNED), ("board-1", SignerState.NOTIFIED),
        ("board-2", SignerState.WAITING)]
    assert status.signers[0].at == datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def test_decline_reason_comes_from_the_package_messages(provider, rsps):
    declined = package("DECLINED", {"org-1": ALL_SIGNED["org-1"], "board-1": None,
                                    "board-2": None})
    declined["messages"] = [{"status": "NEW", "content": "Bedrag klopt niet",
                             "created": "2026-12-03T10:00:00Z", "documents": [], "to": [],
                             "from": {"email": "Bea@NVSI.example", "firstName": "Bea"}}]
    rsps.add(responses.GET, PKG_URL, json=declined)
    status = provider.status(PKG)
    assert status.signers[1].state is SignerState.DECLINED
    assert status.signers[1].reason == status.reason == "Bedrag klopt niet"


def test_download_skips_the_consent_document(provider, rsps):
    TestValidSignContract().mock_download(rsps, PKG)
    bundle = provider.download(PKG)
    assert [d.filename for d in bundle.documents] == ["Aanmeldformulier.pdf",
                                                      "Gebruiksovereenkomst.pdf"]
    assert not any("default-consent" in c.request.url for c in rsps.calls)


def test_download_is_refused_before_completion(provider, rsps):
    rsps.add(responses.GET, PKG_URL, json=package("SENT"))
    with pytest.raises(ProviderRejected):
        provider.download(PKG)
    assert len(rsps.calls) == 1


@pytest.mark.parametrize("status", ["COMPLETED", "ARCHIVED", "DECLINED", "EXPIRED", "OPTED_OUT"])
def test_cancel_never_deletes_an_ended_package(provider, rsps, status):
    rsps.add(responses.GET, PKG_URL, json=package(status))
    with pytest.raises(ProviderRejected):
        provider.cancel(PKG, "te laat")
    assert calls(rsps, "DELETE", PKG_URL) == []


def test_cancel_retry_that_finds_the_package_gone_succeeds(provider, rsps, sleeps):
    rsps.add(responses.GET, PKG_URL, json=package("SENT"))
    rsps.add(responses.DELETE, PKG_URL, status=503)
    rsps.add(responses.DELETE, PKG_URL, status=404, json={"code": 404, "message": "Not found"})
    provider.cancel(PKG, "reden")
    assert len(calls(rsps, "DELETE", PKG_URL)) == 2 and sleeps == [0.5]


def test_remind_notifies_only_the_signer_whose_turn_it_is(provider, rsps):
    TestValidSignContract().mock_remind(rsps, PKG)
    provider.remind(PKG)
    [notify] = calls(rsps, "POST", f"{PKG_URL}/notifications")
    assert json.loads(notify.request.body) == {"email": "bea@nvsi.example"}


def test_remind_is_refused_when_nobody_is_waiting(provider, rsps):
    rsps.add(responses.GET, PKG_URL, json=package("COMPLETED", ALL_SIGNED))
    with pytest.raises(ProviderRejected):
        provider.remind(PKG)


def test_unclear_send_step_is_not_repeated_and_resume_sees_it_went_out(provider, rsps):
    """Putting the package to SENT twice may be refused, so an unclear failure is left to
    a resumed send, which finds the package already sent."""
    rsps.add(responses.GET, PKG_URL, json=package("DRAFT"))
    rsps.add(responses.PUT, PKG_URL, status=503)
    with pytest.raises(OutcomeUnknown):
        provider.send(send_request(), existing_envelope_id=PKG)
    assert len(calls(rsps, "PUT", PKG_URL)) == 1
    rsps.reset()
    rsps.add(responses.GET, PKG_URL, json=package("SENT"))
    assert provider.send(send_request(), existing_envelope_id=PKG) == PKG
