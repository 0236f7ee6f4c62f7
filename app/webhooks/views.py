"""Provider callbacks at POST /webhooks/<provider>: verify, record, queue the work, answer.

No sign-in and no CSRF here: each provider authenticates its callbacks its own way, and the
adapter checks that against the raw body. Answers follow the provider's rules (Signhost wants
a 2xx even for a delivery it got wrong).
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import request

from app.services.callbacks import receive_callback
from app.services.providers import available_providers
from app.services.providers import provider as get_provider
from signing import SigningError

bp = Blueprint("webhooks", __name__)

MAX_BODY = 1024 * 1024


@bp.post("/<provider_name>")
def callback(provider_name: str):
    """Receive one delivery from a signing provider."""
    if provider_name not in available_providers():
        return _plain(404, "unknown provider")
    try:
        adapter = get_provider(provider_name)
    except SigningError:
        return _plain(404, "provider not configured")
    if (request.content_length or 0) > MAX_BODY:
        reply = adapter.callback_reply(False)
        return Response(reply.body, reply.status if reply.status < 300 else 413,
                        content_type=reply.content_type)
    body = request.get_data(cache=False)
    ok = receive_callback(provider_name, request.headers, body)
    reply = adapter.callback_reply(ok)
    return Response(reply.body, reply.status, content_type=reply.content_type)


def _plain(status: int, text: str) -> Response:
    return Response(text, status, content_type="text/plain; charset=utf-8")
