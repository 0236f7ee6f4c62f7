"""Background work: run inline by default, or on an RQ queue on Redis (settings `jobs`).

Jobs are plain functions that take ids, run in an app context and are safe to run twice.
`enqueue(func, *args)` is the only way the rest of the service starts one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.runtime import runtime

log = logging.getLogger(__name__)


def enqueue(func: Callable[..., object], *args: object) -> None:
    """Run `func(*args)` now (inline mode) or put it on the queue (rq mode).

    Inline, a failure is logged and swallowed: the job records its own outcome on the
    package, and the caller (a page, an API call, a provider callback) must still answer.
    """
    settings = runtime().settings
    name = f"{func.__module__}:{func.__qualname__}"
    if settings.jobs == "inline":
        try:
            func(*args)
        except Exception:
            log.exception("job %s failed", name)
        return
    from app.jobs.queue import put

    put(name, args)
