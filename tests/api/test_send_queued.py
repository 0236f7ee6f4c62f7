"""POST /packages/{id}/send with jobs on a queue (`jobs = "rq"`, the Redis on 127.0.0.1:6379):
checked at once, then 202 Accepted with the package as it is; the send follows in a worker."""

from __future__ import annotations

import uuid

import pytest

from app.extensions import db
from app.jobs import run_job
from app.store.models import JobRun
from tests.api.conftest import check_problem
from tests.conftest import base_settings
from tests.jobs.conftest import redis_url  # noqa: F401  (fixture)
from tests.mail.factories import new_package
from tests.mail.factories import ready_package

pytestmark = pytest.mark.redis


@pytest.fixture
def app_settings(tmp_path, database_url, redis_url):  # noqa: F811
    from redis import Redis
    from rq import Queue

    name = f"tekenklaar-test-{uuid.uuid4().hex[:8]}"
    yield base_settings(tmp_path, database_url=database_url, jobs="rq", redis_url=redis_url,
                        job_queue=name)
    connection = Redis.from_url(redis_url)
    Queue(name, connection=connection).empty()
    connection.close()


def test_send_is_accepted_and_queued(app, api):
    with app.app_context():
        package_id = ready_package().id
    response = api.post(f"/api/v1/packages/{package_id}/send", json={"provider": "manual"})
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["state"] == "klaar"  # as it is now: the worker sends it
    with app.app_context():
        job = db.session.scalars(db.select(JobRun).where(JobRun.package_id == package_id)).one()
        assert (job.name, job.state, job.args) == (
            "app.services.sending:send_package", "wachtend", [package_id, "manual",
                                                              "api:crm-systeem"])
        run_job(job.id)  # what a worker does
    body = api.get(f"/api/v1/packages/{package_id}").get_json()
    assert body["state"] == "verzonden" and body["provider"] == "manual"


def test_a_send_that_does_not_fit_is_refused_at_once(app, api):
    from app.services.packages import create_package

    with app.app_context():
        package_id = create_package(new_package(), actor="test").id
    problem = check_problem(api.post(f"/api/v1/packages/{package_id}/send"), 409)
    assert "Concept" in problem["detail"]
    problem = check_problem(api.post(f"/api/v1/packages/{package_id}/send",
                                     json={"provider": "faxdienst"}), 409)
    assert "Concept" in problem["detail"]  # the state is checked first, as inline
    with app.app_context():
        assert db.session.scalars(db.select(JobRun)).all() == []


def test_a_second_send_while_one_waits_is_409(app, api):
    with app.app_context():
        package_id = ready_package().id
    assert api.post(f"/api/v1/packages/{package_id}/send").status_code == 202
    problem = check_problem(api.post(f"/api/v1/packages/{package_id}/send"), 409)
    assert "al in de wachtrij" in problem["detail"]
