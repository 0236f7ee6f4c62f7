"""The real migrations, from an empty database to head, on SQLite and PostgreSQL.

Every other test gets a database migrated once per run (see tests/conftest.py); these make sure
the Alembic chain itself runs from nothing and describes exactly what the models describe, so a
model change without its migration fails here.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app import MIGRATIONS
from app import create_app
from app.extensions import db
from tests.conftest import base_settings


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    if request.config.getoption("--sqlite-only"):
        pytest.skip("--sqlite-only")
    return request.getfixturevalue("empty_postgres_url")


@pytest.fixture
def migrated(empty_url, tmp_path):
    """An app whose empty database has just been migrated by `flask db upgrade`'s code."""
    from flask_migrate import upgrade

    app = create_app(base_settings(tmp_path, database_url=empty_url))
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
    app.extensions["tekenklaar"].close()


def test_migrations_run_from_an_empty_database_to_head(migrated):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"the migration chain must stay linear: {heads}"
    with db.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version == heads[0]
    assert tables == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}


def test_the_models_match_the_migrations(migrated):
    """What `flask db migrate` would generate now is nothing: no change lacks a migration."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
