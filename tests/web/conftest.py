"""Fixtures for the staff pages: a signed-in client, and a live server with Chromium."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.web.support import make_user
from tests.web.support import sign_in

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def staff(app, client):
    """A test client signed in as a member of staff."""
    make_user(app)
    response = sign_in(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} ontbreekt (in CI moeten de browsertests draaien)")
        pytest.skip(f"{CHROMIUM} ontbreekt")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, sqlite_template, shared_converter):
    """The real app on SQLite (a copy of the migrated template), with a staff user, converting
    with the session's LibreOffice."""
    from app import create_app
    from app.extensions import db
    from tests.conftest import base_settings
    from tests.conftest import share_compiled_templates
    from tests.conftest import sqlite_copy

    app = create_app(base_settings(tmp_path, database_url=sqlite_copy(sqlite_template,
                                                                      tmp_path / "browser.db")))
    share_compiled_templates(app)
    app.extensions["tekenklaar"].provide("converter", shared_converter)
    make_user(app)
    yield app
    app.extensions["tekenklaar"].close()  # waits for background jobs
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    """Serve `live_app` from a thread on a free port; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page (own cookies) with the live server's base URL."""
    context = browser.new_context(base_url=live_server, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
