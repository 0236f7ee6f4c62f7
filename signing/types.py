"""The small typed vocabulary the app and every adapter share.

Adapters turn provider payloads into these types; raw provider dicts never leave ``signing``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class Document:
    """A PDF to sign. ``key`` is our document id; it comes back on the signed copy."""

    key: str
    filename: str
    pdf: bytes = field(repr=False)


@dataclass(frozen=True)
class Signer:
    """One person who signs. ``order`` 1 signs first (our organisation's signer, then the
    NVSI board members). ``key`` is our signer id; ``role`` is their capacity, for display."""

    key: str
    name: str = field(repr=False)
    email: str = field(repr=False)
    role: str
    order: int


@dataclass(frozen=True)
class SendRequest:
    """Everything needed to send one envelope.

    ``reference`` is our package id (metadata at the provider); ``idempotency_key`` is unique
    per send attempt of one package and is stored at the provider where it has a field for it.
    Raises ``ValueError`` when the request is inconsistent (a programming error, not input).
    """

    reference: str
    documents: list[Document]
    signers: list[Signer]
    subject: str
    message: str
    idempotency_key: str
    callback_url: str | None = None
    days_to_expire: int = 30
    language: str = "nl-NL"

    def __post_init__(self) -> None:
        if not self.documents:
            raise ValueError("a send request needs at least one document")
        if not self.signers:
            raise ValueError("a send request needs at least one signer")
        if not self.idempotency_key:
            raise ValueError("a send request needs an idempotency key")
        for label, keys in (
            ("document", [d.key for d in self.documents]),
            ("signer", [s.key for s in self.signers]),
        ):
            if len(set(keys)) != len(keys) or not all(keys):
                raise ValueError(f"{label} keys must be unique and non-empty")
        orders = [s.order for s in self.signers]
        if len(set(orders)) != len(orders) or min(orders) < 1:
            raise ValueError("signer orders must be unique and start at 1 or higher")
        if not 1 <= self.days_to_expire <= 90:
            raise ValueError("days_to_expire must be between 1 and 90")

    @property
    def signers_in_order(self) -> list[Signer]:
        """Return the signers sorted by ``order`` (first signer first)."""
        return sorted(self.signers, key=lambda s: s.order)


class EnvelopeState(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    COMPLETED = "completed"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"


class SignerState(StrEnum):
    WAITING = "waiting"
    NOTIFIED = "notified"
    VIEWED = "viewed"
    SIGNED = "signed"
    DECLINED = "declined"


@dataclass(frozen=True)
class SignerStatus:
    """One signer's state. ``signer_key`` is ``None`` when the provider lost our reference."""

    signer_key: str | None
    email: str = field(repr=False)
    state: SignerState
    at: datetime | None = None
    reason: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class EnvelopeStatus:
    """The provider's authoritative state of one envelope."""

    envelope_id: str
    state: EnvelopeState
    signers: list[SignerStatus]
    reason: str | None = field(default=None, repr=False)
    # The idempotency key the envelope was made with, where the provider keeps it.
    reference: str | None = field(default=None, repr=False)


class EventKind(StrEnum):
    SENT = "sent"
    SIGNER_NOTIFIED = "signer_notified"
    SIGNER_VIEWED = "signer_viewed"
    SIGNER_SIGNED = "signer_signed"
    SIGNER_DECLINED = "signer_declined"
    COMPLETED = "completed"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(frozen=True)
class SigningEvent:
    """A normalised event. ``dedupe_key`` is stable across redeliveries of the same event:
    store it and skip events already seen. ``document_key`` is set when the event concerns
    one document (manual uploads, ValidSign document events)."""

    envelope_id: str
    kind: EventKind
    occurred_at: datetime | None
    dedupe_key: str
    signer_key: str | None = None
    reason: str | None = field(default=None, repr=False)
    document_key: str | None = None


@dataclass(frozen=True)
class SignedDocument:
    """A signed PDF; ``key`` is our document id."""

    key: str
    filename: str
    pdf: bytes = field(repr=False)


@dataclass(frozen=True)
class SignedBundle:
    """The signed PDFs and the provider's audit trail (Signhost receipt, ValidSign evidence
    summary). Store both: together they are the legal proof."""

    documents: list[SignedDocument]
    audit_trail: bytes = field(repr=False)
    audit_trail_filename: str


@dataclass(frozen=True)
class CallbackReply:
    """What the webhook endpoint must answer the provider."""

    status: int
    body: bytes
    content_type: str
