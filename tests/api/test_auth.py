"""Bearer tokens: every endpoint needs one, except the API description and mailed links."""

import pytest

from app.extensions import db
from app.store.models import ApiToken
from app.store.models import utcnow
from tests.api.conftest import check_problem

PROTECTED = [
    ("GET", "/api/v1/packages"),
    ("POST", "/api/v1/packages"),
    ("GET", "/api/v1/packages/1"),
    ("GET", "/api/v1/packages/1/documents/1/pdf"),
    ("POST", "/api/v1/packages/1/send"),
    ("POST", "/api/v1/packages/1/cancel"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_without_a_token_every_endpoint_answers_401(api, method, path):
    response = api.call(method, path, token=None, check_request=False,
                        json={} if method == "POST" else None)
    body = check_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="tekenklaar"'
    assert "Authorization: Bearer" in body["detail"]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_wrong_token_answers_401_invalid_token(api, method, path):
    response = api.call(method, path, token="tk_bestaatniet", json={} if method == "POST"
                        else None, check_request=False)
    check_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == \
        'Bearer realm="tekenklaar", error="invalid_token"'


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer geen-tk-token",
                                    "tk_zonderschema"])
def test_malformed_authorization_headers_are_refused(api, header):
    response = api.get("/api/v1/packages", token=None, headers={"Authorization": header},
                       check_request=False)
    check_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_no_longer_works(app, api, token):
    assert api.get("/api/v1/packages").status_code == 200
    with app.app_context():
        for row in db.session.scalars(db.select(ApiToken)):
            row.revoked_at = utcnow()
        db.session.commit()
    response = api.get("/api/v1/packages")
    check_problem(response, 401)
    assert "ingetrokken" in response.get_json(force=True)["detail"]


def test_a_good_token_is_accepted_and_its_use_recorded(app, api):
    assert api.get("/api/v1/packages").status_code == 200
    with app.app_context():
        (row,) = db.session.scalars(db.select(ApiToken)).all()
        assert row.last_used_at is not None


def test_the_api_description_is_public(api):
    response = api.get("/api/v1/openapi.json", token=None)
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.1")
