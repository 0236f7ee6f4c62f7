"""Fixtures for the signing pages: an app that mails through a real SMTP server and converts
with a stand-in for LibreOffice (the browser test uses the real one)."""

from __future__ import annotations

import pytest

from tests.conftest import base_settings
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)


@pytest.fixture
def app_settings(tmp_path, database_url, smtp_server) -> dict:  # noqa: F811
    return base_settings(tmp_path, database_url=database_url, mail_backend="smtp",
                         smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                         smtp_starttls=False, smtp_timeout=5, job_retry_seconds=0.05)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app
