"""Running recorded jobs: a claim under a lease, a heartbeat, retries with backoff, and the
sweep that finds unfinished jobs. The embedded background runner and the RQ worker share it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time

import sqlalchemy as sa

from app.domain.states import JobState
from app.extensions import db
from app.jobs import MAX_RETRY_DELAY
from app.jobs import PERIODIC
from app.jobs import enqueue
from app.jobs import resolve
from app.runtime import runtime
from app.store.models import JobRun
from app.store.models import utcnow

log = logging.getLogger(__name__)

_HOST = socket.gethostname()[:60]
REFUSALS: list[type[BaseException]] = []  # errors that end a job at once (see refuse_on)


def refuse_on(*errors: type[BaseException]) -> None:
    """Treat these errors as a refusal: the job is `mislukt` at once, without a retry (the
    package changed meanwhile, the input is wrong)."""
    REFUSALS.extend(e for e in errors if e not in REFUSALS)


def owner() -> str:
    """Who holds a lease: this host, process and thread (a forked work-horse is its own)."""
    return f"{_HOST}:{os.getpid()}:{threading.get_ident()}"


def retry_delay(attempts: int) -> float:
    """Seconds to wait after `attempts` failed attempts: the base, then 3x longer each time."""
    base = runtime().settings.job_retry_seconds
    return min(base * 3 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def _lease_expired(now: dt.datetime):
    return sa.and_(JobRun.state == JobState.BEZIG,
                   sa.or_(JobRun.lease_until.is_(None), JobRun.lease_until < now))


def claim(run_id: int, me: str, *, ignore_due: bool = False) -> int | None:
    """Take job `run_id` under a lease when it is due (or its runner died); commits. Return
    the id, or None when it is done, not due, or held by a live runner."""
    now = utcnow()
    waiting = JobRun.state == JobState.WACHTEND
    if not ignore_due:
        waiting = sa.and_(waiting, JobRun.due_at <= now)
    lease = dt.timedelta(seconds=runtime().settings.job_lease_seconds)
    result = db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run_id, sa.or_(waiting, _lease_expired(now)))
        .values(state=JobState.BEZIG, lease_owner=me, lease_until=now + lease,
                attempts=JobRun.attempts + 1, started_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return run_id if result.rowcount == 1 else None


def claim_next(me: str) -> int | None:
    """Take the next due job (or one whose runner died), oldest first; None when none."""
    for _ in range(5):
        now = utcnow()
        query = (sa.select(JobRun.id)
                 .where(sa.or_(sa.and_(JobRun.state == JobState.WACHTEND,
                                       JobRun.due_at <= now),
                               _lease_expired(now)))
                 .order_by(JobRun.due_at, JobRun.id).limit(1))
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        run_id = db.session.scalar(query)
        if run_id is None:
            db.session.commit()
            return None
        if claim(run_id, me) is not None:
            return run_id
    return None


def run_claimed(run_id: int, me: str) -> None:
    """Run a job this runner holds; record the outcome (done, retry later, or failed)."""
    run = db.session.get(JobRun, run_id)
    if run is None:
        return
    name, args = run.name, list(run.args or [])
    if run.attempts > run.max_attempts:
        _finish(run_id, me, JobState.MISLUKT, (run.error or "") + " Afgebroken: het proces "
                "dat deze taak uitvoerde stopte steeds voordat ze klaar was.")
        return
    db.session.commit()
    heartbeat = Heartbeat(run_id, me)
    try:
        result = resolve(name)(*args)
    except tuple(REFUSALS) as exc:
        db.session.rollback()
        _finish(run_id, me, JobState.MISLUKT, getattr(exc, "message", None) or str(exc))
        log.info("job %s refused: %s", run_id, type(exc).__name__)
        return
    except Exception as exc:
        db.session.rollback()
        log.warning("job %s (%s) failed: %s", run_id, name, type(exc).__name__,
                    exc_info=not hasattr(exc, "message"))
        _failed(run_id, me, getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")
        return
    finally:
        heartbeat.stop()
    # a job function may return a record that says it gave up (a mail): the job failed too
    if getattr(result, "state", None) == JobState.MISLUKT and getattr(result, "last_error",
                                                                      None):
        _finish(run_id, me, JobState.MISLUKT, result.last_error)
    else:
        _finish(run_id, me, JobState.KLAAR, None)


def _mine(run_id: int, me: str) -> JobRun | None:
    run = db.session.get(JobRun, run_id)
    if run is None or run.state != JobState.BEZIG or run.lease_owner != me:
        db.session.rollback()
        return None  # the lease was lost: another runner took the job
    return run


def _finish(run_id: int, me: str, state: JobState, error: str | None) -> None:
    run = _mine(run_id, me)
    if run is None:
        return
    run.state, run.finished_at = state.value, utcnow()
    run.lease_until = run.lease_owner = None
    if state == JobState.KLAAR:
        run.error = None
    elif error:
        run.error = error[:1000]
    db.session.commit()


def _failed(run_id: int, me: str, error: str) -> None:
    run = _mine(run_id, me)
    if run is None:
        return
    run.error = error[:1000]
    if run.attempts >= run.max_attempts:
        run.state, run.finished_at, run.lease_until, run.lease_owner = (
            JobState.MISLUKT.value, utcnow(), None, None)
        db.session.commit()
        return
    _to_waiting(run, utcnow() + dt.timedelta(seconds=retry_delay(run.attempts)))
    db.session.commit()
    if runtime().settings.jobs == "inline":
        background_runner().wake()


def _to_waiting(run: JobRun, due: dt.datetime) -> None:
    """Put a job back in the queue (no commit); it gives up its key when a newer job with
    the same key waits already (both run: jobs are safe to run twice)."""
    if run.key is not None and db.session.scalar(sa.select(JobRun.id).where(
            JobRun.key == run.key, JobRun.state == JobState.WACHTEND, JobRun.id != run.id)):
        run.key = None
    run.state, run.due_at, run.dispatched_at = JobState.WACHTEND.value, due, None
    run.lease_until, run.lease_owner = None, None


class Heartbeat:
    """Renews a job's lease every third of the lease while the job runs (a thread)."""

    def __init__(self, run_id: int, me: str):
        self.lease = runtime().settings.job_lease_seconds
        self.engine = db.engine
        self.run_id, self.me = run_id, me
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True,
                                       name=f"tekenklaar-heartbeat-{run_id}")
        self.thread.start()

    def _beat(self) -> None:
        while not self.stopped.wait(self.lease / 3):
            try:
                with self.engine.begin() as conn:
                    conn.execute(sa.update(JobRun).where(
                        JobRun.id == self.run_id, JobRun.lease_owner == self.me,
                        JobRun.state == JobState.BEZIG).values(
                        lease_until=utcnow() + dt.timedelta(seconds=self.lease)))
            except Exception:
                log.warning("heartbeat of job %s failed", self.run_id, exc_info=True)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)


# --- the sweep: periodic tasks, and (production) handing unfinished jobs to RQ -------------

def schedule_periodic(now: dt.datetime | None = None) -> None:
    """Record this period's run of each periodic task that has none yet; commits."""
    now = now or utcnow()
    epoch = dt.datetime(2000, 1, 1)
    for task in list(PERIODIC.values()):
        slot = int((now - epoch) / task.every)
        key = f"periodic:{task.name}:{slot}"
        if db.session.scalar(sa.select(JobRun.id).where(JobRun.key == key).limit(1)):
            continue
        enqueue(resolve(task.name), key=key, background=True, commit=False)
    db.session.commit()


def redispatch(now: dt.datetime | None = None) -> int:
    """Production: put due jobs that no worker holds on the RQ queue again (a job whose
    worker died, a retry now due, a hand-over that failed); commits; return how many."""
    from app.jobs.queue import put

    now = now or utcnow()
    settings = runtime().settings
    for run in db.session.scalars(sa.select(JobRun).where(_lease_expired(now))):
        _to_waiting(run, now)
    db.session.commit()
    stale = now - dt.timedelta(seconds=max(settings.job_lease_seconds * 5, 300))
    ids = list(db.session.scalars(sa.select(JobRun.id).where(
        JobRun.state == JobState.WACHTEND, JobRun.due_at <= now,
        sa.or_(JobRun.dispatched_at.is_(None), JobRun.dispatched_at < stale))))
    if ids:
        db.session.execute(sa.update(JobRun).where(JobRun.id.in_(ids))
                           .values(dispatched_at=now)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    for run_id in ids:
        put(run_id)
    return len(ids)


def next_wake(now: dt.datetime) -> float | None:
    """Seconds until the next job is due or a lease runs out, None when nothing waits."""
    soonest = db.session.scalar(sa.select(sa.func.min(JobRun.due_at)).where(
        JobRun.state == JobState.WACHTEND))
    lease = db.session.scalar(sa.select(sa.func.min(JobRun.lease_until)).where(
        JobRun.state == JobState.BEZIG))
    db.session.commit()
    moments = [m for m in (soonest, lease) if m is not None]
    return max((min(moments) - now).total_seconds(), 0.0) if moments else None


class BackgroundRunner:
    """The embedded runner: one thread in this process that runs due jobs from their rows,
    oldest first, and sweeps every `job_sweep_seconds` (periodic tasks, jobs of a runner
    that died). Started with the first request, or the first job this process records."""

    def __init__(self, app):
        self.app = app
        self.sweep_seconds = app.extensions["tekenklaar"].settings.job_sweep_seconds
        self.event = threading.Event()
        self.cond = threading.Condition()
        self.passes = 0  # passes started
        self.idle_pass = -1  # the last pass that found nothing to do
        self.stopping = False
        self.last_sweep = 0.0
        self.thread = threading.Thread(target=self._loop, daemon=True, name="tekenklaar-jobs")
        self.thread.start()

    def wake(self) -> None:
        self.event.set()

    def _loop(self) -> None:
        self.me = owner()
        while not self.stopping:
            with self.cond:
                self.passes += 1
                current = self.passes
            wait = self.sweep_seconds
            try:
                with self.app.app_context():
                    try:
                        worked, wait = self._pass()
                    finally:
                        db.session.remove()
            except Exception:
                log.exception("background runner pass failed")
                worked, wait = False, 1.0
            if worked:
                continue
            with self.cond:
                self.idle_pass = current
                self.cond.notify_all()
            self.event.wait(max(0.01, min(wait, self.sweep_seconds)))
            self.event.clear()

    def _pass(self) -> tuple[bool, float]:
        if time.monotonic() - self.last_sweep >= self.sweep_seconds:
            self.last_sweep = time.monotonic()
            schedule_periodic()
        run_id = claim_next(self.me)
        if run_id is not None:
            run_claimed(run_id, self.me)
            return True, 0.0
        until = next_wake(utcnow())
        return False, self.sweep_seconds if until is None else until

    def wait(self, timeout: float = 120.0) -> None:
        """Block until the runner found nothing due (for tests and benchmarks)."""
        with self.cond:
            target = self.passes + 1
            self.wake()
            if not self.cond.wait_for(lambda: self.idle_pass >= target or self.stopping,
                                      timeout):
                raise TimeoutError("background jobs did not finish")

    def close(self) -> None:
        self.stopping = True
        self.wake()
        self.thread.join(timeout=60)


def background_runner() -> BackgroundRunner:
    """This app's background runner, started on first use."""
    from flask import current_app

    app = current_app._get_current_object()
    return runtime().lazy("background-jobs", lambda: BackgroundRunner(app))


_BackgroundRunner = BackgroundRunner  # the name the tests used
