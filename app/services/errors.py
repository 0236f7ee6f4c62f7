"""Errors a service function raises for staff and API clients; messages are Dutch."""

from __future__ import annotations


class ServiceError(ValueError):
    """An action that cannot be done now; `message` says why and what to do."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError, LookupError):
    """No such organisation, package or document."""
