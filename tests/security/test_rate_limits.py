"""Finding 4 beyond sign-in: the API and the webhooks had no limit (every junk callback added
a database row), and the limits must be shared by every web process (Redis) in production."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.store.models import WebhookDelivery
from tests.api.conftest import check_problem
from tests.conftest import base_settings
from tests.jobs.conftest import redis_url  # noqa: F401  (skips, or fails in CI, without Redis)


@pytest.fixture
def app_settings(tmp_path, database_url):
    return base_settings(tmp_path, database_url=database_url,
                         ratelimit_api="5 per minute", ratelimit_webhooks="5 per minute")


def _client(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"203.0.113.{random.randint(1, 254)}"
    return client


def test_junk_callbacks_past_the_limit_get_429_and_add_no_row(app):
    client = _client(app)
    statuses = [client.post("/webhooks/manual", data=b'{"junk": true}',
                            content_type="application/json").status_code for _ in range(12)]
    assert statuses[5:] == [429] * 7
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(WebhookDelivery))
    assert rows == 5
    assert _client(app).post("/webhooks/manual", data=b"{}").status_code != 429


def test_the_api_answers_429_as_problem_json_in_dutch(app, token):
    client = _client(app)
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(5):
        assert client.get("/api/v1/packages", headers=headers).status_code == 200
    response = client.get("/api/v1/packages", headers=headers)
    body = check_problem(response, 429)
    assert body["title"] == "Te veel verzoeken"
    assert "Wacht even" in body["detail"]
    assert int(response.headers["Retry-After"]) > 0
    # Unknown tokens are limited too, before any look-up.
    stranger = _client(app)
    for _ in range(5):
        stranger.get("/api/v1/packages", headers={"Authorization": "Bearer tk_geraden"})
    assert stranger.get("/api/v1/packages").status_code == 429


def test_production_counts_in_redis(tmp_path, redis_url):  # noqa: F811
    """With Redis storage the counts live in Redis, shared by every web process."""
    from redis import Redis

    from app import create_app

    app = create_app(base_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'r.db'}",
                                   ratelimit_storage_url=redis_url,
                                   ratelimit_webhooks="3 per minute"))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    client = _client(app)
    address = client.environ_base["REMOTE_ADDR"]
    redis = Redis.from_url(redis_url)
    try:
        statuses = [client.post("/webhooks/geen", data=b"{}").status_code for _ in range(4)]
        assert statuses == [404, 404, 404, 429]
        keys = [k.decode() for k in redis.scan_iter(match=f"*tekenklaar*{address}*")]
        assert keys
    finally:
        for key in redis.scan_iter(match=f"*tekenklaar*{address}*"):
            redis.delete(key)
