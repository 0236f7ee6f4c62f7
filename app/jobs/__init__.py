"""Background work: run inline by default, or on an RQ queue on Redis (settings `jobs`).

Jobs are plain service functions that take ids, run in an app context and are safe to run
twice. `enqueue(func, *args)` is the only way the rest of the service starts one; each job
gets a JobRun row, so its progress and failures show on the package page.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from app.extensions import db
from app.runtime import runtime
from app.store.models import JobRun
from app.store.models import utcnow

log = logging.getLogger(__name__)

LABELS = {
    "app.services.documents:make_documents": "Documenten maken",
    "app.services.sending:send_package": "Verzenden voor ondertekening",
    "app.services.callbacks:sync_package": "Status ophalen bij de ondertekendienst",
    "app.services.archive:archive_package": "Ondertekende documenten ophalen en archiveren",
    "app.services.mailing:deliver_pending": "E-mail versturen",
    "app.services.mailing:deliver_mail_job": "E-mail versturen",
    "app.services.bulk:make_bulk_item": "Pakket maken en verzenden (bulk)",
}


def job_name(func: Callable[..., object]) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def enqueue(func: Callable[..., object], *args: object, package_id: int | None = None,
            bulk_id: int | None = None, background: bool = False) -> JobRun:
    """Record the job and run it now (inline) or put it on the queue (rq); return its JobRun.

    Inline, a failure is recorded on the JobRun and logged, not raised: the caller (a page,
    an API call, a provider callback) must still answer. Inline with `background`, the job
    runs after the others on one thread of this process, so long work (bulk) can show its
    progress while it runs.
    """
    name = job_name(func)
    run = JobRun(package_id=package_id, bulk_id=bulk_id, name=name,
                 label=LABELS.get(name, name), args=list(args))
    db.session.add(run)
    db.session.commit()
    if runtime().settings.jobs == "inline":
        if background:
            runtime().lazy("background-jobs", _BackgroundRunner).submit(run.id)
        else:
            _run_inline(run.id)
    else:
        from app.jobs.queue import put

        put(run.id)
    return run


def enqueue_at(when: dt.datetime, func: Callable[..., object], *args: object) -> None:
    """Run `func(*args)` as a job at `when` (naive UTC): RQ's scheduler, or a timer inline.

    Only one such job per function waits at a time; a later request is dropped while one
    is planned.
    """
    name = job_name(func)
    delay = max(0.0, (when - utcnow()).total_seconds())
    if runtime().settings.jobs == "inline":
        runtime().lazy("background-jobs", _BackgroundRunner).later(delay, func, args)
        return
    from app.jobs.queue import put_later

    run = JobRun(name=name, label=LABELS.get(name, name), args=list(args))
    db.session.add(run)
    db.session.commit()
    put_later(run.id, delay)


def _run_inline(run_id: int) -> None:
    try:
        run_job(run_id)
    except Exception:
        log.exception("job %s failed", run_id)


class _BackgroundRunner:
    """One thread in this process that runs inline jobs in order, each in an app context."""

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        from flask import current_app

        self.app = current_app._get_current_object()
        import threading

        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tekenklaar-jobs")
        self.lock = threading.Lock()
        self.planned: set[str] = set()
        self.timers: list = []

    def submit(self, run_id: int) -> None:
        self.pool.submit(self._run, run_id)

    def later(self, delay: float, func, args) -> None:
        """Enqueue `func(*args)` after `delay` seconds, unless one is already planned."""
        import threading

        name = job_name(func)
        with self.lock:
            if name in self.planned:
                return
            self.planned.add(name)

        def fire():
            with self.lock:
                self.planned.discard(name)
            with self.app.app_context():
                try:
                    enqueue(func, *args, background=True)
                finally:
                    db.session.remove()

        timer = threading.Timer(delay, fire)
        timer.daemon = True
        self.timers.append(timer)
        timer.start()

    def _run(self, run_id: int) -> None:
        with self.app.app_context():
            try:
                _run_inline(run_id)
            finally:
                db.session.remove()

    def wait(self) -> None:
        """Block until every submitted job is done (for tests and benchmarks)."""
        self.pool.submit(lambda: None).result()

    def close(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.pool.shutdown(wait=True)


def run_job(run_id: int, *, retries_left: int = 0) -> None:
    """Run the recorded job; a job already done is not run again.

    A refusal (ServiceError, RuleError, TransitionError: the package changed meanwhile) is
    final: the job is `mislukt` and not retried. Any other failure is re-raised, so the queue
    tries again while `retries_left` (state `wachtend` meanwhile). A job that returns a
    package which ended `mislukt` (a provider or LibreOffice that failed) is `mislukt` too,
    with the package's reason.
    """
    from app.domain.rules import RuleError
    from app.domain.states import TransitionError
    from app.jobs.queue import resolve
    from app.services.errors import ServiceError

    run = db.session.get(JobRun, run_id)
    if run is None or run.state == "klaar":
        return
    run.state, run.attempts, run.started_at = "bezig", run.attempts + 1, utcnow()
    db.session.commit()
    try:
        result = resolve(run.name)(*run.args)
    except (ServiceError, RuleError, TransitionError) as exc:
        db.session.rollback()
        _finish(run_id, "mislukt", getattr(exc, "message", None) or str(exc))
        log.info("job %s refused: %s", run_id, type(exc).__name__)
        return
    except Exception as exc:
        db.session.rollback()
        _finish(run_id, "wachtend" if retries_left > 0 else "mislukt",
                getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}")
        raise
    if getattr(result, "state", None) == "mislukt" and getattr(result, "last_error", None):
        _finish(run_id, "mislukt", result.last_error)
    else:
        _finish(run_id, "klaar", None)


def _finish(run_id: int, state: str, error: str | None) -> None:
    run = db.session.get(JobRun, run_id)
    run.state, run.error, run.finished_at = state, error and error[:1000], utcnow()
    db.session.commit()
