"""The signing providers as this service configures them (the thin helper STYLE.md asks for).

`signing/` knows nothing of settings; here each provider's options are read from settings:
built-in providers from their documented TEKENKLAAR_<PROVIDER>_<OPTION> settings, a provider
shipped as its own package from environment variables of the same form.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from pydantic import SecretStr

from app.runtime import runtime
from signing import ConfigurationError
from signing import Provider
from signing import available
from signing import get_provider
from signing import provider_class


def provider_label(name: str | None) -> str:
    """The provider as a sentence names it: "Signhost", "ondertekenen op papier"."""
    return _label(name, "label") or name or "onbekende dienst"


def provider_choice_label(name: str | None) -> str:
    """The provider as a choice on the send form: "Signhost (elektronisch)"."""
    return _label(name, "choice_label") or name or ""


def provider_actor_label(name: str | None) -> str | None:
    """The provider as who did something in a timeline, or None for no provider's name."""
    return _label(name, "actor_label")


def _label(name: str | None, kind: str) -> str | None:
    try:
        cls = provider_class(name or "")
    except ConfigurationError:
        return None
    return getattr(cls, kind) or cls.label or None


def available_providers() -> list[str]:
    """The names of the providers staff can choose from: those whose settings are complete
    (a provider without its keys would only fail at the moment of sending); in production
    the built-in pages only with a real sealing certificate."""
    names = []
    settings = runtime().settings
    for name in available():
        if name == BUILTIN and settings.environment == "production":
            from app.documents.sealing import sealing_configured

            if not sealing_configured(settings):  # a test seal has no legal weight
                continue
        try:
            provider(name)
        except ConfigurationError:
            continue
        names.append(name)
    return names


def provider(name: str) -> Provider:
    """The configured provider `name`, made once per app; raises signing.ConfigurationError."""
    return runtime().lazy(f"provider:{name}", lambda: get_provider(name, **provider_options(name)))


def provider_options(name: str) -> dict:
    """The options for provider `name` from settings and the environment."""
    settings = runtime().settings
    cls = provider_class(name)
    options: dict = {}
    for option in cls.options:
        field = f"{name}_{option}"
        if field in type(settings).model_fields:
            value = getattr(settings, field)
        else:
            value = os.environ.get(f"TEKENKLAAR_{name.upper()}_{option.upper()}")
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if value is not None:
            options[option] = value
    if "timeout" in cls.options:
        options.setdefault("timeout", settings.provider_timeout)
    if name == "manual":
        options["secret"] = manual_secret()
    if name == BUILTIN:
        options["secret"] = builtin_secret()
    return options


BUILTIN = "builtin"


def default_provider() -> str:
    """The provider for a new send: `signing_provider` when set, else the built-in signing
    pages once NVSI has configured a (real) sealing certificate, else signing on paper."""
    settings = runtime().settings
    if settings.signing_provider:
        return settings.signing_provider
    from app.documents.sealing import sealing_configured

    return BUILTIN if sealing_configured(settings) else "manual"


def builtin_secret() -> str:
    """The key that signs the signing pages' steps for the built-in provider."""
    key = runtime().settings.secret().encode()
    return hmac.new(key, b"tekenklaar builtin signing", hashlib.sha256).hexdigest()


def manual_secret() -> str:
    """The key that signs staff uploads for the manual provider, derived from the secret key."""
    key = runtime().settings.secret().encode()
    return hmac.new(key, b"tekenklaar manual signing", hashlib.sha256).hexdigest()
