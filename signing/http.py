"""The one place where ``signing`` talks HTTP: timeouts, retries and error mapping.

Retry rules (one policy for every adapter):

* Calls marked ``idempotent`` (GET, PUT of the same content, ...) are retried with exponential
  backoff on network errors, timeouts, 429 and 5xx, honouring ``Retry-After``.
* Calls that are *not* idempotent (creating an envelope, uploading into a list) are retried
  only when the provider provably did nothing: the connection was never established
  (connection refused, DNS failure, connect timeout) or the provider answered 429, which
  rejects a request before processing it (RFC 6585). A read timeout, a dropped connection or
  a 5xx may come *after* the provider acted, so those raise ``OutcomeUnknown`` instead of
  repeating the call and risking a second envelope.
* Any other 4xx is our mistake: never retried, raised as ``ProviderRejected``.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Collection
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from .errors import OutcomeUnknown, ProviderRejected, ProviderUnavailable

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class HttpClient:
    """A ``requests.Session`` with our retry policy.

    ``sleep`` is injectable so tests run without real waits. ``max_retries`` is the number of
    repeats after the first attempt; the wait before repeat *n* (0-based) is
    ``backoff * 2**n`` seconds, at most ``max_backoff``, or the provider's ``Retry-After``
    (at most ``max_retry_after``).
    """

    def __init__(
        self,
        *,
        session: requests.Session | None = None,
        max_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._session = session
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep

    @property
    def session(self) -> requests.Session:
        """The underlying session, created on first use."""
        if self._session is None:
            self._session = requests.Session()
        return self._session

    def request(
        self,
        method: str,
        url: str,
        *,
        timeout: float,
        idempotent: bool,
        accept_statuses: Collection[int] = (),
        transient_statuses: Collection[int] = (),
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request with retries and return the response.

        A 2xx, or a status in ``accept_statuses``, is returned. A status in
        ``transient_statuses`` is retried like a 5xx, but only when the provider sent
        ``Retry-After`` with it. Raises ``ProviderUnavailable`` when retries are exhausted,
        ``OutcomeUnknown`` when a non-idempotent call failed ambiguously and
        ``ProviderRejected`` for any other 4xx (or 3xx).
        """
        where = f"{method} {urlsplit(url).path}"
        attempt = 0
        while True:
            retry_after: float | None = None
            try:
                response = self.session.request(method, url, timeout=timeout, **kwargs)
            except requests.RequestException as exc:
                safe = _never_sent(exc)
                if not idempotent and not safe:
                    log.warning("signing http %s failed after sending (%s); not repeated",
                                where, type(exc).__name__)
                    raise OutcomeUnknown(f"{where}: {type(exc).__name__} after sending") from exc
                if attempt >= self.max_retries:
                    raise ProviderUnavailable(
                        f"{where}: {type(exc).__name__} after {attempt + 1} attempts"
                    ) from exc
                log.info("signing http %s: %s, retry %d", where, type(exc).__name__, attempt + 1)
            else:
                status = response.status_code
                if 200 <= status < 300 or status in accept_statuses:
                    return response
                retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
                retryable = status in RETRY_STATUSES or (
                    status in transient_statuses and retry_after is not None
                )
                if not retryable:
                    raise ProviderRejected(
                        f"{where}: HTTP {status}",
                        status=status,
                        provider_message=_provider_message(response),
                    )
                if not idempotent and status != 429:
                    log.warning("signing http %s: HTTP %d on a non-idempotent call; not repeated",
                                where, status)
                    raise OutcomeUnknown(f"{where}: HTTP {status}", status=status)
                if attempt >= self.max_retries:
                    raise ProviderUnavailable(
                        f"{where}: HTTP {status} after {attempt + 1} attempts",
                        status=status,
                        retry_after=retry_after,
                    )
                log.info("signing http %s: HTTP %d, retry %d", where, status, attempt + 1)
            self.sleep(self._delay(attempt, retry_after))
            attempt += 1

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        return min(self.backoff * 2**attempt, self.max_backoff)


def _never_sent(exc: requests.RequestException) -> bool:
    """Return True when the request provably never reached the server: a connect timeout,
    or the ``NewConnectionError`` (refused, DNS failure) requests wraps in ``MaxRetryError``.
    A reset or closed connection is ambiguous."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError) or not exc.args:
        return False
    reason = getattr(exc.args[0], "reason", exc.args[0])
    return isinstance(reason, NewConnectionError)


def _retry_after_seconds(value: str | None) -> float | None:
    """Parse ``Retry-After`` (delta-seconds or an HTTP date) into seconds, or ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _provider_message(response: requests.Response) -> str | None:
    """Return the provider's error text (Signhost ``Message``/RFC 7807, OneSpan ``message``)."""
    try:
        data = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] or None
    if isinstance(data, dict):
        for key in ("Message", "message", "detail", "title"):
            if isinstance(data.get(key), str):
                return data[key][:300]
    return None
