"""Tekenklaar: the NVSI's contract service.

`create_app(settings=None)` is the only place extensions are wired and blueprints registered.
Nothing is created at import time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from flask import Flask
from flask import Request

from app.domain.innovatiekas import load_criteria
from app.domain.reference import load_reference
from config.settings import Settings
from config.settings import load_settings

MIGRATIONS = Path(__file__).resolve().parent / "store" / "migrations"
MAX_UPLOAD = 25 * 1024 * 1024  # a signed scan or a template (multipart)
MAX_PLAIN_BODY = 1024 * 1024  # any other body: a form without files, JSON, a callback
MAX_FORM_FIELD = 256 * 1024  # one text field of a multipart form
MAX_FORM_PARTS = 500


class CappedRequest(Request):
    """Only a multipart form (with a file) may be as large as MAX_UPLOAD; any other body is
    refused (413) past MAX_PLAIN_BODY before it is read, so a 25 MB form of text is never
    parsed or echoed back. A view may lower the limit further (the API does)."""

    _own_limit: int | None = None

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        if self._own_limit is not None:
            return self._own_limit
        limit = super().max_content_length
        if self.mimetype != "multipart/form-data" and limit is not None:
            return min(limit, MAX_PLAIN_BODY)
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._own_limit = value


def create_app(settings: Settings | dict | None = None) -> Flask:
    """Build the Flask app from settings (a Settings, a dict of overrides, or the environment).

    Raises SettingsError or ReferenceDataError with a message naming what is wrong.
    """
    if not isinstance(settings, Settings):
        settings = load_settings(**(settings or {}))
    reference = load_reference(settings.data_dir)
    load_criteria(settings.data_dir)  # the bestuur's cover criteria (doorontwikkeling)

    app = Flask(__name__, instance_path=str(settings.instance_path), static_folder=None)
    app.request_class = CappedRequest
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    _configure(app, settings)
    _configure_logging(settings)
    _configure_extensions(app, settings, reference)
    _register_blueprints(app)
    _register_jobs(app, settings)
    _register_cli(app)
    _register_template_helpers(app)
    return app


def _configure(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.secret(),
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        # A ping before each use finds a server connection that died; a SQLite file has none.
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": not settings.database_url.startswith(
            "sqlite"), "hide_parameters": True},
        TESTING=settings.environment == "testing",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=8),
        MAX_CONTENT_LENGTH=MAX_UPLOAD,
        MAX_FORM_MEMORY_SIZE=MAX_FORM_FIELD,
        MAX_FORM_PARTS=MAX_FORM_PARTS,
        WTF_CSRF_TIME_LIMIT=None,
    )


def _configure_logging(settings: Settings) -> None:
    from app.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level)


def _configure_extensions(app: Flask, settings: Settings, reference) -> None:
    from app.extensions import csrf
    from app.extensions import db
    from app.extensions import login
    from app.extensions import migrate
    from app.runtime import Runtime
    from app.store.storage import make_store

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    login.init_app(app)

    from app import ratelimits

    ratelimits.configure(app, settings)  # before CSRF: a refused request reads no form
    csrf.init_app(app)
    if settings.proxy_count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_count,
                                x_proto=settings.proxy_count, x_host=0)
    # Prices come from the fee schedules in the database (app/services/fee_schedules.py);
    # fees.toml is only their seed, so the shared reference data carries no fee years.
    app.extensions["tekenklaar"] = Runtime(settings, replace(reference, fee_years={}),
                                           make_store(settings))

    from app.store.database import configure_database

    configure_database(app)

    from app.store import models  # noqa: F401  (registers the tables with db.metadata)


def _register_blueprints(app: Flask) -> None:
    from app import api
    from app import ops
    from app import signers
    from app import web
    from app import webhooks
    from app.extensions import csrf

    app.register_blueprint(ops.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(webhooks.bp, url_prefix="/webhooks")
    app.register_blueprint(signers.bp, url_prefix="/ondertekenen")
    csrf.exempt(api.bp)
    csrf.exempt(webhooks.bp)


def _register_jobs(app: Flask, settings: Settings) -> None:
    from app import jobs
    from app.services.jobs import register_jobs

    register_jobs(settings)
    jobs.init_app(app)


def _register_cli(app: Flask) -> None:
    from app import cli

    cli.init_app(app)


def _register_template_helpers(app: Flask) -> None:
    from app.domain import formatting

    app.jinja_env.filters["geld"] = formatting.format_money
    app.jinja_env.filters["datum"] = formatting.format_date
    app.jinja_env.filters["tijdstip"] = formatting.format_datetime
