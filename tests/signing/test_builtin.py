"""The built-in adapter: contract plus the events of the signing pages."""

from __future__ import annotations

from typing import Any

import pytest

from signing import EventKind, InvalidCallback, get_provider
from signing.providers.builtin import BuiltinProvider
from signing.providers.manual import SIGNATURE_HEADER

from .contract import ProviderContract, send_request

SECRET = "builtin-pages-secret"
ENVELOPE = "builtin-0123456789abcdef0123456789abcdef"


def step(**overrides: Any) -> dict[str, Any]:
    payload = {"envelope_id": ENVELOPE, "step_id": "link-7", "event": "signed",
               "signer_key": "org-1", "at": "2026-12-01T10:15:00+01:00"}
    payload.update(overrides)
    return payload


class TestBuiltinContract(ProviderContract):
    provider_class = BuiltinProvider
    secret_option = "secret"
    auth_headers = (SIGNATURE_HEADER,)
    callback_envelope_id = ENVELOPE
    envelope_id = ENVELOPE

    def options(self):
        return {"secret": SECRET}

    def callback_payload(self):
        return step()

    def sign_callback(self, payload, secret):
        return BuiltinProvider.sign(secret, payload)


@pytest.fixture
def provider(http):
    return BuiltinProvider(http=http, secret=SECRET)


def test_registered_under_its_own_name():
    assert type(get_provider("builtin", secret=SECRET)) is BuiltinProvider


def test_send_derives_its_own_envelope_from_the_idempotency_key(provider):
    first = provider.send(send_request())
    assert first == provider.send(send_request())
    assert first.startswith("builtin-")
    assert provider.send(send_request(idempotency_key="pakket-42-send-2")) != first


@pytest.mark.parametrize(("event", "kind"), [
    ("notified", EventKind.SIGNER_NOTIFIED), ("viewed", EventKind.SIGNER_VIEWED),
    ("signed", EventKind.SIGNER_SIGNED)])
def test_a_signer_step_becomes_a_signer_event(provider, event, kind):
    headers, body = BuiltinProvider.sign(SECRET, step(event=event))
    [found] = provider.read_callback(headers, body)
    assert (found.kind, found.signer_key, found.document_key) == (kind, "org-1", None)
    assert found.dedupe_key == f"builtin:{ENVELOPE}:link-7:{event}"


def test_a_signature_can_notify_the_next_signer_or_complete(provider):
    headers, body = BuiltinProvider.sign(SECRET, step(next_signer_key="board-1"))
    found = [(e.kind, e.signer_key) for e in provider.read_callback(headers, body)]
    assert found == [(EventKind.SIGNER_SIGNED, "org-1"), (EventKind.SIGNER_NOTIFIED, "board-1")]
    headers, body = BuiltinProvider.sign(SECRET, step(event="signed_last"))
    found = [(e.kind, e.signer_key) for e in provider.read_callback(headers, body)]
    assert found == [(EventKind.SIGNER_SIGNED, "org-1"), (EventKind.COMPLETED, None)]


def test_a_decline_declines_the_envelope_with_the_reason(provider):
    headers, body = BuiltinProvider.sign(SECRET, step(event="declined", reason="Bedrag klopt niet"))
    found = [(e.kind, e.reason) for e in provider.read_callback(headers, body)]
    assert found == [(EventKind.SIGNER_DECLINED, "Bedrag klopt niet"),
                     (EventKind.DECLINED, "Bedrag klopt niet")]


def test_completed_completes(provider):
    headers, body = BuiltinProvider.sign(SECRET, step(event="completed", signer_key=None))
    [found] = provider.read_callback(headers, body)
    assert found.kind is EventKind.COMPLETED


@pytest.mark.parametrize("payload", [
    step(event="signed", signer_key=None), step(event="exploded"), step(colour="blauw"),
    step(step_id=None)])
def test_a_malformed_step_is_refused(provider, payload):
    headers, body = BuiltinProvider.sign(SECRET, payload)
    with pytest.raises(InvalidCallback):
        provider.read_callback(headers, body)
