"""The Redis queue (RQ) in production: it carries JobRun ids to the workers, nothing more.

The JobRun row is the record of a job; retries, backoff and recovery after a dead worker are
decided there (app.jobs.runner), the same way as in the embedded mode. A job id that reaches
a worker twice runs once: the worker must first take the job's lease.
"""

from __future__ import annotations

from app.runtime import runtime

JOB_TIMEOUT = 600  # seconds RQ lets one job run


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
    """Put the recorded job's id on the queue."""
    queue().enqueue("app.jobs.worker.run", run_id, job_timeout=JOB_TIMEOUT,
                    description=f"jobrun {run_id}", result_ttl=0, failure_ttl=24 * 3600)
