"""Findings 2 (lock-out race, address enumeration, locking out a colleague), 4 (no rate limit
on sign-in), 7 (open redirect) and 8 (sessions that cannot be revoked): each attack, and
that it now fails."""

from __future__ import annotations

import threading

import pytest

from app.services import accounts
from tests.web.support import STAFF_EMAIL
from tests.web.support import STAFF_PASSWORD
from tests.web.support import csrf_token
from tests.web.support import make_user
from tests.web.support import post
from tests.web.support import sign_in
from tests.web.support import text

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
COLLEAGUE = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture
def hashes(monkeypatch):
    """Counts every argon2 check."""
    calls = []
    real = accounts._verify

    def counting(password_hash, password):
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", counting)
    return calls


def _client(app, environ):
    client = app.test_client()
    client.environ_base.update(environ)
    return client


def _settings(app):
    return app.extensions["tekenklaar"].settings


# --- finding 2: the lock-out ---------------------------------------------------------------

def test_parallel_wrong_passwords_are_counted_and_checked_at_most_max_times(app, hashes):
    """Twenty wrong passwords at once: at most `login_max_failures` are checked, the rest are
    refused as locked, and the right password is refused too until the window ends."""
    make_user(app)
    results: list[str] = []
    barrier = threading.Barrier(20)

    def attempt():
        with app.app_context():
            barrier.wait()
            try:
                accounts.authenticate(STAFF_EMAIL, "fout-wachtwoord-123", client="203.0.113.66")
            except accounts.AccountError as exc:
                results.append(str(exc))
            finally:
                from app.extensions import db

                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    limit = _settings(app).login_max_failures
    assert len(results) == 20
    assert len(hashes) == limit
    assert sum(r.startswith("Te veel mislukte pogingen") for r in results) == 20 - limit
    with app.app_context(), pytest.raises(accounts.AccountError, match="Te veel"):
        accounts.authenticate(STAFF_EMAIL, STAFF_PASSWORD, client="203.0.113.66")


def test_known_and_unknown_addresses_get_the_same_answers_and_the_same_work(app, hashes):
    make_user(app)
    answers = {}
    for email, environ in ((STAFF_EMAIL, ATTACKER), ("niemand@nvsi.nl", COLLEAGUE)):
        client = _client(app, environ)
        before = len(hashes)
        seen = []
        for _ in range(_settings(app).login_max_failures + 2):
            response = sign_in(client, email=email, password="fout-wachtwoord-123")
            seen.append((response.status_code, _error(response)))
        answers[email] = (seen, len(hashes) - before)
    assert answers[STAFF_EMAIL] == answers["niemand@nvsi.nl"]
    seen, checks = answers[STAFF_EMAIL]
    assert checks == _settings(app).login_max_failures  # one argon2 check each, then none
    assert seen[-1][1].startswith("Te veel mislukte pogingen")


def test_a_stranger_cannot_lock_a_colleague_out(app):
    make_user(app)
    attacker = _client(app, ATTACKER)
    for _ in range(_settings(app).login_max_failures + 3):
        sign_in(attacker, password="fout-wachtwoord-123")
    assert "Te veel" in _error(sign_in(attacker))  # the guessing client is stopped
    colleague = _client(app, COLLEAGUE)
    response = sign_in(colleague)
    assert response.status_code == 302  # the colleague, elsewhere, signs in


def test_a_right_password_clears_the_count(app):
    make_user(app)
    client = _client(app, COLLEAGUE)
    for _ in range(_settings(app).login_max_failures - 1):
        sign_in(client, password="fout-wachtwoord-123")
    assert sign_in(client).status_code == 302
    post(client, "/uitloggen")
    for _ in range(_settings(app).login_max_failures - 1):
        sign_in(client, password="fout-wachtwoord-123")
    assert sign_in(client).status_code == 302


# --- finding 4: rate limit on sign-in ------------------------------------------------------

def test_thirty_rapid_failed_sign_ins_get_429_without_a_hash_each(app, hashes):
    make_user(app)
    attacker = _client(app, ATTACKER)
    token = csrf_token(attacker)
    statuses = [attacker.post("/inloggen", data={"email": f"x{n}@nvsi.nl", "password": "fout",
                                                 "csrf_token": token}).status_code
                for n in range(30)]
    allowed = int(_settings(app).ratelimit_login.split()[0])
    assert statuses[:allowed] == [401] * allowed
    assert statuses[allowed:] == [429] * (30 - allowed)
    assert len(hashes) == allowed  # the refused ones cost no argon2 hash
    refused = attacker.post("/inloggen", data={"email": "y@nvsi.nl", "password": "fout",
                                               "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Even geduld" in text(refused) and "te veel verzoeken" in text(refused)
    # The service keeps answering everyone else.
    assert sign_in(_client(app, COLLEAGUE)).status_code == 302


# --- finding 7: open redirect --------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/",
    "/%0d%0aLocation:%20https://evil.example", "/%0a/evil.example", "javascript:alert(1)",
    "/\t/evil.example", "%2F%2Fevil.example",
])
def test_sign_in_goes_only_to_local_paths(app, target):
    make_user(app)
    client = app.test_client()
    response = client.post(f"/inloggen?next={target}",
                           data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD,
                                 "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_local_next_is_kept(app):
    make_user(app)
    client = app.test_client()
    response = client.post("/inloggen?next=/organisaties%3Fpagina%3D2",
                           data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD,
                                 "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/organisaties?pagina=2"


# --- finding 8: sessions end on the server -------------------------------------------------

def _cookie(client):
    return client.get_cookie("session").value


def test_a_session_cookie_replayed_after_sign_out_is_refused(app):
    make_user(app)
    client = app.test_client()
    sign_in(client)
    stolen = _cookie(client)
    other = app.test_client()  # the same user in a second browser
    sign_in(other)
    assert post(client, "/uitloggen").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 302  # to the sign-in page
    assert other.get("/").status_code == 302  # sign-out ended every session of the user


def test_deactivation_and_a_new_password_end_every_session(app, runner):
    make_user(app)
    client = app.test_client()
    sign_in(client)
    assert client.get("/").status_code == 200
    result = runner.invoke(args=["users", "password", STAFF_EMAIL, "--password",
                                 "nieuwe zin van vier woorden"])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    sign_in(client, password="nieuwe zin van vier woorden")
    assert client.get("/").status_code == 200
    result = runner.invoke(args=["users", "deactivate", STAFF_EMAIL])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    response = sign_in(client, password="nieuwe zin van vier woorden")
    assert response.status_code == 401  # and no new session


def _error(response) -> str:
    import re

    match = re.search(r'id="login-error"[^>]*>(.*?)</', text(response), re.S)
    return re.sub(r"<[^>]+>|Fout:", "", match[1]).strip() if match else ""
