"""GET /health: the state of the database, the queue, the document store and the converter."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify

from app.services.health import check_all

bp = Blueprint("ops", __name__)


@bp.get("/health")
def health():
    """200 when every part answers, 503 otherwise; each part with its own state."""
    parts = check_all()
    healthy = all(part["ok"] for part in parts.values())
    return jsonify(status="ok" if healthy else "storing", parts=parts), 200 if healthy else 503
