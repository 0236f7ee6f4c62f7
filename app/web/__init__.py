"""Staff pages (Dutch), behind sign-in."""

from app.web.views import bp

__all__ = ["bp"]
