"""Operations endpoints for load balancers and monitoring (no sign-in, no personal data)."""

from app.ops.views import bp

__all__ = ["bp"]
