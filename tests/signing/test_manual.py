"""The manual (wet-ink) adapter: contract plus its own upload callbacks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from signing import EventKind, InvalidCallback
from signing.providers.manual import SIGNATURE_HEADER, ManualProvider

from .contract import ProviderContract, send_request

SECRET = "manual-upload-secret"
ENVELOPE = "manual-0123456789abcdef0123456789abcdef"


def upload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "envelope_id": ENVELOPE,
        "upload_id": "upload-7",
        "event": "signed",
        "signer_key": "org-1",
        "document_key": "doc-aanmelding",
        "at": "2026-12-01T10:15:00+01:00",
    }
    payload.update(overrides)
    return payload


class TestManualContract(ProviderContract):
    provider_class = ManualProvider
    secret_option = "secret"
    auth_headers = (SIGNATURE_HEADER,)
    callback_envelope_id = ENVELOPE
    envelope_id = ENVELOPE

    def options(self):
        return {"secret": SECRET}

    def callback_payload(self):
        return upload()

    def sign_callback(self, payload, secret):
        return ManualProvider.sign(secret, payload)


@pytest.fixture
def provider(http):
    return ManualProvider(http=http, secret=SECRET)


def test_send_derives_the_envelope_from_the_idempotency_key(provider):
    """A repeated send of the same attempt gives the same envelope; another attempt not."""
    first = provider.send(send_request())
    assert first == provider.send(send_request())
    assert first.startswith("manual-")
    assert provider.send(send_request(idempotency_key="pakket-42-send-2")) != first


def test_signed_upload_becomes_a_signer_event(provider):
    headers, body = ManualProvider.sign(SECRET, upload())
    provider.verify_callback(headers, body)
    [event] = provider.parse_callback(headers, body)
    assert event.kind is EventKind.SIGNER_SIGNED
    assert (event.signer_key, event.document_key) == ("org-1", "doc-aanmelding")
    assert event.occurred_at.isoformat() == "2026-12-01T10:15:00+01:00"
    assert event.dedupe_key == f"manual:{ENVELOPE}:upload-7:signed"


def test_signed_without_a_document_is_one_signer_on_every_document(provider):
    """Staff record that the organisation signed on paper, before NVSI's board signs."""
    headers, body = ManualProvider.sign(SECRET, upload(document_key=None, signer_key="org-2"))
    [event] = provider.parse_callback(headers, body)
    assert (event.kind, event.signer_key, event.document_key) == (
        EventKind.SIGNER_SIGNED, "org-2", None)


def test_declined_upload_declines_the_envelope(provider):
    headers, body = ManualProvider.sign(
        SECRET, upload(event="declined", document_key=None, reason="Bedrag klopt niet"))
    kinds = [(e.kind, e.reason) for e in provider.parse_callback(headers, body)]
    assert kinds == [(EventKind.SIGNER_DECLINED, "Bedrag klopt niet"),
                     (EventKind.DECLINED, "Bedrag klopt niet")]


def test_completed_has_one_key_per_envelope(provider):
    keys = set()
    for upload_id in ("upload-8", "upload-9"):
        headers, body = ManualProvider.sign(
            SECRET, upload(event="completed", upload_id=upload_id, signer_key=None))
        [event] = provider.parse_callback(headers, body)
        assert event.kind is EventKind.COMPLETED
        keys.add(event.dedupe_key)
    assert keys == {f"manual:{ENVELOPE}:completed"}


@pytest.mark.parametrize("payload", [
    upload(event="stamped"),
    upload(signer_key=None),
    upload(upload_id=""),
    upload(at="gisteren"),
    upload(signer_key=7),
    upload(extra="field"),
    ["not", "an", "object"],
])
def test_malformed_uploads_are_refused(provider, payload):
    body = json.dumps(payload).encode()
    headers, body = ManualProvider.sign(SECRET, body)
    with pytest.raises(InvalidCallback) as caught:
        provider.verify_callback(headers, body)
    assert caught.value.reason == "malformed_body"


def test_signature_header_must_name_its_algorithm(provider):
    headers, body = ManualProvider.sign(SECRET, upload())
    headers[SIGNATURE_HEADER] = headers[SIGNATURE_HEADER].removeprefix("sha256=")
    with pytest.raises(InvalidCallback) as caught:
        provider.verify_callback(headers, body)
    assert caught.value.reason == "malformed_header"
