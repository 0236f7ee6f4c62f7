"""The Redis queue (RQ) for production: jobs go in by JobRun id, workers run them."""

from __future__ import annotations

import importlib

from app.runtime import runtime

RETRY_INTERVALS = [5, 15, 60, 300, 900]  # seconds between attempts of a failing job


def queue():
    """The app's RQ queue, made once."""
    from redis import Redis
    from rq import Queue

    settings = runtime().settings
    return runtime().lazy(
        "rq-queue",
        lambda: Queue(settings.job_queue, connection=Redis.from_url(settings.redis_url)),
    )


def put(run_id: int) -> None:
    """Queue the recorded job, retried with backoff when it fails or its worker dies."""
    from rq import Retry

    queue().enqueue("app.jobs.worker.run", run_id, job_id=f"jobrun-{run_id}",
                    retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                    job_timeout=600, description=f"jobrun {run_id}")


def put_later(run_id: int, delay: float) -> None:
    """Queue the recorded job to run after `delay` seconds (RQ's scheduler)."""
    import datetime as dt

    from rq import Retry

    queue().enqueue_in(dt.timedelta(seconds=delay), "app.jobs.worker.run", run_id,
                       job_id=f"jobrun-{run_id}",
                       retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                       job_timeout=600, description=f"jobrun {run_id}")


def resolve(name: str):
    """The job function for `module:function`; only functions under app.services may run."""
    module, _, function = name.partition(":")
    if not module.startswith("app.services."):
        raise ValueError(f"not a job: {name}")
    return getattr(importlib.import_module(module), function)
