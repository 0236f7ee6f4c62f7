"""The provider registry, and a fourth adapter added through an entry point.

``EchoProvider`` below is a whole adapter: one small class plus the fixtures in
``TestEchoContract`` pass the same contract as the built-in ones.
"""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from types import MappingProxyType

import pytest

from signing import ConfigurationError, EventKind, Provider, SigningEvent, available, get_provider
from signing.base import REQUIRED
from signing.errors import InvalidCallback
from signing.registry import BUILTINS, ENTRY_POINT_GROUP, provider_class, registry

from .contract import ProviderContract

ROOT = Path(__file__).resolve().parents[2]


class EchoProvider(Provider):
    """A made-up provider: no HTTP, a static token header, one "done" event."""

    name = "echo"
    label = "Echo"
    choice_label = "Echo (elektronisch)"
    actor_label = "Echo (ondertekendienst)"
    options = MappingProxyType({"token": REQUIRED})
    secret_options = frozenset({"token"})

    def send(self, request, *, on_created=None, existing_envelope_id=None):
        if existing_envelope_id:
            return existing_envelope_id
        envelope_id = f"echo-{request.idempotency_key}"
        if on_created:
            on_created(envelope_id)
        return envelope_id

    def cancel(self, envelope_id, reason):
        return None

    @classmethod
    def sign(cls, token, payload):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return {"X-Echo-Token": token}, body

    def _authenticate(self, headers, body):
        given = self._header(headers, "X-Echo-Token")
        if given is None:
            raise InvalidCallback("missing_header", "X-Echo-Token")
        if not self._same_secret(given, self.config["token"]):
            raise InvalidCallback("bad_signature", "X-Echo-Token")

    def _events(self, payload):
        if not isinstance(payload.get("id"), str) or payload.get("event") != "done":
            raise InvalidCallback("malformed_body", "id or event")
        return [SigningEvent(payload["id"], EventKind.COMPLETED, None, f"echo:{payload['id']}")]


def fake_entry_points(*targets: tuple[str, str]):
    points = [importlib.metadata.EntryPoint(name, value, ENTRY_POINT_GROUP)
              for name, value in targets]

    def entry_points(**selection):
        return [p for p in points if selection.get("group") in (None, p.group)]
    return entry_points


ECHO = ("echo", f"{__name__}:EchoProvider")


@pytest.fixture
def with_echo(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points(ECHO))


class TestEchoContract(ProviderContract):
    provider_class = EchoProvider
    secret_option = "token"
    auth_headers = ("X-Echo-Token",)
    callback_envelope_id = envelope_id = "echo-1"

    @pytest.fixture(autouse=True)
    def _registered(self, with_echo):
        pass

    def options(self):
        return {"token": "echo-token"}

    def callback_payload(self):
        return {"id": "echo-1", "event": "done"}

    def sign_callback(self, payload, secret):
        return EchoProvider.sign(secret, payload)

    def tamper_authenticated(self, body):
        return None

    def tamper_unauthenticated(self, body):
        return body.replace(b"echo-1", b"echo-2")


def test_builtins_are_available():
    assert {"manual", "signhost", "validsign"} <= set(available())


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ConfigurationError) as caught:
        get_provider("docusign")
    for name in ("docusign", "manual", "signhost", "validsign"):
        assert name in str(caught.value)
        assert name in caught.value.message


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        registry()["mine"] = "x:Y"  # type: ignore[index]
    with pytest.raises(TypeError):
        BUILTINS["mine"] = "x:Y"  # type: ignore[index]


def test_entry_point_adds_a_provider(with_echo):
    assert "echo" in available()
    assert type(get_provider("echo", token="t")) is EchoProvider


def test_entry_point_cannot_take_a_built_in_name(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        fake_entry_points(("signhost", f"{__name__}:EchoProvider")))
    assert registry()["signhost"] == BUILTINS["signhost"]


def test_missing_package_is_named(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        fake_entry_points(("gone", "tekenklaar_gone_provider.api:Gone")))
    with pytest.raises(ConfigurationError) as caught:
        provider_class("gone")
    assert "tekenklaar_gone_provider" in str(caught.value)
    assert "tekenklaar_gone_provider" in caught.value.message


@pytest.mark.parametrize("target", ["json:dumps", "json:NoSuchThing"])
def test_target_must_be_a_provider_class(monkeypatch, target):
    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points(("odd", target)))
    with pytest.raises(ConfigurationError, match="odd"):
        provider_class("odd")


def test_pyproject_declares_the_built_ins():
    """The entry points packaged with the project are the built-ins, unchanged."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = project["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert declared == dict(BUILTINS)


def test_importing_signing_registers_and_imports_no_adapter():
    code = (
        "import sys, signing\n"
        "from signing import available\n"
        "available()\n"
        "print(sorted(m for m in sys.modules if m.startswith('signing.providers.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert out.strip() == "[]"
