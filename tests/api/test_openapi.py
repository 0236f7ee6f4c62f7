"""The OpenAPI document, generated from the pydantic models: valid, complete, and strict
enough to catch a drifting response; and the reference page made from it."""

import copy
import re

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from werkzeug.test import EnvironBuilder

from tests.api.conftest import document


def test_the_served_document_is_the_generated_one_and_valid(api):
    served = api.get("/api/v1/openapi.json", token=None).get_json()
    assert served == document()
    assert served["openapi"] == "3.1.0"
    validate(served)  # openapi-spec-validator: raises on an invalid document


def test_the_validator_would_catch_a_broken_document(api):
    broken = copy.deepcopy(document())
    del broken["paths"]["/packages"]["get"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_the_schemas_come_from_the_pydantic_models(api):
    from app.api import schemas

    components = document()["components"]["schemas"]
    for model in (schemas.Package, schemas.NewPackage, schemas.OrganisationRecord,
                  schemas.ScanUpload, schemas.Problem):
        generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
        generated.pop("$defs", None)
        assert set(components[model.__name__]["properties"]) == set(generated["properties"])
    assert components["Package"]["additionalProperties"] is False


def test_every_route_of_the_blueprint_is_documented(app, api):
    documented = {(path, method.upper()) for path, item in document()["paths"].items()
                  for method in item if method != "parameters"}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.not_found":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_every_operation_documents_its_errors_and_security(api):
    spec = document()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert "500" in operation["responses"], (path, method)
            public = operation.get("security") == []
            assert public == (path in ("/openapi.json", "/docs", "/links/{token}")), path
            if not public:
                headers = operation["responses"]["401"]["headers"]
                assert "WWW-Authenticate" in headers
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert "application/problem+json" in response["content"], (path, status)


def test_a_response_that_drifts_from_the_spec_fails_validation(app, api):
    """The check the other tests rely on: an undocumented field is caught."""
    from app.services.packages import create_package
    from tests.mail.factories import new_package

    with app.app_context():
        package_id = create_package(new_package(), actor="test").id
    response = api.get(f"/api/v1/packages/{package_id}")
    strict = copy.deepcopy(document())
    del strict["components"]["schemas"]["Package"]["properties"]["timeline"]
    strict["components"]["schemas"]["Package"]["required"].remove("timeline")
    request = EnvironBuilder(path=f"/api/v1/packages/{package_id}").get_request()
    with pytest.raises(Exception, match="timeline"):
        OpenAPI.from_dict(strict).validate_response(WerkzeugOpenAPIRequest(request),
                                                    WerkzeugOpenAPIResponse(response))


def test_the_reference_page_is_dutch_and_lists_every_call(api, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page and "API-referentie" in page
    assert "<script" not in page
    assert "script-src 'none'" in response.headers["Content-Security-Policy"]
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            assert f"{method.upper()} {path}" in page
            assert operation["summary"].replace("&", "&amp;") in page
    assert 'id="schema-Package"' in page
