"""A process killed after a postback was answered loses nothing (issue 11).

The stand-in Signhost (tests/flow/fakes.py) is served over HTTP on 127.0.0.1, so a process of
its own can reach it. The process that runs the follow-up of a postback is killed (SIGKILL) at
three moments: right after the postback was answered (its poll recorded, not started), during
the status poll, and during the download of the signed files. Then a new process is started and
nobody acts: every package must reach `gearchiveerd`, with each state entered once, each event
applied once and one completion mail.

* Embedded default: gunicorn serving app.wsgi on SQLite with jobs inline; the whole gunicorn
  process group is killed and gunicorn is started again.
* Production: `flask worker` (RQ on Redis) on PostgreSQL; this process answers the postback
  (the web side), the worker is killed and another is started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.services.sending import send_package
from app.store.models import AppliedEvent
from app.store.models import JobRun
from app.store.models import OutgoingMail
from app.store.models import Package
from app.store.models import TimelineEvent
from tests.conftest import base_settings
from tests.flow.fakes import FakeSignhost
from tests.flow.helpers import package_with_stub_pdfs
from tests.flow.live import serve
from tests.jobs.conftest import Workers
from tests.jobs.conftest import empty_app
from tests.jobs.conftest import settings_env
from tests.jobs.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
SECRET = "signhost-shared-secret-for-crash-tests"
SIGNERS = 3
MOMENTS = ["answered", "poll", "download"]
HOLDS = {"poll": r"/api/transaction/[^/]+$", "download": r"/api/transaction/[^/]+/file/"}
SYNC = "app.services.callbacks:sync_package"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_signhost():
    server, fake = serve(FakeSignhost, SECRET)
    yield server, fake
    server.stop()


def crash_settings(tmp_path, server, moment: str, **extra) -> dict:
    return base_settings(
        tmp_path, signhost_base_url=server.base, signhost_app_key="app-key",
        signhost_api_key="api-key", signhost_shared_secret=SECRET, signhost_max_retries=0,
        provider_timeout=30, job_lease_seconds=2, job_sweep_seconds=0.5,
        job_retry_seconds=0.2, pdf_converter="soffice",
        # "answered": a second postback within this time waits for its poll, so the process
        # can be killed while the poll is recorded but not started
        poll_min_seconds=6 if moment == "answered" else 0, **extra)


def sent_and_signed(app, fake, moment: str, post) -> tuple[int, str]:
    """A package sent to the stand-in Signhost and signed there by everyone; for "answered"
    one postback is handled first, so the next poll must wait."""
    with app.app_context():
        package_id = package_with_stub_pdfs()
        assert send_package(package_id, "signhost", "medewerker@nvsi.nl").state == "verzonden"
        runner = app.extensions["tekenklaar"].peek("background-jobs")
        if runner is not None:
            runner.close()  # this process does not run jobs: the process under test does
        tx_id = db.session.get(Package, package_id).envelope_id
        db.session.remove()
    if moment == "answered":
        assert post(*fake.postback(tx_id)) == 200
        wait_for(lambda: polls_started(app, package_id), 30, "the first poll")
    for index in range(SIGNERS):
        fake.sign(tx_id, index)
    return package_id, tx_id


def polls_started(app, package_id) -> int:
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(JobRun.id)).where(
            JobRun.package_id == package_id, JobRun.name == SYNC,
            JobRun.started_at.is_not(None)))
        db.session.remove()
        return count


def kill_during(app, server, fake, moment, tx_id, package_id, post, kill) -> None:
    """Post the final postback and kill the process under test at `moment`."""
    hold = server.hold("GET", HOLDS[moment]) if moment in HOLDS else None
    assert post(*fake.postback(tx_id)) == 200  # answered: Signhost will not send it again
    if hold is None:
        with app.app_context():  # the poll is recorded, due a little later, not started
            job = db.session.scalars(sa.select(JobRun).where(
                JobRun.package_id == package_id, JobRun.name == SYNC,
                JobRun.state == "wachtend")).one()
            assert job.started_at is None
            db.session.remove()
        kill()
        return
    assert hold.arrived.wait(60), f"the process never reached the {moment}"
    kill()
    hold.release.set()


def crash_and_recover(app, server, fake, moment, post, kill, restart, logs) -> None:
    """The whole scenario: a signed package, its last postback answered, the process under
    test killed at `moment`, a new one started, and nobody acting: it must end archived."""
    package_id, tx_id = sent_and_signed(app, fake, moment, post)
    kill_during(app, server, fake, moment, tx_id, package_id, post, kill)
    restart()  # and nobody does anything: no request, no staff
    try:
        wait_for(lambda: state_of(app, package_id) == "gearchiveerd", 120,
                 "the package to be archived after the restart")
    except AssertionError:
        print(logs())
        raise
    check_end_state(app, package_id)


def check_end_state(app, package_id: int) -> None:
    with app.app_context():
        db.session.remove()
        package = db.session.get(Package, package_id)
        assert package.state == "gearchiveerd"
        states = list(db.session.scalars(sa.select(TimelineEvent.state_to).where(
            TimelineEvent.package_id == package_id, TimelineEvent.state_to.is_not(None))
            .order_by(TimelineEvent.id)))
        assert states == ["klaar", "verzonden", "ondertekend", "gearchiveerd"] or \
            states == ["klaar", "verzonden", "deels_ondertekend", "ondertekend", "gearchiveerd"]
        keys = list(db.session.scalars(sa.select(AppliedEvent.dedupe_key).where(
            AppliedEvent.package_id == package_id)))
        assert len(keys) == len(set(keys))
        assert sum(k.endswith(":signer_signed") for k in keys) == SIGNERS
        mails = Counter(db.session.scalars(sa.select(OutgoingMail.kind).where(
            OutgoingMail.package_id == package_id)))
        assert mails == {"pakket_verzonden": 1, "voltooid": 1}
        assert all(d.signed_sha256 for d in package.documents if d.signed_required)
        failed = db.session.scalars(sa.select(JobRun.name).where(
            JobRun.state == "mislukt")).all()
        assert failed == []
        db.session.remove()


# --- embedded default: gunicorn ---------------------------------------------------------------

class Gunicorn:
    def __init__(self, env: dict, log_dir: Path):
        self.env, self.log_dir, self.count = env, log_dir, 0
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_dir / f"gunicorn-{self.count}.log", "wb")  # noqa: SIM115
        self.count += 1
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1",
             "--bind", f"127.0.0.1:{self.port}", "app.wsgi:application"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()

    def wait_up(self) -> None:
        def up():
            try:
                return requests.get(f"http://127.0.0.1:{self.port}/health", timeout=2) \
                    .status_code < 600
            except requests.RequestException:
                return False

        wait_for(up, 60, "gunicorn to answer")

    def post(self, headers, body) -> int:
        return requests.post(f"http://127.0.0.1:{self.port}/webhooks/signhost", data=body,
                             headers=headers, timeout=30).status_code

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:]
                         for p in sorted(self.log_dir.glob("gunicorn-*.log")))


@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_web_process_loses_no_answered_postback(tmp_path, live_signhost, moment):
    from flask_migrate import upgrade

    server, fake = live_signhost
    settings = crash_settings(tmp_path, server, moment,
                              database_url=f"sqlite:///{tmp_path / 'tekenklaar.db'}")
    app = create_app(settings)
    with app.app_context():
        upgrade()
    web = Gunicorn(settings_env(settings), tmp_path)
    web.start()
    try:
        web.wait_up()
        crash_and_recover(app, server, fake, moment, web.post, web.kill, web.start, web.logs)
    finally:
        web.stop()
        app.extensions["tekenklaar"].close()


def state_of(app, package_id) -> str:
    with app.app_context():
        db.session.remove()
        state = db.session.get(Package, package_id).state
        db.session.remove()
        return state


# --- production: an RQ worker -----------------------------------------------------------------

@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_rq_worker_loses_no_answered_postback(tmp_path, live_signhost, postgres_url,
                                                     redis_url, queue_name, moment):
    server, fake = live_signhost
    settings = crash_settings(tmp_path, server, moment, database_url=postgres_url, jobs="rq",
                              redis_url=redis_url, job_queue=queue_name,
                              worker_heartbeat_seconds=1, worker_maintenance_seconds=2)
    app = empty_app(settings)
    client = app.test_client()

    def post(headers, body) -> int:  # this process is the web side
        return client.post("/webhooks/signhost", data=body, headers=headers).status_code

    workers = Workers(settings_env(settings), tmp_path)
    first = workers.start()
    try:
        crash_and_recover(app, server, fake, moment, post, lambda: workers.kill(first),
                          workers.start, workers.logs)
    finally:
        workers.stop_all()
        from redis import Redis
        from rq import Queue

        connection = Redis.from_url(redis_url)
        Queue(queue_name, connection=connection).empty()
        connection.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        app.extensions["tekenklaar"].close()
