"""The RQ worker: `flask worker` starts one; each job runs in an app context of its own app.

Beside RQ's own loop, a sweeper thread in the worker process looks every
`job_sweep_seconds` for jobs that need a worker: a retry now due, a job whose worker died
(its lease ran out), a hand-over to Redis that failed, this period's periodic tasks.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)
_app = None


def _get_app():
    if _app is None:  # the app is set by work(), which `flask worker` calls
        raise RuntimeError("jobs run in a worker started with `flask worker`")
    return _app


def run(run_id: int) -> None:
    """Take JobRun `run_id` and run it in an app context (a job held elsewhere is skipped)."""
    from app.extensions import db
    from app.jobs import run_job

    app = _get_app()
    with app.app_context():
        # The work-horse is a fork of the worker: it must not reuse the parent's connections.
        db.engine.dispose(close=False)
        try:
            run_job(run_id)
        finally:
            db.session.remove()


def sweep_once(app) -> None:
    """One sweep: this period's periodic tasks, then every due job nobody holds to RQ."""
    from app.extensions import db
    from app.jobs.runner import redispatch
    from app.jobs.runner import schedule_periodic

    with app.app_context():
        try:
            schedule_periodic()
            redispatch()
        finally:
            db.session.remove()


class Sweeper:
    def __init__(self, app):
        self.app = app
        self.stopped = threading.Event()
        self.every = app.extensions["tekenklaar"].settings.job_sweep_seconds
        self.thread = threading.Thread(target=self._loop, daemon=True,
                                       name="tekenklaar-sweeper")
        self.thread.start()

    def _loop(self) -> None:
        while True:
            try:
                sweep_once(self.app)
            except Exception:
                log.exception("job sweep failed")
            if self.stopped.wait(self.every):
                return

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=30)


def work(app, *, burst: bool = False, prepare=None) -> None:
    """Run an RQ worker on the app's queue until stopped (or, with burst, until it is empty).

    RQ forks a work-horse per job. `prepare()` runs in the worker itself before the first
    job (the CLI starts LibreOffice and compiles the templates there, so every work-horse
    reuses them).
    Unfinished jobs are found by the sweeper (see the module docstring): a worker killed
    mid-job loses nothing, its job is taken again once its lease has run out.
    """
    from rq import Worker

    global _app
    _app = app
    settings = app.extensions["tekenklaar"].settings
    with app.app_context():
        from app.jobs.queue import queue

        q = queue()
        if prepare is not None:
            prepare()
    sweeper = None if burst else Sweeper(app)
    if burst:
        sweep_once(app)
    worker = Worker([q], connection=q.connection,
                    job_monitoring_interval=settings.worker_heartbeat_seconds,
                    maintenance_interval=settings.worker_maintenance_seconds,
                    worker_ttl=settings.worker_maintenance_seconds + 15)
    try:
        worker.work(burst=burst, logging_level="INFO")
    finally:
        if sweeper is not None:
            sweeper.stop()
        app.extensions["tekenklaar"].close()
