"""Actions that run as jobs: checked at once, then made or sent by a job (inline or queued).

Inline (the default) the job runs before the action returns; queued (`jobs = "rq"`, with the
Redis on 127.0.0.1:6379) it waits for a worker, and `run_job` stands in for one here.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from app.domain.organisations import Involvement
from app.domain.rules import SolutionRequest
from app.extensions import db
from app.jobs import run_job
from app.services.actions import request_documents
from app.services.actions import request_send
from app.services.actions import retry_failed_items
from app.services.actions import start_bulk_once
from app.services.bulk import BulkOffer
from app.services.documents import make_documents
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.services.packages import create_package
from app.services.sending import send_package
from app.store.models import BulkRun
from app.store.models import JobRun
from app.store.models import Package
from tests.conftest import base_settings
from tests.conftest import restore_seed
from tests.jobs.conftest import redis_url  # noqa: F401  (fixture)
from tests.mail.factories import new_package
from tests.web.support import use_fake_converter
from tests.web.support import wait_for_background_jobs


def jobs_of(package_id: int) -> list[JobRun]:
    return list(db.session.scalars(sa.select(JobRun).where(JobRun.package_id == package_id)
                                   .order_by(JobRun.id)))


def new(name="Stichting De Brug") -> int:
    return create_package(new_package(name=name), actor="test").id


# --- inline ----------------------------------------------------------------------------------

def test_documents_inline_are_made_at_once_and_recorded_as_a_job(app, monkeypatch):
    use_fake_converter(monkeypatch)
    with app.app_context():
        package_id = new()
        package = request_documents(package_id, "test")
        assert package.state == "klaar"
        (job,) = jobs_of(package_id)
        assert (job.name, job.label, job.state) == (
            "app.services.documents:make_documents", "Documenten maken", "klaar")
        assert job.args == [package_id, "test"]


def test_a_failed_conversion_inline_leaves_the_package_mislukt_with_the_reason(app, monkeypatch):
    use_fake_converter(monkeypatch, fail=True)
    with app.app_context():
        package = request_documents(new(), "test")
        assert package.state == "mislukt"
        assert "LibreOffice reageert niet" in package.last_error


def test_documents_of_a_sent_package_are_refused_with_the_services_message(app, monkeypatch):
    use_fake_converter(monkeypatch)
    with app.app_context():
        package_id = new()
        request_documents(package_id, "test")
        request_send(package_id, "manual", "test")
        with pytest.raises(ServiceError) as by_service:
            make_documents(package_id, "test")
        with pytest.raises(ServiceError) as by_action:
            request_documents(package_id, "test")
        assert by_action.value.message == by_service.value.message
        assert [j.name.split(":")[1] for j in jobs_of(package_id)] == [
            "make_documents", "send_package", "deliver_mail_job"]


def test_send_inline_sends_at_once(app, monkeypatch):
    use_fake_converter(monkeypatch)
    with app.app_context():
        package_id = new()
        request_documents(package_id, "test")
        package = request_send(package_id, None, "test")  # the configured provider
        assert (package.state, package.provider) == ("verzonden", "manual")
        assert jobs_of(package_id)[1].args == [package_id, "manual", "test"]


@pytest.mark.parametrize("make_first", [False, True])
def test_a_send_that_does_not_fit_is_refused_with_the_services_message(app, monkeypatch,
                                                                        make_first):
    """Before the documents (or with an unknown provider): the same message as send_package,
    and no job is recorded."""
    use_fake_converter(monkeypatch)
    provider = "faxdienst" if make_first else "manual"
    with app.app_context():
        package_id = new()
        if make_first:
            request_documents(package_id, "test")
        with pytest.raises(ServiceError) as by_service:
            send_package(package_id, provider, "test")
        db.session.rollback()
        with pytest.raises(ServiceError) as by_action:
            request_send(package_id, provider, "test")
        assert by_action.value.message == by_service.value.message
        assert by_action.value.field == by_service.value.field
        assert len(jobs_of(package_id)) == (1 if make_first else 0)


def test_a_job_that_raises_inline_is_raised_as_a_service_error(app, monkeypatch):
    """The send's lease is taken (another send runs): the job fails, the action says why."""
    from app.services.sending import BUSY

    use_fake_converter(monkeypatch)
    with app.app_context():
        package_id = new()
        request_documents(package_id, "test")
        package = db.session.get(Package, package_id)
        package.send_key = f"abc@{int(dt.datetime.now().timestamp())}"
        db.session.commit()
        with pytest.raises(ServiceError) as caught:
            request_send(package_id, "manual", "test")
        assert caught.value.message == BUSY
        job = jobs_of(package_id)[-1]
        assert (job.state, job.error) == ("mislukt", BUSY)


def test_an_unknown_package(app):
    with app.app_context():
        with pytest.raises(NotFound):
            request_documents(99999, "test")
        with pytest.raises(NotFound):
            request_send(99999, None, "test")


# --- bulk: start once, retry -------------------------------------------------------------------

OFFER = BulkOffer(Involvement.LID, (SolutionRequest("schuldenradar", dt.date(2027, 1, 1)),),
                  send=False)


def test_the_same_bulk_run_started_twice_is_started_once(app, monkeypatch):
    use_fake_converter(monkeypatch)
    with app.app_context():
        ids = [db.session.get(Package, new(name)).organisation_id
               for name in ("Stichting Een", "Stichting Twee")]
        run, started = start_bulk_once(ids, OFFER, "Schuldenradar 2027", "a@nvsi.nl")
        again, started_again = start_bulk_once(list(reversed(ids)), OFFER, "Schuldenradar 2027",
                                               "a@nvsi.nl")
        assert started and not started_again and again.id == run.id
        other, started_other = start_bulk_once(ids[:1], OFFER, "Schuldenradar 2027", "a@nvsi.nl")
        assert started_other and other.id != run.id  # other organisations: another run
        wait_for_background_jobs(app)
        assert db.session.scalar(sa.select(sa.func.count(BulkRun.id))) == 2


def test_start_without_organisations_is_refused(app):
    with app.app_context():
        with pytest.raises(ServiceError):
            start_bulk_once([], OFFER, "Leeg", "a@nvsi.nl")
        assert db.session.scalar(sa.select(sa.func.count(BulkRun.id))) == 0


def test_failed_items_are_tried_again(app, monkeypatch):
    """An organisation without people on file fails; once it has them, a retry succeeds."""
    from app.store.models import Organisation

    use_fake_converter(monkeypatch)
    with app.app_context():
        known = db.session.get(Package, new("Stichting Bekend")).organisation_id
        bare = Organisation(name="Stichting Nieuw", kind="maatschappelijke_organisatie")
        db.session.add(bare)
        db.session.commit()
        bare_id = bare.id
        run, _ = start_bulk_once([known, bare_id], OFFER, "Schuldenradar", "a@nvsi.nl")
        wait_for_background_jobs(app)
        db.session.expire_all()
        states = {i.organisation_id: (i.state, i.error) for i in run.items}
        assert states[known] == ("klaar", None)
        assert states[bare_id][0] == "mislukt"
        assert "nog geen contactpersoon en ondertekenaar bekend" in states[bare_id][1]

        create_package(new_package(organisation_id=bare_id), actor="test")  # now people exist
        assert retry_failed_items(run.id) == 1
        wait_for_background_jobs(app)
        db.session.expire_all()
        assert {i.state for i in db.session.get(BulkRun, run.id).items} == {"klaar"}
        with pytest.raises(ServiceError):
            retry_failed_items(run.id)  # nothing failed any more
        with pytest.raises(NotFound):
            retry_failed_items(99999)


# --- queued (rq) -------------------------------------------------------------------------------

@pytest.fixture
def queued_app(tmp_path, database_url, redis_url):  # noqa: F811
    """The app with jobs on a Redis queue of its own that no worker reads."""
    from flask_migrate import upgrade
    from redis import Redis
    from rq import Queue

    from app import create_app

    name = f"tekenklaar-test-{uuid.uuid4().hex[:8]}"
    app = create_app(base_settings(tmp_path, database_url=database_url, jobs="rq",
                                   redis_url=redis_url, job_queue=name))
    with app.app_context():
        upgrade()
        if not database_url.startswith("sqlite"):
            _empty(app)
    yield app
    connection = Redis.from_url(redis_url)
    Queue(name, connection=connection).empty()
    connection.close()
    with app.app_context():
        app.extensions["tekenklaar"].close()
        db.session.remove()
        if not database_url.startswith("sqlite"):
            _empty(app)
        db.engine.dispose()


def _empty(app):
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        restore_seed(conn)


@pytest.mark.redis
def test_queued_documents_wait_for_a_worker_and_a_repeat_is_refused(queued_app, monkeypatch):
    use_fake_converter(monkeypatch)
    with queued_app.app_context():
        package_id = new()
        package = request_documents(package_id, "test")
        assert package.state == "concept"  # nothing made yet
        (job,) = jobs_of(package_id)
        assert job.state == "wachtend"
        with pytest.raises(ServiceError, match="al in de wachtrij"):
            request_documents(package_id, "test")
        run_job(job.id)  # what a worker does
        db.session.expire_all()
        assert db.session.get(Package, package_id).state == "klaar"
        assert db.session.get(JobRun, job.id).state == "klaar"

        package = request_send(package_id, "manual", "test")
        assert package.state == "klaar"
        send_job = jobs_of(package_id)[-1]
        assert (send_job.name, send_job.state) == ("app.services.sending:send_package",
                                                   "wachtend")
        run_job(send_job.id)
        db.session.expire_all()
        assert db.session.get(Package, package_id).state == "verzonden"


@pytest.mark.redis
def test_a_queued_action_is_still_checked_at_once(queued_app):
    with queued_app.app_context():
        package_id = new()
        with pytest.raises(ServiceError, match="status 'Concept' kan niet worden verzonden"):
            request_send(package_id, "manual", "test")
        assert jobs_of(package_id) == []


def test_a_job_whose_package_ends_mislukt_is_mislukt_with_the_reason(app):
    """The job list does not say 'klaar' for a conversion that failed."""
    from app.documents import ConversionError
    from app.jobs import enqueue
    from app.runtime import runtime
    from app.services.documents import make_documents
    from app.services.packages import create_package
    from app.store.models import JobRun
    from tests.app.test_packages import new_package

    class BrokenConverter:
        def convert(self, docx):
            raise ConversionError("LibreOffice reageert niet")

        def close(self):
            pass

    with app.app_context():
        runtime().provide("converter", BrokenConverter())
        package = create_package(new_package(), actor="test")
        run = enqueue(make_documents, package.id, "test", package_id=package.id)
        run = db.session.get(JobRun, run.id)
        assert run.state == "mislukt"
        assert run.error.startswith("Omzetten naar PDF is mislukt")
