"""Built-in electronic signing: Tekenklaar's own signing pages, with no outside provider.

The adapter is as thin as the manual one, because ``signing/`` knows no database: the links,
codes and evidence live in the app (``app/services/signing_pages.py``, table
``signing_link``). What the adapter owns is the vocabulary and the door:

* ``send`` returns an envelope id derived from the idempotency key (``builtin-`` + the first
  32 hex characters of its SHA-256), so a repeated send gives the same envelope; the app then
  mails each signer a link when it is their turn.
* Every step a signer takes on the pages becomes a small JSON "callback" signed with the
  option ``secret`` (``BuiltinProvider.sign``) that the app verifies and parses like any
  provider's, so states, timeline, archive and mail follow the one path:

  ``{"envelope_id": str, "step_id": str, "event": "notified" | "viewed" | "signed" |
  "signed_last" | "declined" | "completed", "signer_key": str | null,
  "next_signer_key": str | null, "at": ISO 8601 | null, "reason": str | null}``

  ``notified``, ``viewed`` and ``signed`` (``signer_key`` required) give the signer events;
  ``signed`` with ``next_signer_key`` also gives ``SIGNER_NOTIFIED`` for the next signer
  (whose link went out with it); ``signed_last`` gives ``SIGNER_SIGNED`` and ``COMPLETED``;
  ``declined`` gives ``SIGNER_DECLINED`` and ``DECLINED``; ``completed`` gives ``COMPLETED``.
  One step is one body, so it is applied in one transaction. Unknown fields are refused.
* The header ``X-Tekenklaar-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>``
  authenticates the whole body (``callback_is_trigger`` is False).
* There is no provider state to ask or download: the app seals the PDFs itself.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from ..base import REQUIRED
from ..errors import InvalidCallback
from ..types import EventKind, SigningEvent
from .manual import ManualProvider

_FIELDS = {"envelope_id", "step_id", "event", "signer_key", "next_signer_key", "at", "reason"}
_SIGNER_EVENTS = {
    "notified": EventKind.SIGNER_NOTIFIED,
    "viewed": EventKind.SIGNER_VIEWED,
    "signed": EventKind.SIGNER_SIGNED,
}


class BuiltinProvider(ManualProvider):
    """Signing on Tekenklaar's own pages with an e-mailed code; the app seals the PDFs."""

    name = "builtin"
    label = "de ondertekenpagina's van Tekenklaar"
    choice_label = "Tekenklaar (elektronisch)"
    actor_label = "Ondertekenpagina's van Tekenklaar"
    options = MappingProxyType({"secret": REQUIRED})
    secret_options = frozenset({"secret"})
    callback_is_trigger = False

    def _events(self, payload: dict[str, Any]) -> list[SigningEvent]:
        self._only_strings(payload, _FIELDS)
        envelope_id, step_id = payload.get("envelope_id"), payload.get("step_id")
        event, signer_key = payload.get("event"), payload.get("signer_key")
        if not envelope_id or not step_id:
            raise InvalidCallback("malformed_body", "envelope_id and step_id are required")
        at = self._timestamp(payload.get("at"))
        prefix = f"builtin:{envelope_id}:{step_id}"
        reason = payload.get("reason")
        if event in _SIGNER_EVENTS or event in ("declined", "signed_last"):
            if not signer_key:
                raise InvalidCallback("malformed_body", f"{event} needs signer_key")
        completed = SigningEvent(envelope_id, EventKind.COMPLETED, at,
                                 f"builtin:{envelope_id}:completed")
        if event in _SIGNER_EVENTS:
            events = [SigningEvent(envelope_id, _SIGNER_EVENTS[event], at, f"{prefix}:{event}",
                                   signer_key=signer_key)]
            following = payload.get("next_signer_key")
            if event == "signed" and following:
                events.append(SigningEvent(envelope_id, EventKind.SIGNER_NOTIFIED, at,
                                           f"{prefix}:notified:{following}",
                                           signer_key=following))
            return events
        if event == "signed_last":
            return [SigningEvent(envelope_id, EventKind.SIGNER_SIGNED, at, f"{prefix}:signed",
                                 signer_key=signer_key), completed]
        if event == "declined":
            return [
                SigningEvent(envelope_id, EventKind.SIGNER_DECLINED, at,
                             f"{prefix}:signer_declined", signer_key=signer_key, reason=reason),
                SigningEvent(envelope_id, EventKind.DECLINED, at, f"builtin:{envelope_id}:declined",
                             reason=reason),
            ]
        if event == "completed":
            return [completed]
        raise InvalidCallback("malformed_body", "unknown event")
