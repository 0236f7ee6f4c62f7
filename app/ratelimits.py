"""Rate limits (Flask-Limiter) on sign-in, the API and the provider callbacks.

Limits are per client address (`request.remote_addr`; behind a proxy set
TEKENKLAAR_PROXY_COUNT so it is the client's, not the proxy's). Counters live in Redis in
production (shared by every web process) and in memory in the embedded default. A refused
request costs no argon2 hash, no token look-up and no database row: the check runs before
the view. The answer is a Dutch page for people, problem+json for the API and plain text for
providers, all 429 with Retry-After.
"""

from __future__ import annotations

from flask import Flask
from flask import request

from app.extensions import limiter
from app.runtime import runtime

EXEMPT_PATHS = ("/health",)
MESSAGE = "Te veel verzoeken in korte tijd. Wacht even en probeer het dan opnieuw."


def login_limit() -> str:
    return runtime().settings.ratelimit_login


def api_limit() -> str:
    return runtime().settings.ratelimit_api


def webhooks_limit() -> str:
    return runtime().settings.ratelimit_webhooks


def signing_limit() -> str:
    return runtime().settings.ratelimit_signing


def configure(app: Flask, settings) -> None:
    """Bind the limiter to `app` with the storage and switches from settings."""
    app.config.update(
        RATELIMIT_ENABLED=settings.ratelimit_enabled,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        RATELIMIT_STORAGE_OPTIONS={"socket_timeout": 2}
        if settings.ratelimit_storage_url.startswith("redis") else {},
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_STRATEGY="moving-window",
        RATELIMIT_KEY_PREFIX="tekenklaar",
        # Redis away: count in this process rather than refuse everyone or no one.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    limiter.init_app(app)
    app.register_error_handler(429, too_many_requests)


def too_many_requests(exc):
    """429 in the format of whoever asked."""
    from flask import Response

    retry = getattr(exc, "retry_after", None)
    if request.path.startswith("/api/"):
        from app.api.problems import problem_response

        response = problem_response("te-veel-verzoeken", MESSAGE)
    elif request.path.startswith("/webhooks/"):
        response = Response("too many requests", 429, content_type="text/plain; charset=utf-8")
    else:
        from app.web.views import error_page

        body, status = error_page(429)
        response = Response(body, status, content_type="text/html; charset=utf-8")
    if retry:
        response.headers["Retry-After"] = str(retry)
    return response
