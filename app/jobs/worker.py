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
        # A forked work-horse must not share the parent's pooled connections.
        db.engine.dispose(close=False)
        try:
            run_job(run_id, retries_left=retries_left)
        finally:
            db.session.remove()


def work(app, *, burst: bool = False, maintenance_interval: int = 30) -> None:
    """Run an RQ worker on the app's queue until stopped (or, with burst, until it is empty)."""
    from rq import Worker

    global _app
    _app = app
    with app.app_context():
        from app.jobs.queue import queue

        q = queue()
        worker = Worker([q], connection=q.connection, maintenance_interval=maintenance_interval)
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
