"""Find a provider class by name, importing it only when it is asked for.

Built-in adapters are listed here as ``"module:Class"``; adapters shipped as their own
package add themselves to the entry-point group ``tekenklaar.signing_providers``. Nothing is
imported or registered when this module is imported.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .base import Provider
from .errors import ConfigurationError, unknown_name

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "tekenklaar.signing_providers"

BUILTINS: Mapping[str, str] = MappingProxyType({
    "builtin": "signing.providers.builtin:BuiltinProvider",
    "manual": "signing.providers.manual:ManualProvider",
    "signhost": "signing.providers.signhost:SignhostProvider",
    "validsign": "signing.providers.validsign:ValidSignProvider",
})


def registry() -> Mapping[str, str]:
    """Return a read-only mapping of every known name to its ``"module:Class"`` target.

    Entry points are read on every call (it is cheap and keeps tests honest). A built-in
    name cannot be taken over by an entry point pointing elsewhere.
    """
    found = dict(BUILTINS)
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in BUILTINS and ep.value != BUILTINS[ep.name]:
            log.warning("signing provider entry point %r ignored: the name is built in", ep.name)
            continue
        found[ep.name] = ep.value
    return MappingProxyType(found)


def available() -> list[str]:
    """Return the known provider names, sorted."""
    return sorted(registry())


def provider_class(name: str) -> type[Provider]:
    """Import and return the provider class registered as ``name``.

    Raises ``ConfigurationError`` for an unknown name (listing the known ones), a target
    that cannot be imported (naming the missing module) or one that is not a ``Provider``.
    """
    known = registry()
    target = known.get(name)
    if target is None:
        raise unknown_name(name, known)
    module_name, _, attr = target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except ImportError as exc:
        raise ConfigurationError(
            f"signing provider {name!r} cannot be imported: missing module {exc.name!r}",
            message=f"Ondertekendienst '{name}' kan niet worden geladen: "
            f"pakket '{exc.name}' ontbreekt.",
        ) from exc
    except AttributeError as exc:
        raise ConfigurationError(
            f"signing provider {name!r}: {target!r} does not exist",
            message=f"Ondertekendienst '{name}' is verkeerd geregistreerd.",
        ) from exc
    if not (isinstance(obj, type) and issubclass(obj, Provider)):
        raise ConfigurationError(
            f"signing provider {name!r}: {target!r} is not a Provider subclass",
            message=f"Ondertekendienst '{name}' is verkeerd geregistreerd.",
        )
    return obj


def get_provider(name: str, **options: Any) -> Provider:
    """Return a configured provider; ``options`` go to its constructor (``http=`` too).

    Raises ``ConfigurationError`` for an unknown name or a bad option.
    """
    return provider_class(name)(**options)
