"""Finding 5 (production started with an empty or one-character secret key, an http public
URL and cookies without Secure) and the database file that was world-readable (finding 9)."""

from __future__ import annotations

import stat

import pytest

from app import create_app
from config.settings import SettingsError
from config.settings import load_settings
from tests.conftest import base_settings

STRONG = "Vq3sX0-9aJrL2mTzWc8yPbN4hK7eGdF1uR6o"  # 36 random characters
GOOD = {"environment": "production", "secret_key": STRONG,
        "public_url": "https://contracten.nvsi.nl", "session_cookie_secure": True}


@pytest.mark.parametrize("secret, expected", [
    (None, "TEKENKLAAR_SECRET_KEY is verplicht in productie"),
    ("", "TEKENKLAAR_SECRET_KEY is verplicht in productie"),
    ("s", "TEKENKLAAR_SECRET_KEY is te zwak: gebruik minstens 32 willekeurige bytes"),
    ("kort-maar-niet-leeg", "TEKENKLAAR_SECRET_KEY is te zwak"),
    ("a" * 64, "TEKENKLAAR_SECRET_KEY is te zwak"),
    ("abababababababababababababababababab", "TEKENKLAAR_SECRET_KEY is te zwak"),
])
def test_production_refuses_a_missing_or_weak_secret_key(tmp_path, secret, expected):
    with pytest.raises(SettingsError, match=expected):
        load_settings(**{**GOOD, "secret_key": secret}, instance_path=tmp_path)


def test_production_refuses_http_and_cookies_without_secure_naming_each_variable(tmp_path):
    with pytest.raises(SettingsError) as caught:
        load_settings(**{**GOOD, "public_url": "http://contracten.nvsi.nl",
                         "session_cookie_secure": False}, instance_path=tmp_path)
    message = str(caught.value)
    assert "TEKENKLAAR_PUBLIC_URL moet in productie met https:// beginnen" in message
    assert "TEKENKLAAR_SESSION_COOKIE_SECURE moet in productie true zijn" in message


def test_production_starts_with_strong_settings_and_secure_cookies(tmp_path):
    settings = load_settings(**GOOD, instance_path=tmp_path,
                             database_url=f"sqlite:///{tmp_path / 'p.db'}")
    app = create_app(settings)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == STRONG
    assert settings.ratelimit_storage_url == settings.redis_url  # shared by every process


def test_a_callback_forged_with_an_empty_key_is_refused(client):
    """With an empty secret key a callback signed with "" was accepted; now there is never an
    empty key, and the manual provider's key is derived from the real one."""
    from signing.providers.manual import ManualProvider

    headers, body = ManualProvider.sign("", b'{"events": []}')
    response = client.post("/webhooks/manual", data=body, headers=headers)
    assert response.status_code in (400, 401, 403)


def test_the_sqlite_file_and_the_secret_key_file_are_private(tmp_path):
    app = create_app(base_settings(tmp_path, secret_key=None,
                                   database_url=f"sqlite:///{tmp_path / 'data' / 't.db'}"))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    for path in (tmp_path / "data" / "t.db", tmp_path / "instance" / "secret_key"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
