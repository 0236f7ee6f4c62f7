"""Provider callbacks at POST /webhooks/<provider>: verify, record, queue the work, answer.

No sign-in and no CSRF here: each provider authenticates its callbacks its own way, and the
adapter checks that against the raw body. Answers follow the provider's rules (Signhost wants
a 2xx even for a delivery it got wrong). A body over MAX_BODY is refused without reading it.
"""

from __future__ import annotations

import logging

from flask import Blueprint
from flask import Response
from flask import request

from app.extensions import limiter
from app.ratelimits import webhooks_limit
from app.services.callbacks import receive_callback
from app.services.callbacks import record_oversized
from app.services.providers import provider as get_provider
from signing import SigningError
from signing.base import MAX_CALLBACK_BYTES

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__)
limiter.limit(webhooks_limit)(bp)  # per client, checked before anything is recorded

MAX_BODY = MAX_CALLBACK_BYTES


@bp.post("/<provider_name>")
def callback(provider_name: str):
    """Receive one delivery from a signing provider."""
    try:
        adapter = get_provider(provider_name)
    except SigningError:
        log.warning("callback for a provider that is unknown or not configured")
        return _plain(404, "unknown provider")
    declared = request.content_length
    body = b"" if declared is not None and declared > MAX_BODY else \
        request.stream.read(MAX_BODY + 1)
    if (declared is not None and declared > MAX_BODY) or len(body) > MAX_BODY:
        record_oversized(provider_name, declared if declared is not None else len(body))
        reply = adapter.callback_reply(False)
        return Response(reply.body, reply.status if reply.status < 300 else 413,
                        content_type=reply.content_type)
    ok = receive_callback(provider_name, request.headers, body)
    reply = adapter.callback_reply(ok)
    return Response(reply.body, reply.status, content_type=reply.content_type)


def _plain(status: int, text: str) -> Response:
    return Response(text, status, content_type="text/plain; charset=utf-8")
