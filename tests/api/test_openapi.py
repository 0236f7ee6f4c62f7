"""The OpenAPI document: valid, complete, and strict enough to catch a drifting response."""

import copy
import re

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
from werkzeug.test import EnvironBuilder

from app.api.openapi import spec


def test_the_served_document_is_the_spec_and_valid(api):
    served = api.get("/api/v1/openapi.json", token=None).get_json()
    assert served == spec()
    OpenAPI.from_dict(served).check_spec()  # raises on an invalid document


def test_every_route_of_the_blueprint_is_documented(app):
    documented = {(path, method.upper()) for path, item in spec()["paths"].items()
                  for method in item if method != "parameters"}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.not_found":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_every_operation_documents_its_errors_and_security():
    document = spec()
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert "500" in operation["responses"], (path, method)
            public = operation.get("security") == []
            assert public == (path in ("/openapi.json", "/links/{token}")), path
            if not public:
                headers = operation["responses"]["401"]["headers"]
                assert "WWW-Authenticate" in headers


def test_a_response_that_drifts_from_the_spec_fails_validation(app, api):
    """The check the other tests rely on: an undocumented field is caught."""
    from app.services.packages import create_package
    from tests.mail.factories import new_package

    with app.app_context():
        package_id = create_package(new_package(), actor="test").id
    response = api.get(f"/api/v1/packages/{package_id}")
    strict = copy.deepcopy(spec())
    del strict["components"]["schemas"]["Package"]["properties"]["timeline"]
    strict["components"]["schemas"]["Package"]["required"].remove("timeline")
    request = EnvironBuilder(path=f"/api/v1/packages/{package_id}").get_request()
    with pytest.raises(Exception, match="timeline"):
        OpenAPI.from_dict(strict).validate_response(WerkzeugOpenAPIRequest(request),
                                                    WerkzeugOpenAPIResponse(response))
