"""The API test client: every call is checked against the OpenAPI document.

`api.call(...)` sends the request through Flask's test client and then validates the
request/response pair with openapi-core against the spec the app itself serves: the
response always (status, headers, body schema), the request too unless the test sends a
deliberately wrong one (`check_request=False`). Problems for paths the spec does not have
(unknown paths, wrong methods) are checked against the spec's Problem schema.
"""

from __future__ import annotations

import io
import json

import pytest

from openapi_core import Config
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
from openapi_schema_validator import OAS31Validator
from werkzeug.test import EnvironBuilder

from app.api.spec import spec

PROBLEM = "application/problem+json"


_checked: dict[str, OpenAPI] = {}


@pytest.fixture
def openapi(app) -> OpenAPI:
    """The generated spec, checked for validity once (OpenAPI.from_dict validates it).

    openapi-core reads `application/json` itself; problem+json is JSON too.
    """
    if "spec" not in _checked:
        config = Config(extra_media_type_deserializers={PROBLEM: json.loads})
        with app.app_context():
            _checked["spec"] = OpenAPI.from_dict(spec(), config=config)
            _checked["document"] = spec()
    return _checked["spec"]


def document() -> dict:
    """The generated document (after the `openapi` fixture has made it)."""
    return _checked["document"]


def check_problem(response, status: int) -> dict:
    """Assert `response` is a problem+json with this status that fits the Problem schema."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    spec_ = document()
    validator = OAS31Validator({**spec_["components"]["schemas"]["Problem"],
                                "components": spec_["components"]})
    validator.validate(body)
    assert body["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return body


class ApiClient:
    def __init__(self, client, openapi: OpenAPI, token: str):
        self.client = client
        self.openapi = openapi
        self.token = token
        self.checked: list[tuple[str, str, int]] = []

    def call(self, method: str, path: str, *, json=None, data=None, headers=None,
             token: str | None | bool = True, query_string=None, check_request: bool = True,
             content_type: str | None = None, in_spec: bool = True):
        """Send one request; validate it (optionally) and its response against the spec.

        `in_spec=False` for a path or method the spec does not have (404/405 tests): then
        only `check_problem` applies.
        """
        headers = dict(headers or {})
        if token is True:
            token = self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        kwargs = dict(method=method, headers=headers, json=json, data=data,
                      query_string=query_string, content_type=content_type)
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        twin = {**kwargs, "data": _copy_files(data)} if isinstance(data, dict) else kwargs
        response = self.client.open(path, **kwargs)
        if not in_spec:
            return response
        # A twin of the request for openapi-core: the app has consumed the original body.
        request = EnvironBuilder(path=path, **twin).get_request()
        openapi_request = WerkzeugOpenAPIRequest(request)
        if check_request:
            self.openapi.validate_request(openapi_request)
        self.openapi.validate_response(openapi_request, WerkzeugOpenAPIResponse(response))
        self.checked.append((method, path, response.status_code))
        return response

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)


def _copy_files(form: dict) -> dict:
    """A form with fresh copies of its files (the test client closes the ones it sends)."""
    def copy(value):
        if isinstance(value, list):
            return [copy(v) for v in value]
        if isinstance(value, tuple) and isinstance(value[0], io.BytesIO):
            return (io.BytesIO(value[0].getvalue()), *value[1:])
        return value

    return {name: copy(value) for name, value in form.items()}


@pytest.fixture
def token(app) -> str:
    from app.services.accounts import create_token

    with app.app_context():
        return create_token("crm-systeem")


@pytest.fixture
def api(client, openapi, token) -> ApiClient:
    return ApiClient(client, openapi, token)
