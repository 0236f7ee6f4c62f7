"""The RQ worker: `flask worker` starts one; each job runs in an app context of its own app.

With RQ's own maintenance (in the worker's main loop, every `job_sweep_seconds`: no thread,
since a work-horse is forked from this process) the worker sweeps for jobs that need a
worker: a retry now due, a job whose worker died (its lease ran out), a hand-over to Redis that
failed, this period's periodic tasks.
"""

from __future__ import annotations

import logging

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


def work(app, *, burst: bool = False, prepare=None) -> None:
    """Run an RQ worker on the app's queue until stopped (or, with burst, until it is empty).

    RQ forks a work-horse per job. `prepare()` runs in the worker itself before the first
    job (the CLI starts LibreOffice and compiles the templates there, so every work-horse
    reuses them).
    Unfinished jobs are found by the sweeper (see the module docstring): a worker killed
    mid-job loses nothing, its job is taken again once its lease has run out.
    """
    global _app
    _app = app
    settings = app.extensions["tekenklaar"].settings
    with app.app_context():
        from app.jobs.queue import queue

        q = queue()
        if prepare is not None:
            prepare()
    if burst:
        sweep_once(app)
    every = max(1, int(min(settings.worker_maintenance_seconds, settings.job_sweep_seconds)))
    worker = _worker_class(app)([q], connection=q.connection,
                                job_monitoring_interval=settings.worker_heartbeat_seconds,
                                maintenance_interval=every, worker_ttl=every + 15)
    try:
        worker.work(burst=burst, logging_level="INFO")
    finally:
        app.extensions["tekenklaar"].close()


def _worker_class(app):
    from rq import Worker

    class SweepingWorker(Worker):
        """An RQ worker whose maintenance also sweeps the job rows (see the module)."""

        def run_maintenance_tasks(self):
            super().run_maintenance_tasks()
            try:
                sweep_once(app)
            except Exception:
                log.exception("job sweep failed")

    return SweepingWorker
