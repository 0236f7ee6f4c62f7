"""The signers' pages of built-in signing (Dutch, no sign-in: the mailed link and the e-mailed
code are the access)."""

from app.signers.views import bp

__all__ = ["bp"]
