"""Production mode: a worker killed in the middle of a package's jobs loses nothing.

A real `flask worker` process runs the jobs from Redis against PostgreSQL; the test kills it
(SIGKILL, with the LibreOffice it started) while it is making a package's documents, starts
another worker, and finds every package complete: every document made, and sent once.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.domain.organisations import Involvement
from app.domain.rules import SolutionRequest
from app.extensions import db
from app.services.bulk import BulkOffer
from app.services.bulk import start_bulk
from app.store.models import BulkItem
from app.store.models import JobRun
from app.store.models import Package
from app.store.models import TimelineEvent
from tests.app.test_packages import new_package
from tests.conftest import base_settings
from tests.jobs.conftest import Workers
from tests.jobs.conftest import empty_app
from tests.jobs.conftest import settings_env
from tests.jobs.conftest import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.libreoffice]


@pytest.fixture
def production(tmp_path, postgres_url, redis_url, queue_name):
    settings = base_settings(
        tmp_path, database_url=postgres_url, jobs="rq", redis_url=redis_url,
        job_queue=queue_name, worker_heartbeat_seconds=1, worker_maintenance_seconds=2,
        job_lease_seconds=3, job_sweep_seconds=1,
    )
    app = empty_app(settings)
    workers = Workers(settings_env(settings), tmp_path)
    yield app, workers
    workers.stop_all()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_killed_worker_loses_nothing(production):
    app, workers = production
    with app.app_context():
        # two organisations with a first package on file, so bulk knows their people
        from app.services.packages import create_package
        from app.domain.organisations import OrgKind

        ids = []
        for name in ("Stichting Noord & Zuid", "Stichting Oost <West>"):
            first = create_package(new_package(kind=OrgKind.MAATSCHAPPELIJKE_ORGANISATIE,
                                               name=name), actor="test")
            ids.append(first.organisation_id)
        offer = BulkOffer(Involvement.PARTICIPANT,
                          (SolutionRequest("schuldenradar", dt.date(2027, 6, 1)),),
                          participant_warning_acknowledged=True, provider="manual")
        run = start_bulk(ids, offer, "test", actor="test")
        run_id = run.id

    first_worker = workers.start()

    def mid_job():
        # the job has made the package and is now making its documents
        with app.app_context():
            db.session.remove()
            return db.session.scalar(
                sa.select(Package.id).join(BulkItem, BulkItem.package_id == Package.id)
                .where(BulkItem.bulk_id == run_id, Package.state == "concept"))

    wait_for(mid_job, 120, "the first worker to be in the middle of a package's jobs")
    workers.kill(first_worker)

    workers.start()

    def all_done():
        with app.app_context():
            db.session.remove()
            items = db.session.scalars(sa.select(BulkItem).where(BulkItem.bulk_id == run_id)).all()
            return all(i.state != "wachtend" for i in items) and items

    try:
        items = wait_for(all_done, 240, "the second worker to finish the abandoned work")
    except AssertionError:
        print(workers.logs())
        raise
    with app.app_context():
        assert [i.state for i in items] == ["klaar", "klaar"], [i.error for i in items]
        for item in items:
            package = db.session.get(Package, item.package_id)
            assert package.state == "verzonden"
            signed = [d for d in package.documents if d.signed_required]
            assert signed and all(d.pdf_key and d.sent_sha256 == d.pdf_sha256 for d in signed)
            sends = db.session.scalar(sa.select(sa.func.count(TimelineEvent.id)).where(
                TimelineEvent.package_id == package.id, TimelineEvent.state_to == "verzonden"))
            assert sends == 1
            made = db.session.scalar(sa.select(sa.func.count(TimelineEvent.id)).where(
                TimelineEvent.package_id == package.id, TimelineEvent.state_to == "klaar"))
            assert made == 1
        # the job that was killed ran again
        runs = db.session.scalars(sa.select(JobRun).where(JobRun.bulk_id == run_id)).all()
        assert max(r.attempts for r in runs) >= 2
        # one package per organisation: the bulk packages plus the two first packages
        assert db.session.scalar(sa.select(sa.func.count(Package.id))) == 4
