"""Shared fixtures: `app`, `client`, `runner`, on SQLite and on PostgreSQL.

Every test that uses `app` runs twice: against SQLite and against the PostgreSQL on
127.0.0.1:5432. Where PostgreSQL cannot be reached the PostgreSQL run is skipped, except in CI
(CI=true), where it fails: there it must run.

The schema is built once per test run (per pytest-xdist worker), not per test:
- SQLite: the migrations run once into a template file; each test gets a copy of it.
- PostgreSQL: each worker has a database of its own, migrated once and emptied before each
  test (DELETE of every table, sequences back to their start: much faster than TRUNCATE).
tests/app/test_migrations.py runs the real migrations from an empty database on both, and
checks that the models and the migrations agree, so this shortcut cannot hide a missing one.

`make test` runs the suite in parallel (pytest-xdist, `-n auto --dist loadgroup`); a plain
`python -m pytest tests/...` runs in one process as before.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from jinja2 import BytecodeCache

from app import create_app
from app.extensions import db

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEKENKLAAR_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# "gw0", "gw1", ... under pytest-xdist; "main" in a run without it
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_addoption(parser):
    parser.addoption("--sqlite-only", action="store_true",
                     help="run the database tests on SQLite only")


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (in CI this must run, not skip)")
    pytest.skip(reason)


# --- parallel runs (pytest-xdist) ---------------------------------------------------------------

# Tests that share an expensive session or module fixture run in one xdist worker, one after
# the other (`--dist loadgroup`), so the fixture starts once: fixture name -> group name.
SHARED_FIXTURE_GROUPS = {
    "browser": "browser",        # one Chromium (tests/web/conftest.py)
    "converter": "libreoffice",  # two LibreOffice servers (tests/documents/conftest.py)
    "s3_endpoint": "moto",       # moto's S3 server (tests/store/test_document_stores.py)
}
# Slow tests start first, so that no worker is left with one of them at the end.
SLOW_FIRST = ("tests/jobs/", "tests/web/test_browser.py")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        for fixture, group in SHARED_FIXTURE_GROUPS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(group))
                break

    def slow_first(item) -> int:
        if item.nodeid.startswith(SLOW_FIRST):
            return 0
        return 1 if item.get_closest_marker("xdist_group") else 2

    items.sort(key=slow_first)  # stable: the order within each class stays


# --- databases ------------------------------------------------------------------------------

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


def migrate(url: str, tmp_path: Path) -> None:
    """Run every Alembic migration on the database at `url` (as `flask db upgrade` does)."""
    from flask_migrate import upgrade

    app = create_app(base_settings(tmp_path, database_url=url))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    app.extensions["tekenklaar"].close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated, empty SQLite file, made once per worker; tests use copies of it."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    migrate(f"sqlite:///{path}", folder)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file (the app sets WAL)
    conn.close()
    return path


# URLs of the databases made here, migrated already; `app` migrates any other it is given.
_migrated: set[str] = set()


def sqlite_copy(template: Path, target: Path) -> str:
    """A private copy of the migrated template at `target`; returns its database URL."""
    shutil.copyfile(template, target)
    url = f"sqlite:///{target}"
    _migrated.add(url)
    return url


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    """A migrated, empty SQLite database of this test's own."""
    return sqlite_copy(sqlite_template, tmp_path / "tekenklaar.db")


@pytest.fixture(scope="session")
def postgres_admin():
    """An engine on the PostgreSQL server's maintenance database; fails in CI if unreachable."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _unavailable(f"PostgreSQL niet bereikbaar: {exc.orig}")
    yield admin
    admin.dispose()


@contextmanager
def new_postgres_database(admin, label: str):
    """A new, empty database named after this worker; dropped afterwards. Yields its URL.

    Commits in it do not wait for the disk (synchronous_commit off): nothing in the tests
    depends on surviving a crash of PostgreSQL itself, and it saves a flush per commit.
    """
    name = f"tekenklaar_test_{WORKER}_{label}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"
            ), {"name": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))


def restore_seed(connection) -> None:
    """Put back the rows the migrations seed (the first fee schedules with their ALV decisions,
    from config/data/fees.toml) in a database whose tables a test emptied."""
    from app.domain.reference import load_reference
    from app.store.seed import seed_fee_schedules
    from config.settings import PROJECT_ROOT

    global _SEED
    if _SEED is None:  # the tests' apps read the default data folder
        _SEED = load_reference(PROJECT_ROOT / "config" / "data").fee_seed
    seed_fee_schedules(connection, _SEED)


_SEED = None


class PostgresDatabase:
    """This worker's migrated PostgreSQL database, emptied quickly between tests.

    Emptied means as the migrations left it: the rows they seed (the first fee schedules with
    their ALV decisions, from fees.toml) are put back, as a copy of the SQLite template has them.
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = sa.create_engine(url)

    def empty(self) -> None:
        """Delete every row (children first) and set every sequence back to its start.

        DELETE on the few rows a test leaves is much faster than TRUNCATE, which makes new
        files for every table. alembic_version is not a model, so it stays.
        """
        from app.store import models  # noqa: F401  (the tables, in db.metadata)

        statements = ["SET lock_timeout = '30s'"]
        statements += [f'DELETE FROM "{table.name}"'
                       for table in reversed(db.metadata.sorted_tables)]
        statements.append("SELECT setval(format('%I.%I', schemaname, sequencename), start_value,"
                          " false) FROM pg_sequences WHERE schemaname = current_schema()")
        conn = self.engine.raw_connection()  # psycopg: several statements, one round trip
        try:
            with conn.cursor() as cursor:
                cursor.execute(";\n".join(statements))
            conn.commit()
        finally:
            conn.close()
        with self.engine.begin() as connection:
            restore_seed(connection)

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_admin, tmp_path_factory):
    """This worker's PostgreSQL database, migrated once for the session."""
    with new_postgres_database(postgres_admin, "session") as url:
        migrate(url, tmp_path_factory.mktemp("postgres-migrate"))
        _migrated.add(url)
        database = PostgresDatabase(url)
        yield database
        database.close()


@pytest.fixture(scope="session")
def postgres_url(postgres_database) -> str:
    """The URL of this worker's migrated PostgreSQL database (emptied only by `database_url`)."""
    return postgres_database.url


@pytest.fixture
def empty_postgres_url(postgres_database):
    """PostgreSQL without any table, for this test alone: a new schema in the worker's
    database, which every connection made with the returned URL uses (its search_path).

    A schema, not a new database: CREATE and DROP DATABASE wait for checkpoints, tens of
    seconds on a busy server.
    """
    schema = f"empty_{uuid.uuid4().hex[:10]}"
    with postgres_database.engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{postgres_database.url}?options=-csearch_path%3D{schema}"
    with postgres_database.engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A migrated database without rows: a copy of the SQLite template, or the worker's
    PostgreSQL database emptied for this test."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    if request.config.getoption("--sqlite-only"):
        pytest.skip("--sqlite-only")
    database = request.getfixturevalue("postgres_database")
    database.empty()
    return database.url


# --- the app --------------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing():
    """Staff passwords hashed with argon2's cheapest parameters in this test process.

    The app's own hasher costs ~0.3 s per sign-in (hash + verify) by design; hundreds of
    signed-in page tests would spend minutes in it. Same algorithm, same code paths; worker
    processes started by tests keep the real parameters.
    """
    from argon2 import PasswordHasher

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("app.services.accounts._hasher",
                      PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled page templates, kept in memory for the whole test process.

    Each test makes an app of its own, and each new app would compile every page template
    again (most of a page test's time). Jinja checks each template's source checksum, so a
    changed template is compiled anew.
    """

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def share_compiled_templates(app):
    """Let `app` reuse the page templates compiled by earlier test apps; returns `app`."""
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


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
    """The app on a migrated, empty database (see `database_url`)."""
    from flask_migrate import upgrade

    app = share_compiled_templates(create_app(app_settings))
    app.extensions["tekenklaar"].provide("converter", shared_converter)
    if app_settings["database_url"] not in _migrated:  # a database a test module made itself
        with app.app_context():
            upgrade()
    yield app
    with app.app_context():
        app.extensions["tekenklaar"].close()  # first: waits for background jobs
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
