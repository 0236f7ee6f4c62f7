"""Wet-ink signing: the embedded default, with no provider and no HTTP.

How it works:

* ``send`` only returns an envelope id derived from the idempotency key
  (``manual-`` + the first 32 hex characters of its SHA-256), so a repeated send gives the
  same envelope. The app mails the PDFs to the signers itself.
* Staff upload each signed scan (a PDF) per document. To follow the same path as a provider
  callback, the app turns every upload into a small JSON "callback" signed with the option
  ``secret`` (use ``ManualProvider.sign``), then verifies and parses it like any other:

  ``{"envelope_id": str, "upload_id": str, "event": "signed" | "declined" | "completed",
  "signer_key": str | null, "document_key": str | null, "at": ISO 8601 | null,
  "reason": str | null}``

  ``signed`` gives ``SIGNER_SIGNED``: with ``document_key``, one signed scan of that document
  (``signer_key`` names the organisation's first signer); without it, one signer who signed
  every document on paper (staff record that the organisation has signed, before NVSI's board
  signs); ``declined`` (``signer_key`` required) gives
  ``SIGNER_DECLINED`` and ``DECLINED``; ``completed`` (sent once every scan is in) gives
  ``COMPLETED``. Unknown fields are refused.
* The header ``X-Tekenklaar-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>``
  authenticates the whole body, so ``callback_is_trigger`` is False: the events can be
  applied as they are.
* There is no provider state to ask: ``status``, ``download`` and ``remind`` raise
  ``NotSupported``; ``cancel`` has nothing to withdraw and returns.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from ..base import REQUIRED, Provider
from ..errors import InvalidCallback
from ..types import CallbackReply, EventKind, SendRequest, SigningEvent

SIGNATURE_HEADER = "X-Tekenklaar-Signature"
_FIELDS = {"envelope_id", "upload_id", "event", "signer_key", "document_key", "at", "reason"}


class ManualProvider(Provider):
    """Wet-ink signing with staff uploading the signed scans."""

    name = "manual"
    label = "ondertekenen op papier"
    choice_label = "Op papier (scans toevoegen)"
    actor_label = "Ondertekening op papier"
    options = MappingProxyType({"secret": REQUIRED})
    secret_options = frozenset({"secret"})
    callback_is_trigger = False

    def send(
        self,
        request: SendRequest,
        *,
        on_created: Callable[[str], None] | None = None,
        existing_envelope_id: str | None = None,
    ) -> str:
        """Return the envelope id for this send (no I/O); see the module docstring."""
        if existing_envelope_id is not None:
            return existing_envelope_id
        digest = hashlib.sha256(request.idempotency_key.encode("utf-8")).hexdigest()
        envelope_id = f"{self.name}-{digest[:32]}"
        if on_created is not None:
            on_created(envelope_id)
        return envelope_id

    def cancel(self, envelope_id: str, reason: str) -> None:
        """Nothing is out at a provider; the app tells the signers itself."""

    def callback_reply(self, ok: bool) -> CallbackReply:
        """Return 200 or 400 with a small JSON body."""
        if ok:
            return CallbackReply(200, b'{"status":"ok"}', "application/json")
        return CallbackReply(400, b'{"status":"invalid"}', "application/json")

    @classmethod
    def sign(cls, secret: str, payload: Mapping[str, Any] | bytes) -> tuple[dict[str, str], bytes]:
        """Return ``(headers, body)`` of a callback signed with ``secret``.

        The app uses this to turn an upload into a callback; tests use it to build valid
        callbacks. A mapping is serialised as compact JSON; bytes are signed as they are.
        """
        body = payload if isinstance(payload, bytes) else json.dumps(
            dict(payload), separators=(",", ":"), sort_keys=True
        ).encode("utf-8")
        digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        return {SIGNATURE_HEADER: f"sha256={digest}", "Content-Type": "application/json"}, body

    def _authenticate(self, headers: Mapping[str, str], body: bytes) -> None:
        given = self._header(headers, SIGNATURE_HEADER)
        if not given:
            raise InvalidCallback("missing_header", SIGNATURE_HEADER)
        if not given.startswith("sha256="):
            raise InvalidCallback("malformed_header", SIGNATURE_HEADER)
        expected = self.sign(self.config["secret"], body)[0][SIGNATURE_HEADER]
        if not self._same_secret(given, expected):
            raise InvalidCallback("bad_signature", SIGNATURE_HEADER)

    @staticmethod
    def _only_strings(payload: dict[str, Any], fields: set[str]) -> None:
        """Raise InvalidCallback unless `payload` has only `fields`, each a string or null."""
        unknown = set(payload) - fields
        if unknown:
            raise InvalidCallback("malformed_body", f"unknown fields {sorted(unknown)}")
        for key in fields:
            if payload.get(key) is not None and not isinstance(payload[key], str):
                raise InvalidCallback("malformed_body", f"{key} is not a string")

    def _events(self, payload: dict[str, Any]) -> list[SigningEvent]:
        self._only_strings(payload, _FIELDS)
        envelope_id, upload_id = payload.get("envelope_id"), payload.get("upload_id")
        event, signer_key = payload.get("event"), payload.get("signer_key")
        document_key = payload.get("document_key")
        if not envelope_id or not upload_id:
            raise InvalidCallback("malformed_body", "envelope_id and upload_id are required")
        at = self._timestamp(payload.get("at"))
        prefix = f"manual:{envelope_id}"

        def event_of(kind: EventKind, key: str, **extra: Any) -> SigningEvent:
            return SigningEvent(envelope_id, kind, at, key, document_key=document_key, **extra)

        if event == "signed":
            if not signer_key:
                raise InvalidCallback("malformed_body", "signed needs signer_key")
            return [event_of(EventKind.SIGNER_SIGNED, f"{prefix}:{upload_id}:signed",
                             signer_key=signer_key)]
        if event == "declined":
            if not signer_key:
                raise InvalidCallback("malformed_body", "declined needs signer_key")
            reason = payload.get("reason")
            return [
                event_of(EventKind.SIGNER_DECLINED, f"{prefix}:{upload_id}:signer_declined",
                         signer_key=signer_key, reason=reason),
                event_of(EventKind.DECLINED, f"{prefix}:declined", reason=reason),
            ]
        if event == "completed":
            return [event_of(EventKind.COMPLETED, f"{prefix}:completed")]
        raise InvalidCallback("malformed_body", "unknown event")
