"""Staff pages (Dutch), behind sign-in.

`views` holds the blueprint `bp`; the modules below add their pages to it.
"""

from app.web import admin  # noqa: F401  (pages on bp)
from app.web import alv  # noqa: F401  (pages on bp)
from app.web import admin_webhooks  # noqa: F401  (pages on bp)
from app.web import bulk  # noqa: F401  (pages on bp)
from app.web import organisations  # noqa: F401  (pages on bp)
from app.web import outbox  # noqa: F401  (pages on bp)
from app.web import packages  # noqa: F401  (pages on bp)
from app.web import solutions  # noqa: F401  (pages on bp)
from app.web import templates_page  # noqa: F401  (pages on bp)
from app.web.views import bp

__all__ = ["bp"]
