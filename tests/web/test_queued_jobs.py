"""Production mode (`jobs = "rq"`, the Redis on 127.0.0.1:6379): the package page's actions
go on the queue, the page shows them waiting, and a worker's run shows the result there.

No worker runs here: `run_job` does in the test what a worker does. Without Redis these
skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.jobs import run_job
from app.store.models import JobRun
from tests.conftest import base_settings
from tests.jobs.conftest import redis_url  # noqa: F401  (fixture)
from tests.web.support import GEMEENTE_LID
from tests.web.support import make_package
from tests.web.support import post
from tests.web.support import text
from tests.web.support import use_fake_converter

pytestmark = pytest.mark.redis


@pytest.fixture
def app_settings(tmp_path, database_url, redis_url):  # noqa: F811
    """The app with jobs on a Redis queue of its own that no worker reads (emptied after)."""
    from redis import Redis
    from rq import Queue

    name = f"tekenklaar-test-{uuid.uuid4().hex[:8]}"
    yield base_settings(tmp_path, database_url=database_url, jobs="rq", redis_url=redis_url,
                        job_queue=name)
    connection = Redis.from_url(redis_url)
    Queue(name, connection=connection).empty()
    connection.close()


def jobs_section(page: str) -> str:
    return page.split('id="taken"')[1].split("</section>")[0]


def latest_job(app, package_id) -> JobRun:
    with app.app_context():
        return db.session.scalars(sa.select(JobRun).where(JobRun.package_id == package_id)
                                  .order_by(JobRun.id.desc())).first()


def work(app, run_id: int) -> None:
    """Run the queued job in this process, as a worker would."""
    with app.app_context():
        run_job(run_id)
        db.session.remove()


def state_of(app, package_id) -> str:
    from app.store.models import Package

    with app.app_context():
        return db.session.get(Package, package_id).state


def test_making_documents_and_sending_wait_on_the_queue(staff, app, monkeypatch):
    use_fake_converter(monkeypatch)
    later = (dt.date.today() + dt.timedelta(days=60)).strftime("%d-%m-%Y")
    # solutions start after the collegebesluit (which is recorded today below)
    package_id = make_package(app, {**GEMEENTE_LID, "solutions-0-start": later,
                                    "solutions-1-start": later})
    response = post(staff, f"/pakketten/{package_id}/documenten")
    assert response.status_code == 302
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Het maken van de documenten is in de wachtrij gezet." in page
    job = latest_job(app, package_id)
    assert (job.label, job.state) == ("Documenten maken", "wachtend")
    assert 'Documenten maken</td>' in jobs_section(page)
    assert '<span class="tag tag-job-wachtend">Wachtend</span>' in jobs_section(page)
    assert "Op de achtergrond: Documenten maken (wachtend)." in page
    assert state_of(app, package_id) == "concept"  # nothing made until a worker runs it

    # pressed again while it waits: refused, not queued twice
    response = post(staff, f"/pakketten/{package_id}/documenten")
    assert response.status_code == 409
    assert "staan al in de wachtrij" in text(response)

    work(app, job.id)
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert '<span class="tag tag-job-klaar">Klaar</span>' in jobs_section(page)
    assert "Op de achtergrond" not in page
    assert state_of(app, package_id) == "klaar"

    # Utrecht joins as lid: the raad first (not a job), then the College decision, then send
    today = dt.date.today().strftime("%d-%m-%Y")
    post(staff, f"/pakketten/{package_id}/raadsprocedure")
    assert post(staff, f"/pakketten/{package_id}/naar-raad",
                {"sent_on": today}).status_code == 302
    assert post(staff, f"/pakketten/{package_id}/reactie-raad",
                {"reaction": "geen_wensen_en_bedenkingen",
                 "reaction_on": today}).status_code == 302
    response = post(staff, f"/pakketten/{package_id}/collegebesluit",
                    {"decided_on": dt.date.today().strftime("%d-%m-%Y"),
                     "decision_reference": "B&W 2026/1"})
    assert response.status_code == 302
    response = post(staff, f"/pakketten/{package_id}/verzenden", {"provider": "manual"})
    assert response.status_code == 302
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Het verzenden is in de wachtrij gezet." in page
    job = latest_job(app, package_id)
    assert (job.label, job.state) == ("Verzenden voor ondertekening", "wachtend")
    assert state_of(app, package_id) == "besluit_genomen"
    work(app, job.id)
    assert state_of(app, package_id) == "verzonden"
    page = text(staff.get(f"/pakketten/{package_id}"))
    assert "Verzonden voor ondertekening via" in page


def test_a_failure_in_the_job_shows_on_the_package_page(staff, app, monkeypatch):
    """A conversion that fails in the worker: the package is mislukt with the reason, shown
    at the top of the page; a job that is refused shows why in Achtergrondtaken."""
    use_fake_converter(monkeypatch, fail=True)
    package_id = make_package(app)
    post(staff, f"/pakketten/{package_id}/documenten")
    work(app, latest_job(app, package_id).id)
    page = text(staff.get(f"/pakketten/{package_id}"))
    failure = page.split('<div class="alert alert-error"><strong>Mislukt:</strong>')[1]
    assert failure.split("</div>")[0].strip().startswith("Omzetten naar PDF is mislukt:")
    assert "LibreOffice reageert niet." in failure.split("</div>")[0]

    # the package is sent (by another way) before the queued job runs: the job fails
    use_fake_converter(monkeypatch)
    post(staff, f"/pakketten/{package_id}/documenten")
    job = latest_job(app, package_id)
    with app.app_context():
        from app.store.models import Package

        db.session.get(Package, package_id).envelope_id = "elders"
        db.session.commit()
    work(app, job.id)  # a refusal is final: recorded, not raised (the queue would retry it)
    jobs = jobs_section(text(staff.get(f"/pakketten/{package_id}")))
    assert '<span class="tag tag-job-mislukt">Mislukt</span>' in jobs
    assert "De documenten van een verzonden pakket kunnen niet opnieuw worden gemaakt." in jobs


def test_a_queued_action_that_does_not_fit_is_refused_at_once(staff, app):
    package_id = make_package(app)
    response = post(staff, f"/pakketten/{package_id}/verzenden", {"provider": "manual"})
    assert response.status_code == 409
    assert "kan niet worden verzonden" in text(response)
    assert latest_job(app, package_id) is None
