"""Errors raised by the signing adapters.

Every error carries two texts:

* ``str(exc)``: an English detail for logs. It never holds personal data (names, e-mail
  addresses) or secrets; at most our own ids, an HTTP method, a path and a status code.
* ``exc.message``: a short Dutch text that may be shown to staff.
"""

from __future__ import annotations

from collections.abc import Iterable


class SigningError(Exception):
    """Base class of every error raised by ``signing``."""

    default_message = "Er ging iets mis bij de ondertekendienst."

    def __init__(self, detail: str, *, message: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.message = message or self.default_message


class ConfigurationError(SigningError):
    """A provider name or option is wrong or missing; fix the settings, do not retry."""

    default_message = "De instellingen van de ondertekendienst kloppen niet."


class ProviderUnavailable(SigningError):
    """The provider could not be reached or answered 429/5xx after all retries.

    Safe to try again later. ``status`` is the last HTTP status (``None`` for a network
    error); ``retry_after`` is the provider's last ``Retry-After`` in seconds, if any.
    """

    default_message = "De ondertekendienst is tijdelijk niet bereikbaar. Probeer het later opnieuw."

    def __init__(
        self,
        detail: str,
        *,
        message: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail, message=message)
        self.status = status
        self.retry_after = retry_after


class OutcomeUnknown(ProviderUnavailable):
    """A call that is not safe to repeat failed in a way that leaves its effect unknown.

    Raised for a read timeout, a dropped connection or a 5xx *after* the request may have
    reached the provider. For the envelope-creating call this means an envelope may exist
    that we have no id for: do not send again blindly; let staff look it up at the provider
    by the reference (our idempotency key).
    """

    default_message = (
        "Het is onduidelijk of de ondertekendienst de opdracht heeft uitgevoerd. "
        "Controleer dit bij de ondertekendienst voordat u opnieuw verstuurt."
    )


class ProviderRejected(SigningError):
    """The provider refused our request (4xx); repeating it unchanged will not help.

    ``status`` is the HTTP status (``None`` when we refuse before calling, e.g. downloading
    an envelope that is not completed). ``provider_message`` is the provider's own error text,
    kept out of ``str(exc)`` because a provider may echo request data in it.
    """

    default_message = "De ondertekendienst heeft de opdracht geweigerd."

    def __init__(
        self,
        detail: str,
        *,
        message: str | None = None,
        status: int | None = None,
        provider_message: str | None = None,
    ) -> None:
        super().__init__(detail, message=message)
        self.status = status
        self.provider_message = provider_message


class EnvelopeGone(ProviderRejected):
    """The provider no longer knows the envelope (HTTP 404: deleted, purged, or a cancel
    that took effect although its answer was lost). A fact about the envelope, not a
    refusal of the request: the package should end, with this as the reason."""

    default_message = ("De ondertekendienst kent deze envelop niet meer: hij is daar "
                       "verwijderd of opgeschoond.")


class InvalidCallback(SigningError):
    """A callback failed verification or could not be read.

    ``reason`` is one of: ``missing_header``, ``malformed_header``, ``bad_signature``,
    ``malformed_body``, ``oversized_body``.
    """

    default_message = "Ongeldige melding van de ondertekendienst."

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class NotSupported(SigningError):
    """The provider cannot do this (e.g. an ad-hoc reminder on Signhost)."""

    default_message = "Deze ondertekendienst ondersteunt deze handeling niet."

    def __init__(self, provider: str, operation: str) -> None:
        super().__init__(
            f"provider {provider!r} does not support {operation}",
            message=f"Ondertekendienst '{provider}' ondersteunt '{operation}' niet.",
        )
        self.provider = provider
        self.operation = operation


def unknown_name(name: str, known: Iterable[str]) -> ConfigurationError:
    """Return the error for an unknown provider name, listing the known ones."""
    names = ", ".join(sorted(known)) or "(geen)"
    return ConfigurationError(
        f"unknown signing provider {name!r}; known providers: {names}",
        message=f"Onbekende ondertekendienst '{name}'. Bekend zijn: {names}.",
    )
