"""/health answers 503 when a part is down."""

import pytest

from tests.conftest import base_settings


@pytest.fixture
def app_settings(tmp_path, database_url):
    # jobs on a Redis that does not listen: the queue must be reported down
    return base_settings(tmp_path, database_url=database_url, jobs="rq",
                         redis_url="redis://127.0.0.1:1/0")


def test_health_is_503_when_the_queue_is_down(app, client):
    from app.services.accounts import create_token

    assert client.get("/health").get_json() == {"status": "storing"}
    with app.app_context():
        token = create_token("Monitoring")
    response = client.get("/health", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "storing"
    assert body["parts"]["queue"]["ok"] is False
    assert body["parts"]["database"]["ok"] is True
