"""What an RQ worker runs: each job inside an app context of the worker's own app."""

from __future__ import annotations

from app.jobs.queue import resolve

_app = None


def _get_app():
    global _app
    if _app is None:
        from app import create_app

        _app = create_app()
    return _app


def run(name: str, args: list) -> None:
    """Run job `name` with `args` in an app context; exceptions make RQ retry it."""
    app = _get_app()
    with app.app_context():
        from app.extensions import db

        try:
            resolve(name)(*args)
        finally:
            db.session.remove()
