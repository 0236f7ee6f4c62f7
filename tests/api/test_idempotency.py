"""A repeated POST with the same Idempotency-Key makes no second package."""

import sqlalchemy as sa

from app.extensions import db
from app.store.models import Package
from tests.api.conftest import check_problem
from tests.api.test_packages import GEMEENTE


def count_packages(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Package.id)))


def test_the_same_request_twice_gives_the_first_package(app, api):
    headers = {"Idempotency-Key": "crm-aanvraag-4711"}
    first = api.post("/api/v1/packages", json=GEMEENTE, headers=headers)
    assert first.status_code == 201
    again = api.post("/api/v1/packages", json=GEMEENTE, headers=headers)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.headers["Location"] == first.headers["Location"]
    assert count_packages(app) == 1


def test_a_used_key_with_another_request_is_409(app, api):
    headers = {"Idempotency-Key": "crm-aanvraag-4712"}
    assert api.post("/api/v1/packages", json=GEMEENTE, headers=headers).status_code == 201
    other = dict(GEMEENTE, contact_name="Iemand Anders")
    problem = check_problem(api.post("/api/v1/packages", json=other, headers=headers), 409)
    assert "Idempotency-Key" in problem["detail"]
    assert count_packages(app) == 1


def test_without_a_key_each_post_makes_a_package(app, api):
    assert api.post("/api/v1/packages", json=GEMEENTE).status_code == 201
    assert api.post("/api/v1/packages", json=GEMEENTE).status_code == 201
    assert count_packages(app) == 2
