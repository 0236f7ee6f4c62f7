"""Checks of the parts the service depends on, for /health."""

from __future__ import annotations

import time

import sqlalchemy as sa

from app.extensions import db
from app.runtime import runtime


def check_all() -> dict[str, dict]:
    """Each part's state: {"ok": bool, "detail": str, "ms": float}."""
    return {
        "database": _timed(_database),
        "queue": _timed(_queue),
        "documents": _timed(_documents),
        "pdf": _timed(_converter),
    }


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # a health check reports, it does not fail
        ok, detail = False, f"{type(exc).__name__}: {str(exc)[:200]}"
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - start) * 1000, 1)}


def _database() -> str:
    db.session.execute(sa.text("SELECT 1"))
    return db.engine.dialect.name


def _queue() -> str:
    settings = runtime().settings
    if settings.jobs == "inline":
        return "inline"
    from app.jobs.queue import queue

    q = queue()
    q.connection.ping()
    return f"rq: {q.count} wachtend"


def _documents() -> str:
    store = runtime().store
    store.check()
    return type(store).__name__


def _converter() -> str:
    from app.services.documents import converter_status

    return converter_status()
