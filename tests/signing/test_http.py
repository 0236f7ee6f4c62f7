"""The shared HTTP helper: which failures are repeated, and how long it waits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from signing import OutcomeUnknown, ProviderRejected, ProviderUnavailable
from signing.http import HttpClient, _never_sent

URL = "https://provider.example/api/things"


def request(http: HttpClient, *, idempotent: bool = True, **kwargs):
    return http.request("POST" if not idempotent else "GET", URL, timeout=5.0,
                        idempotent=idempotent, **kwargs)


def test_timeout_is_always_passed(http, rsps):
    rsps.add(responses.GET, URL, json={})
    request(http)
    assert rsps.calls[0].request.req_kwargs["timeout"] == 5.0


def test_retry_after_as_http_date_is_honoured_and_capped(rsps, sleeps):
    http = HttpClient(sleep=sleeps.append, max_retry_after=60)
    later = format_datetime(datetime.now(timezone.utc) + timedelta(hours=1), usegmt=True)
    rsps.add(responses.GET, URL, status=503, headers={"Retry-After": later})
    rsps.add(responses.GET, URL, json={})
    request(http)
    assert sleeps == [60]


def test_backoff_doubles_up_to_its_cap(rsps, sleeps):
    http = HttpClient(sleep=sleeps.append, max_retries=5, backoff=1, max_backoff=5)
    rsps.add(responses.GET, URL, status=502)
    with pytest.raises(ProviderUnavailable):
        request(http)
    assert sleeps == [1, 2, 4, 5, 5]


def test_non_idempotent_call_exhausting_429s_is_safe_to_retry_later(http, rsps):
    rsps.add(responses.POST, URL, status=429)
    with pytest.raises(ProviderUnavailable) as caught:
        request(http, idempotent=False)
    assert not isinstance(caught.value, OutcomeUnknown)
    assert len(rsps.calls) == 4


def test_never_sent_call_exhausting_retries_is_safe_to_retry_later(http, rsps):
    rsps.add(responses.POST, URL, body=requests.exceptions.ConnectTimeout("connect timeout"))
    with pytest.raises(ProviderUnavailable) as caught:
        request(http, idempotent=False)
    assert not isinstance(caught.value, OutcomeUnknown)


def test_transient_404_only_with_retry_after(http, rsps, sleeps):
    rsps.add(responses.GET, URL, status=404)
    with pytest.raises(ProviderRejected):
        request(http, transient_statuses=(404,))
    assert sleeps == []


def test_accepted_status_is_returned(http, rsps):
    rsps.add(responses.GET, URL, status=410, json={"Status": 60})
    assert request(http, accept_statuses=(410,)).status_code == 410


def test_errors_name_the_path_but_not_the_query_or_body(http, rsps):
    rsps.add(responses.GET, URL, status=400, json={"message": "email a@b.example invalid"})
    with pytest.raises(ProviderRejected) as caught:
        http.request("GET", URL + "?email=a@b.example", timeout=5, idempotent=True)
    assert str(caught.value) == "GET /api/things: HTTP 400"
    assert caught.value.provider_message == "email a@b.example invalid"


@pytest.mark.parametrize("exc, never_sent", [
    (requests.exceptions.ConnectTimeout(), True),
    (requests.exceptions.ConnectionError(
        MaxRetryError(None, "/", NewConnectionError(None, "refused"))), True),
    (requests.exceptions.ConnectionError("Connection aborted: RemoteDisconnected"), False),
    (requests.exceptions.ReadTimeout(), False),
])
def test_never_sent_detection(exc, never_sent):
    assert _never_sent(exc) is never_sent
