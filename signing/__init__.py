"""Signing-provider adapters for Tekenklaar, free of Flask and the database.

Ask the registry for a provider by name and speak to it in our own types::

    from signing import get_provider
    provider = get_provider("signhost", app_key=..., api_key=..., shared_secret=...)
    envelope_id = provider.send(request, on_created=store_envelope_id)
"""

from .base import REQUIRED, Provider
from .errors import (
    ConfigurationError,
    EnvelopeGone,
    InvalidCallback,
    NotSupported,
    OutcomeUnknown,
    ProviderRejected,
    ProviderUnavailable,
    SigningError,
)
from .http import HttpClient
from .registry import available, get_provider, provider_class, registry
from .types import (
    CallbackReply,
    Document,
    EnvelopeState,
    EnvelopeStatus,
    EventKind,
    SendRequest,
    SignedBundle,
    SignedDocument,
    Signer,
    SignerState,
    SignerStatus,
    SigningEvent,
)

__all__ = [
    "REQUIRED", "CallbackReply", "ConfigurationError", "Document", "EnvelopeGone", "EnvelopeState",
    "EnvelopeStatus", "EventKind", "HttpClient", "InvalidCallback", "NotSupported",
    "OutcomeUnknown", "Provider", "ProviderRejected", "ProviderUnavailable", "SendRequest",
    "SignedBundle", "SignedDocument", "Signer", "SignerState", "SignerStatus", "SigningError",
    "SigningEvent", "available", "get_provider", "provider_class", "registry",
]
