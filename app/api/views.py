"""JSON API views (bearer tokens; errors as application/problem+json)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)
