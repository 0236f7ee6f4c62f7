"""The provider interface every adapter implements, and the helpers they share.

An adapter is one module with one ``Provider`` subclass. It declares its ``options`` (a
required one has the default ``REQUIRED``), its capability flags and how far its callbacks
can be trusted, and implements ``send``, ``_authenticate`` and ``_events``; the other
operations raise ``NotSupported`` unless the adapter overrides them. Each adapter also has a
``sign(...)`` classmethod that builds a valid callback ``(headers, body)`` for tests.

Callbacks follow verify, store, process: the webhook view calls ``verify_callback`` on the
raw body, stores the delivery by the events' ``dedupe_key``, answers ``callback_reply`` and
processes later. When ``callback_is_trigger`` is True the callback authenticates less than
its whole body: treat it as a hint and act on ``status()`` (see ``events_from_status``).
"""

from __future__ import annotations

import hmac
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar
from urllib.parse import quote

import requests

from .errors import ConfigurationError, EnvelopeGone, InvalidCallback, NotSupported, ProviderRejected
from .http import HttpClient
from .types import (
    CallbackReply,
    EnvelopeState,
    EnvelopeStatus,
    EventKind,
    SendRequest,
    SignedBundle,
    SignerState,
    SigningEvent,
)


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""Default value marking an option that must be given."""

MAX_CALLBACK_BYTES = 1024 * 1024

_ENVELOPE_EVENTS = {
    EnvelopeState.SENT: EventKind.SENT,
    EnvelopeState.COMPLETED: EventKind.COMPLETED,
    EnvelopeState.DECLINED: EventKind.DECLINED,
    EnvelopeState.EXPIRED: EventKind.EXPIRED,
    EnvelopeState.CANCELLED: EventKind.CANCELLED,
    EnvelopeState.FAILED: EventKind.FAILED,
}
_SIGNER_EVENTS = {
    SignerState.NOTIFIED: EventKind.SIGNER_NOTIFIED,
    SignerState.VIEWED: EventKind.SIGNER_VIEWED,
    SignerState.SIGNED: EventKind.SIGNER_SIGNED,
    SignerState.DECLINED: EventKind.SIGNER_DECLINED,
}
_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nee"}


class Provider(ABC):
    """Base class of the signing adapters."""

    name: ClassVar[str] = ""
    # How people read the provider (Dutch): in sentences ("Verzonden via Signhost"), as a
    # choice on the send form, and as who did something in a package's timeline.
    label: ClassVar[str] = ""
    choice_label: ClassVar[str] = ""
    actor_label: ClassVar[str] = ""
    options: ClassVar[Mapping[str, Any]] = MappingProxyType({})
    secret_options: ClassVar[frozenset[str]] = frozenset()
    callback_is_trigger: ClassVar[bool] = True
    acknowledges_invalid_callbacks: ClassVar[bool] = False
    can_remind: ClassVar[bool] = False
    can_poll: ClassVar[bool] = False
    can_download: ClassVar[bool] = False

    def __init__(self, *, http: HttpClient | None = None, **options: Any) -> None:
        """Check and store ``options``; raises ``ConfigurationError`` for an unknown option,
        a missing required one or a value of the wrong type."""
        self.config: Mapping[str, Any] = MappingProxyType(self._resolve(options))
        self.http = http if http is not None else HttpClient(
            max_retries=int(self.config.get("max_retries", 3))
        )

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{k}={'***' if k in self.secret_options else v!r}" for k, v in self.config.items()
        )
        return f"<{type(self).__name__} {shown}>"

    # --- the interface -------------------------------------------------------------

    @abstractmethod
    def send(
        self,
        request: SendRequest,
        *,
        on_created: Callable[[str], None] | None = None,
        existing_envelope_id: str | None = None,
    ) -> str:
        """Create and send an envelope; return its id.

        ``on_created(envelope_id)`` is called right after the envelope exists, so the app
        can store the id before the remaining steps. Pass that id back as
        ``existing_envelope_id`` to resume a failed send: creation is skipped and only the
        idempotent steps run. Raises ``ProviderUnavailable`` (retry later; ``OutcomeUnknown``
        when creation may have happened without an id), ``ProviderRejected``.
        """

    def status(self, envelope_id: str) -> EnvelopeStatus:
        """Return the provider's authoritative state; raises ``NotSupported`` unless
        ``can_poll``, else ``ProviderUnavailable``/``ProviderRejected``."""
        raise NotSupported(self.name, "status")

    def download(self, envelope_id: str) -> SignedBundle:
        """Return the signed PDFs and the audit trail of a completed envelope; raises
        ``NotSupported`` unless ``can_download``, ``ProviderRejected`` if not completed."""
        raise NotSupported(self.name, "download")

    def cancel(self, envelope_id: str, reason: str) -> None:
        """Withdraw an envelope that is still out for signing; raises ``ProviderRejected``
        when it already reached an end state (we never delete signed evidence)."""
        raise NotSupported(self.name, "cancel")

    def remind(self, envelope_id: str) -> None:
        """Remind the signer(s) whose turn it is; raises ``NotSupported`` unless
        ``can_remind``."""
        raise NotSupported(self.name, "remind")

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> None:
        """Check a callback's size, authenticity and shape; raises ``InvalidCallback``.

        Header lookup is case-insensitive; secrets are compared in constant time.
        """
        self._check_size(body)
        self._authenticate(headers, body)
        self._events(self._json_object(body))

    def read_callback(self, headers: Mapping[str, str], body: bytes) -> list[SigningEvent]:
        """``verify_callback`` and ``parse_callback`` in one step (the body is decoded once
        less); raises ``InvalidCallback``."""
        self._check_size(body)
        self._authenticate(headers, body)
        return self._events(self._json_object(body))

    def find_envelope(self, idempotency_key: str) -> str | None:
        """Return the id of the envelope made with ``idempotency_key`` (after a create whose
        outcome is unknown), or ``None`` when there is none; raises ``NotSupported`` when
        the provider cannot be searched."""
        raise NotSupported(self.name, "find_envelope")

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> list[SigningEvent]:
        """Return the normalised events in a (verified) callback; raises ``InvalidCallback``
        when the body is oversized or malformed. Parsing the same body twice gives the same
        events and dedupe keys."""
        self._check_size(body)
        return self._events(self._json_object(body))

    def callback_reply(self, ok: bool) -> CallbackReply:
        """Return what the webhook endpoint answers: 200 when ``ok``, else 401, or 200 in
        both cases for providers that require an acknowledgement of every delivery."""
        if ok or self.acknowledges_invalid_callbacks:
            return CallbackReply(200, b"OK", "text/plain; charset=utf-8")
        return CallbackReply(401, b"invalid callback", "text/plain; charset=utf-8")

    def events_from_status(self, status: EnvelopeStatus) -> list[SigningEvent]:
        """Turn an authoritative status into events with deterministic dedupe keys.

        Signer events come first (in the order given), the envelope event last, so
        ``completed`` is applied after the last signature. Applying the result twice is a
        no-op for an app that stores dedupe keys.
        """
        events = []
        for index, signer in enumerate(status.signers):
            kind = _SIGNER_EVENTS.get(signer.state)
            if kind is None:
                continue
            who = signer.signer_key or f"#{index}"
            events.append(SigningEvent(
                envelope_id=status.envelope_id,
                kind=kind,
                occurred_at=signer.at,
                dedupe_key=f"{self.name}:status:{status.envelope_id}:{who}:{kind.value}",
                signer_key=signer.signer_key,
                reason=signer.reason,
            ))
        kind = _ENVELOPE_EVENTS.get(status.state)
        if kind is not None:
            events.append(SigningEvent(
                envelope_id=status.envelope_id,
                kind=kind,
                occurred_at=None,
                dedupe_key=f"{self.name}:status:{status.envelope_id}:{kind.value}",
                reason=status.reason,
            ))
        return events

    # --- what an adapter implements for callbacks -----------------------------------

    @abstractmethod
    def _authenticate(self, headers: Mapping[str, str], body: bytes) -> None:
        """Raise ``InvalidCallback`` unless the callback carries our secret."""

    @abstractmethod
    def _events(self, payload: dict[str, Any]) -> list[SigningEvent]:
        """Return the events in a decoded callback body; raise ``InvalidCallback``
        (``malformed_body``) when fields are missing or of the wrong type."""

    # --- shared helpers --------------------------------------------------------------

    @staticmethod
    def _header(headers: Mapping[str, str], name: str) -> str | None:
        """Return a header's value, looked up case-insensitively, or ``None``."""
        wanted = name.lower()
        for key, value in headers.items():
            if key.lower() == wanted:
                return value
        return None

    @staticmethod
    def _same_secret(given: str, expected: str) -> bool:
        """Compare two secrets in constant time."""
        return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))

    @staticmethod
    def _check_size(body: bytes) -> None:
        if len(body) > MAX_CALLBACK_BYTES:
            raise InvalidCallback("oversized_body", f"{len(body)} bytes")

    @staticmethod
    def _json_object(body: bytes) -> dict[str, Any]:
        """Decode a JSON object; raises ``InvalidCallback`` (``malformed_body``) for anything
        else, also for nesting too deep to decode and for a lone surrogate (``"\\ud800"``),
        which no database can store."""
        try:
            data = json.loads(body)
            if isinstance(data, dict) and b"\\u" in body:
                json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (ValueError, UnicodeError) as exc:
            raise InvalidCallback("malformed_body", "not JSON") from exc
        except RecursionError as exc:
            raise InvalidCallback("malformed_body", "nested too deeply") from exc
        if not isinstance(data, dict):
            raise InvalidCallback("malformed_body", "not a JSON object")
        return data

    @staticmethod
    def _timestamp(value: Any, *, strict: bool = True) -> datetime | None:
        """Parse an ISO 8601 timestamp; ``None`` when absent. A bad value raises
        ``InvalidCallback`` (``malformed_body``) when ``strict``, else gives ``None``."""
        if value in (None, ""):
            return None
        try:
            if not isinstance(value, str):
                raise ValueError("not a string")
            return datetime.fromisoformat(value)
        except ValueError as exc:
            if not strict:
                return None
            raise InvalidCallback("malformed_body", "timestamp is not ISO 8601") from exc

    # --- HTTP, for adapters that talk to a provider ----------------------------------

    def _auth_headers(self) -> dict[str, str]:
        """Return the headers that authenticate us at the provider."""
        return {}

    def _request(
        self, method: str, path: str, *, idempotent: bool, headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Call ``base_url + path`` through the shared ``HttpClient`` (see ``signing.http``)."""
        return self.http.request(
            method,
            self.config["base_url"].rstrip("/") + path,
            timeout=float(self.config["timeout"]),
            idempotent=idempotent,
            headers={**self._auth_headers(), **(headers or {})},
            **kwargs,
        )

    def _read_envelope(self, path: str, envelope_id: str, **kwargs: Any) -> requests.Response:
        """GET an envelope; a 404 raises ``EnvelopeGone`` (the provider no longer knows it)."""
        try:
            return self._request("GET", path, idempotent=True, **kwargs)
        except ProviderRejected as exc:
            if exc.status == 404:
                raise EnvelopeGone(f"GET envelope {envelope_id}: HTTP 404", status=404) from None
            raise

    @staticmethod
    def _path(template: str, *ids: str) -> str:
        """Fill ``template`` with URL-quoted ids (``=`` kept, as in OneSpan package ids)."""
        return template.format(*(quote(i, safe="=") for i in ids))

    def _resolve(self, given: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(given) - set(self.options))
        accepted = ", ".join(sorted(self.options)) or "(geen)"
        if unknown:
            names = ", ".join(unknown)
            raise ConfigurationError(
                f"{self.name}: unknown option(s) {names}; accepted: {accepted}",
                message=f"Onbekende instelling(en) voor '{self.name}': {names}. "
                f"Toegestaan: {accepted}.",
            )
        resolved = {}
        for key, default in self.options.items():
            value = given.get(key, default)
            if value is REQUIRED or (default is REQUIRED and value in (None, "")):
                raise ConfigurationError(
                    f"{self.name}: missing required option {key}",
                    message=f"Instelling '{key}' ontbreekt voor '{self.name}'.",
                )
            resolved[key] = self._coerce(key, value, default)
        return resolved

    def _coerce(self, key: str, value: Any, default: Any) -> Any:
        """Convert string values (from environment variables) to the default's type."""
        if default is REQUIRED or default is None or not isinstance(value, str):
            return value
        try:
            if isinstance(default, bool):
                lowered = value.strip().lower()
                if lowered not in _TRUE | _FALSE:
                    raise ValueError(value)
                return lowered in _TRUE
            if isinstance(default, (int, float)):
                return type(default)(value)
        except ValueError:
            raise ConfigurationError(
                f"{self.name}: option {key} must be a {type(default).__name__}",
                message=f"Instelling '{key}' voor '{self.name}' heeft een ongeldige waarde.",
            ) from None
        return value


def json_dict(response: requests.Response) -> dict[str, Any]:
    """Return a response's JSON object, or ``{}`` when it holds none."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def dict_items(value: Any) -> list[dict[str, Any]]:
    """Return the objects in a JSON array; anything else counts as empty."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def pdf_filename(name: str) -> str:
    """Return ``name`` ending in ``.pdf``."""
    return name if name.lower().endswith(".pdf") else f"{name}.pdf"
