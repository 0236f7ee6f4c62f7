"""Provider callbacks: verify, record, queue the work, answer fast."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("webhooks", __name__)
