"""Database settings that depend on the engine: SQLite gets WAL and a busy timeout."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from app.extensions import db


def configure_database(app: Flask) -> None:
    """For SQLite (the embedded default), let readers and a writer work side by side.

    WAL keeps readers off the writer's lock, `synchronous=NORMAL` is safe with WAL, and the
    busy timeout makes a second writer (the background job thread, a second request) wait
    for the lock instead of failing at once. PostgreSQL needs nothing here.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    _private_file(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


def _private_file(url: str) -> None:
    """Make the SQLite file readable by its owner only (0600), before SQLite creates it with
    the umask's permissions; its -wal and -shm files take the same permissions."""
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    path.chmod(0o600)


def dialect_insert(table, dialect: str | None = None):
    """`INSERT` for the database (`dialect`, by default the session's: PostgreSQL or SQLite),
    which both know `on_conflict_do_nothing` and `returning`; `table` is a model or a Table."""
    if (dialect or db.session.get_bind().dialect.name) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
