"""The JSON API for other NVSI systems, under /api/v1."""

from app.api.views import bp

__all__ = ["bp"]
