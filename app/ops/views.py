"""GET /health: ok or not for anyone (a load balancer); the state of each part (database,
queue, document store, converter) only for signed-in staff or an API token, since the
details name the software and can hold internal addresses."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import request
from flask_login import current_user

from app.services.health import check_all

bp = Blueprint("ops", __name__)


@bp.get("/health")
def health():
    """200 when every part answers, 503 otherwise."""
    parts = check_all()
    healthy = all(part["ok"] for part in parts.values())
    status = 200 if healthy else 503
    body = {"status": "ok" if healthy else "storing"}
    if _may_see_details():
        body["parts"] = parts
    return jsonify(body), status


def _may_see_details() -> bool:
    if current_user.is_authenticated:
        return True
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return False
    from app.services.accounts import check_token

    return check_token(secret.strip()) is not None
