"""Signing providers' callbacks at /webhooks/<provider>."""

from app.webhooks.views import bp

__all__ = ["bp"]
