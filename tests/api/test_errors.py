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
    ("PUT", "/api/v1/packages/1", "GET, HEAD, OPTIONS"),
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
