"""The JSON API for other NVSI systems, under /api/v1."""

from app.api import corrections  # noqa: F401 - its routes join the blueprint
from app.api import improvements  # noqa: F401 - its routes join the blueprint
from app.api import organisations  # noqa: F401 - its routes join the blueprint
from app.api import out_for_signing  # noqa: F401 - its routes join the blueprint
from app.api.views import bp

__all__ = ["bp"]
