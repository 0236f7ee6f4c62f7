"""The contract every signing adapter passes.

An adapter's test module subclasses ``ProviderContract`` and supplies only its provider
options, how to build (and break) a callback, and canned HTTP shaped as the provider
documents it. Adapter-specific behaviour is tested beside it in the same module.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import responses

from signing import (
    ConfigurationError,
    Document,
    EnvelopeState,
    InvalidCallback,
    NotSupported,
    Provider,
    SendRequest,
    Signer,
    SignerState,
    SigningError,
    get_provider,
)
from signing.base import MAX_CALLBACK_BYTES, REQUIRED

PDF_1 = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PDF_2 = b"%PDF-1.7\n2 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def send_request(**overrides: Any) -> SendRequest:
    """A package of two documents and three signers, listed out of signing order."""
    values: dict[str, Any] = {
        "reference": "pakket-42",
        "documents": [
            Document("doc-aanmelding", "Aanmeldformulier.pdf", PDF_1),
            Document("doc-overeenkomst", "Gebruiksovereenkomst.pdf", PDF_2),
        ],
        "signers": [
            Signer("board-2", "Bert Bestuur", "bert@nvsi.example", "Penningmeester", 3),
            Signer("org-1", "Olga van der Org", "olga@gemeente.example", "Burgemeester", 1),
            Signer("board-1", "Bea Bestuur", "bea@nvsi.example", "Voorzitter", 2),
        ],
        "subject": "Ondertekening NVSI-lidmaatschap",
        "message": "Wilt u de documenten ondertekenen?",
        "idempotency_key": "pakket-42-send-1",
        "callback_url": "https://tekenklaar.example/webhooks/signing",
    }
    values.update(overrides)
    return SendRequest(**values)


SIGNER_KEYS_IN_ORDER = ["org-1", "board-1", "board-2"]
DOCUMENT_KEYS = ["doc-aanmelding", "doc-overeenkomst"]


class ProviderContract:
    """Shared tests; subclasses fill in the hooks below."""

    provider_class: ClassVar[type[Provider]]
    secret_option: ClassVar[str]
    auth_headers: ClassVar[tuple[str, ...]]
    callback_envelope_id: ClassVar[str]
    envelope_id: ClassVar[str]

    # --- hooks: configuration and callbacks -------------------------------------------

    def options(self) -> dict[str, Any]:
        raise NotImplementedError

    def callback_payload(self) -> dict[str, Any]:
        """A valid callback body, shaped as the provider sends it."""
        raise NotImplementedError

    def sign_callback(self, payload: dict[str, Any] | bytes, secret: str
                      ) -> tuple[dict[str, str], bytes]:
        """Build a callback with the adapter's own ``sign()`` helper."""
        raise NotImplementedError

    def without_auth(self, headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
        return {k: v for k, v in headers.items() if k not in self.auth_headers}, body

    def tamper_authenticated(self, body: bytes) -> bytes | None:
        """Change a part of the body the provider authenticates (None: it authenticates none)."""
        return body.replace(self.callback_envelope_id.encode(), b"tampered-envelope")

    def tamper_unauthenticated(self, body: bytes) -> bytes:
        """For trigger providers: change a part of the body that is not authenticated."""
        raise NotImplementedError

    def signed_malformed(self) -> tuple[dict[str, str], bytes]:
        return self.sign_callback(b'{"not": json', self.options()[self.secret_option])

    # --- hooks: canned HTTP --------------------------------------------------------------

    def mock_send(self, rsps: responses.RequestsMock) -> None:
        """Register every response of one successful send."""

    def mock_send_failing_after_create(self, rsps: responses.RequestsMock) -> bool:
        """Register a create that succeeds and a next step that is refused; False if n/a."""
        return False

    def mock_resume(self, rsps: responses.RequestsMock, envelope_id: str) -> None:
        """Register the responses of a send resumed for a still unsent envelope."""

    def create_calls(self, rsps: responses.RequestsMock) -> int:
        """Count the envelope-creating calls made."""
        return 0

    def mock_status_completed(self, rsps: responses.RequestsMock, envelope_id: str) -> None:
        """Register a status read of a completed envelope."""

    def mock_download(self, rsps: responses.RequestsMock, envelope_id: str) -> None:
        """Register the calls of a download of a completed envelope."""

    def mock_cancel(self, rsps: responses.RequestsMock, envelope_id: str) -> None:
        """Register the calls of cancelling an envelope out for signing."""

    def mock_remind(self, rsps: responses.RequestsMock, envelope_id: str) -> None:
        """Register the calls of a reminder."""

    # --- fixtures ------------------------------------------------------------------------

    @pytest.fixture
    def provider(self, http):
        return self.provider_class(http=http, **self.options())

    def valid_callback(self) -> tuple[dict[str, str], bytes]:
        return self.sign_callback(self.callback_payload(), self.options()[self.secret_option])

    # --- configuration ---------------------------------------------------------------

    def test_registry_builds_it_by_name(self, http):
        """The registry returns this adapter for its name."""
        provider = get_provider(self.provider_class.name, http=http, **self.options())
        assert type(provider) is self.provider_class

    def test_it_names_itself_for_people(self):
        """Its labels live in the adapter (STYLE.md): a sentence, a choice, a timeline actor,
        each Dutch text with no code name."""
        cls = self.provider_class
        for text in (cls.label, cls.choice_label, cls.actor_label):
            assert text.strip() and text != cls.name

    def test_unknown_option_is_an_error_naming_it(self):
        with pytest.raises(ConfigurationError) as caught:
            self.provider_class(**self.options(), colour="blue")
        assert "colour" in str(caught.value)
        assert "colour" in caught.value.message
        for accepted in self.provider_class.options:
            assert accepted in str(caught.value)

    def test_missing_required_option_is_an_error(self):
        required = [k for k, v in self.provider_class.options.items() if v is REQUIRED]
        assert required, "an adapter with a callback secret has a required option"
        for key in required:
            options = {k: v for k, v in self.options().items() if k != key}
            with pytest.raises(ConfigurationError, match=key):
                self.provider_class(**options)

    def test_repr_hides_secrets(self, provider):
        for key in provider.secret_options:
            value = provider.config[key]
            if value:
                assert str(value) not in repr(provider)

    # --- sending -----------------------------------------------------------------------

    def test_send_returns_envelope_id_and_reports_it_once(self, provider, rsps):
        self.mock_send(rsps)
        created: list[str] = []
        envelope_id = provider.send(send_request(), on_created=created.append)
        assert envelope_id
        assert created == [envelope_id]
        assert self.create_calls(rsps) <= 1
        assert all(call.request.req_kwargs["timeout"] for call in rsps.calls)

    def test_resumed_send_creates_no_second_envelope(self, provider, rsps):
        self.mock_resume(rsps, self.envelope_id)
        created: list[str] = []
        envelope_id = provider.send(send_request(), on_created=created.append,
                                    existing_envelope_id=self.envelope_id)
        assert envelope_id == self.envelope_id
        assert created == []
        assert self.create_calls(rsps) == 0

    def test_send_interrupted_after_create_resumes_without_second_envelope(self, provider, rsps):
        """The id reported by on_created lets a failed send finish with one envelope."""
        if not self.mock_send_failing_after_create(rsps):
            pytest.skip("this adapter has no step after creation that can fail")
        created: list[str] = []
        with pytest.raises(SigningError):
            provider.send(send_request(), on_created=created.append)
        assert len(created) == 1
        rsps.reset()
        self.mock_resume(rsps, created[0])
        assert provider.send(send_request(), existing_envelope_id=created[0]) == created[0]
        assert len(created) == 1
        assert self.create_calls(rsps) == 0

    # --- callbacks -----------------------------------------------------------------------

    def test_valid_callback_verifies_and_parses(self, provider):
        headers, body = self.valid_callback()
        provider.verify_callback(headers, body)
        events = provider.parse_callback(headers, body)
        assert events
        assert {e.envelope_id for e in events} == {self.callback_envelope_id}

    def test_parsing_twice_gives_the_same_dedupe_keys(self, provider):
        headers, body = self.valid_callback()
        first = provider.parse_callback(headers, body)
        second = provider.parse_callback(headers, body)
        assert first == second
        keys = [e.dedupe_key for e in first]
        assert len(set(keys)) == len(keys)

    def test_header_names_are_case_insensitive(self, provider):
        headers, body = self.valid_callback()
        provider.verify_callback({k.lower(): v for k, v in headers.items()}, body)
        provider.verify_callback({k.upper(): v for k, v in headers.items()}, body)

    def test_callback_without_auth_header_is_invalid(self, provider):
        headers, body = self.without_auth(*self.valid_callback())
        with pytest.raises(InvalidCallback) as caught:
            provider.verify_callback(headers, body)
        assert caught.value.reason == "missing_header"

    def test_callback_with_wrong_secret_is_invalid(self, provider):
        headers, body = self.sign_callback(self.callback_payload(), "not-the-secret")
        with pytest.raises(InvalidCallback) as caught:
            provider.verify_callback(headers, body)
        assert caught.value.reason == "bad_signature"
        secret = self.options()[self.secret_option]
        assert secret not in str(caught.value) and secret not in caught.value.message

    def test_callback_with_tampered_body_is_invalid(self, provider):
        headers, body = self.valid_callback()
        tampered = self.tamper_authenticated(body)
        if tampered is None:
            pytest.skip("the provider authenticates no part of the body")
        assert tampered != body
        with pytest.raises(InvalidCallback):
            provider.verify_callback(headers, tampered)

    def test_trigger_flag_tells_how_much_of_the_body_is_authenticated(self, provider):
        """Trigger providers accept changes outside what they sign; the others accept none."""
        headers, body = self.valid_callback()
        if provider.callback_is_trigger:
            provider.verify_callback(headers, self.tamper_unauthenticated(body))
        else:
            with pytest.raises(InvalidCallback):
                provider.verify_callback(headers, body + b" ")

    def test_callback_with_malformed_json_is_invalid(self, provider):
        headers, body = self.signed_malformed()
        with pytest.raises(InvalidCallback) as caught:
            provider.verify_callback(headers, body)
        assert caught.value.reason == "malformed_body"
        with pytest.raises(InvalidCallback):
            provider.parse_callback(headers, body)

    def test_oversized_callback_is_invalid(self, provider):
        payload = {**self.callback_payload(), "padding": "x" * MAX_CALLBACK_BYTES}
        headers, body = self.sign_callback(payload, self.options()[self.secret_option])
        for call in (provider.verify_callback, provider.parse_callback):
            with pytest.raises(InvalidCallback) as caught:
                call(headers, body)
            assert caught.value.reason == "oversized_body"

    def test_callback_reply(self, provider):
        good, bad = provider.callback_reply(True), provider.callback_reply(False)
        assert 200 <= good.status < 300
        if provider.acknowledges_invalid_callbacks:
            assert 200 <= bad.status < 300
        else:
            assert 400 <= bad.status < 500
        for reply in (good, bad):
            assert isinstance(reply.body, bytes) and reply.content_type

    # --- after sending -------------------------------------------------------------------

    def test_status_follows_capability(self, provider, rsps):
        if not provider.can_poll:
            with pytest.raises(NotSupported):
                provider.status(self.envelope_id)
            return
        self.mock_status_completed(rsps, self.envelope_id)
        status = provider.status(self.envelope_id)
        assert status.envelope_id == self.envelope_id
        assert status.state is EnvelopeState.COMPLETED
        assert [s.signer_key for s in status.signers] == SIGNER_KEYS_IN_ORDER
        assert {s.state for s in status.signers} == {SignerState.SIGNED}

    def test_events_from_status_are_deterministic(self, provider, rsps):
        if not provider.can_poll:
            pytest.skip("no status to read")
        self.mock_status_completed(rsps, self.envelope_id)
        status = provider.status(self.envelope_id)
        events = provider.events_from_status(status)
        assert events == provider.events_from_status(status)
        assert events[-1].kind.value == "completed"
        assert len({e.dedupe_key for e in events}) == len(events) == len(status.signers) + 1

    def test_download_follows_capability(self, provider, rsps):
        if not provider.can_download:
            with pytest.raises(NotSupported):
                provider.download(self.envelope_id)
            return
        self.mock_download(rsps, self.envelope_id)
        bundle = provider.download(self.envelope_id)
        assert [d.key for d in bundle.documents] == DOCUMENT_KEYS
        assert all(d.pdf.startswith(b"%PDF") for d in bundle.documents)
        assert all(d.filename.endswith(".pdf") for d in bundle.documents)
        assert bundle.audit_trail.startswith(b"%PDF")
        assert bundle.audit_trail_filename.endswith(".pdf")

    def test_cancel(self, provider, rsps):
        self.mock_cancel(rsps, self.envelope_id)
        assert provider.cancel(self.envelope_id, "Verkeerde ondertekenaar") is None

    def test_remind_follows_capability(self, provider, rsps):
        if not provider.can_remind:
            with pytest.raises(NotSupported):
                provider.remind(self.envelope_id)
            return
        self.mock_remind(rsps, self.envelope_id)
        assert provider.remind(self.envelope_id) is None
