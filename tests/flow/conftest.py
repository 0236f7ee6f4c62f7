"""Fixtures for the flow tests: an app with all three providers configured, mocked HTTP with
stateful provider fakes, and provider clients that never really sleep between retries."""

from __future__ import annotations

import pytest
import responses

from app.services.providers import provider
from tests.conftest import base_settings

from .fakes import FakeSignhost
from .fakes import FakeValidSign

SIGNHOST_SECRET = "signhost-shared-secret-for-tests"
VALIDSIGN_CALLBACK_KEY = "validsign-callback-key-for-tests"


@pytest.fixture
def app_settings(tmp_path, database_url) -> dict:
    return base_settings(
        tmp_path, database_url=database_url,
        signhost_app_key="app-key-for-tests", signhost_api_key="api-key-for-tests",
        signhost_shared_secret=SIGNHOST_SECRET,
        validsign_api_key="dGVzdC1hcGkta2V5", validsign_callback_key=VALIDSIGN_CALLBACK_KEY,
        provider_timeout=5, poll_min_seconds=0, job_retry_seconds=0.05,
    )


@pytest.fixture
def ctx(app):
    """An app context for the whole test (requests made with `client` share it)."""
    with app.app_context():
        yield app


@pytest.fixture
def rsps():
    """Mocked HTTP; a request nobody registered fails with a ConnectionError."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def sleeps(ctx) -> list[float]:
    """The waits the provider clients asked for between retries (nobody really sleeps)."""
    waits: list[float] = []
    for name in ("signhost", "validsign"):
        provider(name).http.sleep = waits.append
    return waits


@pytest.fixture
def signhost(rsps, sleeps) -> FakeSignhost:
    return FakeSignhost(rsps, SIGNHOST_SECRET)


@pytest.fixture
def validsign(rsps, sleeps) -> FakeValidSign:
    return FakeValidSign(rsps, VALIDSIGN_CALLBACK_KEY)
