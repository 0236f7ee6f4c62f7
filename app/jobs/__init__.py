"""Durable background work: one job row per job, in every mode.

A job is a registered function that takes ids, runs in an app context and is safe to run
twice. `enqueue(func, *args)` writes its JobRun row into the current transaction (so the job
exists exactly when the change that needs it does) and, after the commit, hands it to a
runner: the background runner of this process in the embedded default (`jobs = "inline"`),
or an RQ worker in production (`jobs = "rq"`). Either way the row is the record:

* a runner takes a job under a lease (`lease_owner`, `lease_until`) and renews it with a
  heartbeat while the job runs; a job whose runner died (its lease ran out) is taken again;
* a failed attempt is retried after a backoff (`job_retry_seconds`, three times longer each
  time, at most an hour) up to `job_max_attempts`, the same way in both modes; the last
  error stays on the job (and the package page shows it);
* at start and every `job_sweep_seconds`, unfinished jobs are looked for and run (inline) or
  put on the queue again (RQ); RQ only transports job ids.

This package knows no service: services register their job functions (`register`) and
periodic tasks (`periodic`) at start-up (`app.services.jobs.register_jobs`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.states import JobState
from app.extensions import db
from app.runtime import runtime
from app.store.models import JobRun
from app.store.models import utcnow

log = logging.getLogger(__name__)

MAX_RETRY_DELAY = 3600.0  # seconds
_DISPATCH = "tekenklaar.jobs.dispatch"  # session.info: job ids to hand over after commit


@dataclass(frozen=True)
class JobSpec:
    func: Callable[..., object]
    label: str  # Dutch, for the package page
    max_attempts: int | None = None  # None: the setting job_max_attempts


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta


REGISTRY: dict[str, JobSpec] = {}
PERIODIC: dict[str, Periodic] = {}


def job_name(func: Callable[..., object]) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def register(func: Callable[..., object], label: str, *, max_attempts: int | None = None):
    """Allow `func` to run as a job, shown as `label`; return `func`."""
    REGISTRY[job_name(func)] = JobSpec(func, label, max_attempts)
    return func


def periodic(func: Callable[..., object], every: dt.timedelta, label: str) -> None:
    """Run `func()` as a job once every `every`, in whichever process looks first.

    One run per period: its JobRun's key is the period, so two processes cannot both
    start it. Example (at start-up): ``periodic(send_due_council_reminders,
    dt.timedelta(days=1), "Herinneringen raadsprocedure versturen")``.
    """
    register(func, label)
    PERIODIC[job_name(func)] = Periodic(job_name(func), every)


def resolve(name: str) -> Callable[..., object]:
    """The registered job function `module:function`; raise ValueError for anything else."""
    spec = REGISTRY.get(name)
    if spec is None:
        module = name.partition(":")[0]
        if module.startswith("app."):
            importlib.import_module(module)  # its app's start-up registers it
            spec = REGISTRY.get(name)
    if spec is None:
        raise ValueError(f"not a registered job: {name}")
    return spec.func


def label_of(name: str) -> str:
    spec = REGISTRY.get(name)
    return spec.label if spec else name


# --- putting jobs in ------------------------------------------------------------------------

def enqueue(func: Callable[..., object], *args: object, package_id: int | None = None,
            bulk_id: int | None = None, background: bool = False, key: str | None = None,
            due: dt.datetime | None = None, commit: bool = True) -> JobRun:
    """Record the job in the current transaction; return its JobRun.

    With `commit` (the default) the transaction is committed here, with whatever the caller
    changed before: the change and its job are stored together. Without, the caller commits;
    the job is handed to a runner after that commit (and is lost with a rollback, as the
    change is). Inline and not `background`, a committed job runs right here, before this
    returns (a failure is recorded on the JobRun and retried later, never raised: the
    caller - a page, an API call - must still answer). `key`: while a job with this key
    waits, no second one is made (that one is returned). `due`: not before (naive UTC).
    """
    name = job_name(func)
    settings = runtime().settings
    spec = REGISTRY.get(name)
    if spec is None:
        raise ValueError(f"not a registered job: {name}")
    now = utcnow()
    values = dict(package_id=package_id, bulk_id=bulk_id, name=name, label=spec.label,
                  args=list(args), key=key, state=JobState.WACHTEND.value, attempts=0,
                  max_attempts=spec.max_attempts or settings.job_max_attempts,
                  created_at=now, due_at=due or now,
                  dispatched_at=now if settings.jobs == "rq" and not due else None)
    run = _insert(values)
    later = due is not None and due > now
    run_now = commit and not background and not later and settings.jobs == "inline"
    if not run_now and not (later and settings.jobs == "rq"):
        db.session.info.setdefault(_DISPATCH, []).append(run.id)
    if commit:
        run_id = run.id
        db.session.commit()
        if run_now:
            from app.jobs.runner import run_claimed
            from app.jobs.runner import claim

            if claim(run_id, _owner()) is not None:
                run_claimed(run_id, _owner())
            run = db.session.get(JobRun, run_id)
    return run


def enqueue_at(when: dt.datetime, func: Callable[..., object], *args: object) -> JobRun:
    """Run `func(*args)` as a job at `when` (naive UTC); commits. Only one such job per
    function waits at a time: while one is planned, that one is returned."""
    return enqueue(func, *args, key=f"at:{job_name(func)}", due=when, background=True)


def _insert(values: dict) -> JobRun:
    if values["key"] is None:
        run = JobRun(**values)
        db.session.add(run)
        db.session.flush()
        return run
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # the partial index's own predicate, as SQL text: PostgreSQL matches it literally
    waiting = sa.text(f"state = '{JobState.WACHTEND.value}'")
    for _ in range(3):
        db.session.execute(insert(JobRun).values(**values).on_conflict_do_nothing(
            index_elements=["key"], index_where=waiting))
        run = db.session.scalar(sa.select(JobRun).where(JobRun.key == values["key"],
                                                        JobRun.state == JobState.WACHTEND))
        if run is not None:
            return run
    raise RuntimeError(f"job key {values['key']!r} could not be recorded")


def _owner() -> str:
    from app.jobs.runner import owner

    return owner()


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop(_DISPATCH, None)
    if not ids:
        return
    try:
        if runtime().settings.jobs == "inline":
            from app.jobs.runner import background_runner

            background_runner().wake()
        else:
            from app.jobs.queue import put

            for run_id in ids:
                put(run_id)
    except Exception:  # the row is the record: the sweep hands it over later
        log.exception("handing over %d job(s) failed; the sweep will retry", len(ids))


@sa.event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop(_DISPATCH, None)


def start_runner(app) -> None:
    """Start the app's background runner now (embedded mode; RQ workers run the jobs in
    production): the serving process calls this at start (app.wsgi)."""
    if runtime_settings(app).jobs == "inline":
        from app.jobs.runner import background_runner

        with app.app_context():
            background_runner()


def init_app(app) -> None:
    """Start the background runner (embedded mode) with the app's first request, so the
    jobs a crashed process left behind are taken again without anyone acting (`flask run`;
    app.wsgi starts it at once). Test apps start it with their first job."""
    started = [runtime_settings(app).environment == "testing"]

    @app.before_request
    def _start_runner():
        if started[0]:
            return
        started[0] = True
        if runtime().settings.jobs == "inline":
            from app.jobs.runner import background_runner

            background_runner()


def runtime_settings(app):
    return app.extensions["tekenklaar"].settings


def run_job(run_id: int, **_ignored) -> None:
    """Take the recorded job and run it (what a worker does); a job that is done, or held
    by a live runner, is left alone."""
    from app.jobs.runner import claim
    from app.jobs.runner import run_claimed

    me = _owner()
    if claim(run_id, me, ignore_due=True) is not None:
        run_claimed(run_id, me)
