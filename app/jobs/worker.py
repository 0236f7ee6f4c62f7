"""The RQ worker: `flask worker` starts one; each job runs in an app context of its own app."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)
_app = None


def _get_app():
    global _app
    if _app is None:
        from app import create_app

        _app = create_app()
    return _app


def run(run_id: int) -> None:
    """Run JobRun `run_id` in an app context; a failure is raised so RQ retries it."""
    from rq import get_current_job

    from app.extensions import db
    from app.jobs import run_job

    app = _get_app()
    job = get_current_job()
    retries_left = (job.retries_left or 0) if job is not None else 0
    with app.app_context():
        # The work-horse is a fork of the worker: it must not reuse the parent's connections.
        db.engine.dispose(close=False)
        try:
            run_job(run_id, retries_left=retries_left)
        finally:
            db.session.remove()


def work(app, *, burst: bool = False) -> None:
    """Run an RQ worker on the app's queue until stopped (or, with burst, until it is empty).

    RQ forks a work-horse per job and watches it with a heartbeat. LibreOffice is started in
    the worker itself before the first job, so every work-horse reuses it; the templates are
    compiled there once too. When a whole
    worker dies mid-job, a surviving or new worker finds the job abandoned once its heartbeat
    has expired (`worker_heartbeat_seconds` + 60 s) and runs it again; jobs are safe to run
    twice.
    """
    from rq import Worker

    from app.services.documents import converter
    from app.services.documents import renderer

    global _app
    _app = app
    settings = app.extensions["tekenklaar"].settings
    with app.app_context():
        from app.jobs.queue import queue

        q = queue()
        converter().start()
        renderer().preload()  # templates compiled once, shared by every work-horse
    worker = Worker([q], connection=q.connection,
                    job_monitoring_interval=settings.worker_heartbeat_seconds,
                    maintenance_interval=settings.worker_maintenance_seconds,
                    worker_ttl=settings.worker_maintenance_seconds + 15)
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        app.extensions["tekenklaar"].close()
