"""Every error of the API is application/problem+json in Dutch, never a stack trace."""

import pytest

from tests.api.conftest import check_problem


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/pakketten", "/api/v1/packages/",
                                  "/api/v1/packages/abc", "/api/v1/packages/1/documenten"])
def test_unknown_addresses_are_404_problems(api, path):
    body = check_problem(api.get(path, in_spec=False), 404)
    assert body["title"] == "Niet gevonden"
    assert "openapi.json" in body["detail"]


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/api/v1/packages", "GET, HEAD, OPTIONS, POST"),
    ("PUT", "/api/v1/packages/1", "GET, HEAD, OPTIONS, PATCH"),
    ("GET", "/api/v1/packages/1/send", "OPTIONS, POST"),
    ("POST", "/api/v1/openapi.json", "GET, HEAD, OPTIONS"),
])
def test_a_wrong_method_is_405_with_allow(api, method, path, allowed):
    response = api.call(method, path, in_spec=False)
    check_problem(response, 405)
    assert response.headers["Allow"] == allowed


def test_an_unexpected_error_is_a_500_problem_without_details(api, monkeypatch, app, caplog):
    def broken(package):
        value = "".join(["ge", "heim"])  # like a value from the database, not source text
        raise RuntimeError(f"{value} intern detail")

    monkeypatch.setattr("app.api.views.package_summary", broken)
    from app.services.packages import create_package
    from tests.mail.factories import new_package

    with app.app_context():
        create_package(new_package(), actor="test")
    response = api.get("/api/v1/packages")
    body = check_problem(response, 500)
    assert body["title"] == "Serverfout"
    assert "geheim" not in response.get_data(as_text=True)
    (record,) = [r for r in caplog.records if "unexpected error" in r.getMessage()]
    assert "RuntimeError" in record.getMessage() and "broken" in record.getMessage()
    assert "geheim" not in record.getMessage() and record.exc_info is None


DEEP = b'{"reason": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/packages", DEEP),
    ("/api/v1/packages/1/cancel", DEEP),
    ("/api/v1/packages/1/cancel", b'{"reason": "weg \\ud800 ermee"}'),
    ("/api/v1/packages/1/cancel", b'{"\\udfff": "x", "reason": "weg"}'),
    ("/api/v1/packages", b'{"org_name\\ud83d": "Stichting"}'),
], ids=["deep-create", "deep-cancel", "surrogate-reason", "surrogate-key", "half-pair-key"])
def test_deep_json_and_lone_surrogates_are_400_problems(api, path, body):
    response = api.post(path, data=body, content_type="application/json", check_request=False)
    problem = check_problem(response, 400)
    assert problem["title"] == "Ongeldige JSON"


@pytest.mark.parametrize("path", [
    "/api/v1/packages/99999999999999999999",
    "/api/v1/packages/2147483648",
    "/api/v1/packages/99999999999999999999/documents/1/pdf",
    "/api/v1/packages/1/documents/99999999999999999999/pdf",
])
def test_ids_out_of_range_are_404_problems(api, path):
    body = check_problem(api.get(path, in_spec=False), 404)
    assert body["title"] == "Niet gevonden"


@pytest.mark.parametrize("path", ["/api/v1/packages/99999999999999999999/send",
                                  "/api/v1/packages/99999999999999999999/cancel"])
def test_actions_on_ids_out_of_range_are_404_problems(api, path):
    response = api.post(path, json={"reason": "weg"}, in_spec=False)
    check_problem(response, 404)


@pytest.mark.parametrize("value", [99999999999999999999, "99999999999999999999"])
def test_an_organisation_id_out_of_range_is_a_422_problem(api, value):
    response = api.post("/api/v1/packages", json={"organisation_id": value},
                        check_request=False)
    body = response.get_json()
    assert response.status_code in (400, 422)
    assert body["errors"]["organisation_id"] == "Deze organisatie bestaat niet."


def test_a_huge_page_number_is_a_400_problem(api):
    response = api.get("/api/v1/packages", query_string={"page": "9" * 30},
                       check_request=False)
    check_problem(response, 400)
