"""Shared fixtures: `app`, `client`, `runner`, on SQLite and on PostgreSQL.

Every test that uses `app` runs twice: against SQLite and against the PostgreSQL on
127.0.0.1:5432. Where PostgreSQL cannot be reached the PostgreSQL run is skipped, except in CI
(CI=true), where it fails: there it must run.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEKENKLAAR_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def pytest_addoption(parser):
    parser.addoption("--sqlite-only", action="store_true",
                     help="run the database tests on SQLite only")


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (in CI this must run, not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"tekenklaar_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _unavailable(f"PostgreSQL niet bereikbaar: {exc.orig}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
        ), {"name": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


_migrated: set[str] = set()


def base_settings(tmp_path, **overrides) -> dict:
    """Settings for a test app: everything under tmp_path, nothing leaves the machine."""
    settings = {
        "environment": "testing",
        "secret_key": "test-secret-key-not-for-production",
        "instance_path": tmp_path / "instance",
        "smtp_port": 1,  # mail goes to the outbox unless a test starts a server
        "public_url": "http://tekenklaar.test",
    }
    settings.update(overrides)
    return settings


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tekenklaar.db'}"
    if request.config.getoption("--sqlite-only"):
        pytest.skip("--sqlite-only")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app_settings(tmp_path, database_url) -> dict:
    """Override in a test module to change settings for `app`."""
    return base_settings(tmp_path, database_url=database_url)


class SharedConverter:
    """One LibreOffice converter for the whole test session, started on first use.

    Every test app gets it instead of starting LibreOffice of its own; `close` by an app is a
    no-op, the session closes it at the end.
    """

    def __init__(self):
        self._converter = None

    def _get(self):
        if self._converter is None:
            from app.documents import PdfConverter

            self._converter = PdfConverter(instances=1, timeout=120)
            self._converter.start()
        return self._converter

    def convert(self, docx: bytes) -> bytes:
        return self._get().convert(docx)

    def healthy(self) -> bool:
        return self._get().healthy()

    def close(self) -> None:
        pass

    def shutdown(self) -> None:
        if self._converter is not None:
            self._converter.close()


@pytest.fixture(scope="session")
def shared_converter():
    converter = SharedConverter()
    yield converter
    converter.shutdown()


@pytest.fixture
def app(app_settings, shared_converter):
    """The app on a migrated, empty database; emptied again afterwards."""
    from flask_migrate import upgrade

    app = create_app(app_settings)
    app.extensions["tekenklaar"].provide("converter", shared_converter)
    url = app_settings["database_url"]
    with app.app_context():
        if url.startswith("sqlite") or url not in _migrated:
            upgrade()
            _migrated.add(url)
    yield app
    with app.app_context():
        app.extensions["tekenklaar"].close()  # first: waits for background jobs
        db.session.remove()
        if not url.startswith("sqlite"):
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
