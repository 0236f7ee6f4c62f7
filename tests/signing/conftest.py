"""Fixtures shared by the signing tests: mocked HTTP and a client that never sleeps."""

from __future__ import annotations

import pytest
import responses

from signing.http import HttpClient


@pytest.fixture
def rsps():
    """Mocked HTTP; any request without a registered response fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the HTTP client asked for, in order (nothing really sleeps)."""
    return []


@pytest.fixture
def http(sleeps: list[float]) -> HttpClient:
    """The shared HTTP client with three retries and a recording, non-sleeping backoff."""
    return HttpClient(max_retries=3, sleep=sleeps.append)
