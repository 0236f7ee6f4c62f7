"""The signed-in staff client and the API client of the web and API tests, for the attacks."""

from tests.api.conftest import api  # noqa: F401
from tests.api.conftest import openapi  # noqa: F401
from tests.api.conftest import token  # noqa: F401
from tests.web.conftest import staff  # noqa: F401
