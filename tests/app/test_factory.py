"""The app factory, settings and migrations."""

import pytest
import sqlalchemy as sa

from app import create_app
from app.domain.reference import ReferenceDataError
from config.settings import SettingsError
from config.settings import load_settings
from tests.conftest import base_settings


def test_testing_flag(tmp_path):
    """The factory reads settings from a dict; only the testing environment sets TESTING."""
    assert create_app(base_settings(tmp_path)).testing
    assert not create_app(base_settings(tmp_path, environment="development")).testing


def test_defaults_are_the_embedded_mode(tmp_path, monkeypatch):
    """With no settings, the service runs on SQLite and local files, with inline jobs."""
    for name in list(__import__("os").environ):
        if name.startswith("TEKENKLAAR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    settings = load_settings(instance_path=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'tekenklaar.db'}"
    assert settings.storage == "local" and settings.storage_path == tmp_path / "documents"
    assert settings.mail_backend == "outbox" and settings.jobs == "inline"
    assert settings.signing_provider is None  # chosen by default_provider(): paper until a
    # sealing certificate is configured
    assert settings.breach_notice_hours == 24


def test_wrong_settings_name_the_variable(monkeypatch):
    """A wrong value stops start-up with one message naming each variable and what it expects."""
    monkeypatch.setenv("TEKENKLAAR_BREACH_NOTICE_HOURS", "veel")
    monkeypatch.setenv("TEKENKLAAR_JOBS", "celery")
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert "TEKENKLAAR_BREACH_NOTICE_HOURS: verwacht een geheel getal, gekregen 'veel'" in message
    assert "TEKENKLAAR_JOBS: verwacht een van: 'inline' of 'rq'" in message


def test_out_of_range_setting(monkeypatch):
    monkeypatch.setenv("TEKENKLAAR_BREACH_NOTICE_HOURS", "100")
    with pytest.raises(SettingsError, match="TEKENKLAAR_BREACH_NOTICE_HOURS: verwacht een getal van hoogstens 72"):
        load_settings()


def test_production_needs_a_secret_key(monkeypatch, tmp_path):
    with pytest.raises(SettingsError, match="TEKENKLAAR_SECRET_KEY is verplicht in productie"):
        load_settings(environment="production", instance_path=tmp_path)


def test_s3_needs_a_bucket(tmp_path):
    with pytest.raises(SettingsError, match="TEKENKLAAR_S3_BUCKET"):
        load_settings(storage="s3", instance_path=tmp_path)


def test_development_secret_is_generated_once(tmp_path):
    settings = load_settings(instance_path=tmp_path)
    first = settings.secret()
    assert len(first) > 40
    assert load_settings(instance_path=tmp_path).secret() == first


def test_broken_reference_data_stops_start_up(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(ReferenceDataError, match="catalogue.toml: bestand ontbreekt"):
        create_app(base_settings(tmp_path, data_dir=tmp_path / "data"))


def test_migrations_create_every_table(app):
    """The migrations make the tables the models describe, on SQLite and PostgreSQL."""
    from app.extensions import db

    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    expected = {t.name for t in db.metadata.sorted_tables}
    assert expected <= tables
    assert "alembic_version" in tables


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    """The embedded SQLite lets the background job thread and requests share the database."""
    from app.extensions import db

    app = create_app(base_settings(tmp_path))
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        db.engine.dispose()
