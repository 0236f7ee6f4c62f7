"""Staff accounts as a system (finding 8): a beheerder lists, adds, deactivates and resets
users and makes and revokes API tokens; a medewerker cannot; each change ends sessions at
once and the password rule refuses weak passwords (finding 9)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.store.models import ApiToken
from app.store.models import User
from tests.web.support import STAFF_EMAIL
from tests.web.support import STAFF_PASSWORD
from tests.web.support import beheerder_client
from tests.web.support import post
from tests.web.support import sign_in
from tests.web.support import text

ADMIN_EMAIL = "beheer@nvsi.nl"
ADMIN_PASSWORD = "beheer zin met vier woorden"


@pytest.fixture
def admin(app):
    return beheerder_client(app, ADMIN_EMAIL, ADMIN_PASSWORD)


def _user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.mark.parametrize("path", ["/beheer/gebruikers", "/beheer/tokens"])
def test_a_medewerker_may_not_open_beheer(staff, path):
    assert staff.get(path).status_code == 403
    assert post(staff, path, {"name": "x", "email": "x@nvsi.nl", "password": "x"}).status_code \
        == 403


def test_a_beheerder_adds_a_user_who_can_sign_in(app, admin):
    response = post(admin, "/beheer/gebruikers", {"name": "Nieuwe Collega",
                                                  "email": "nieuw@nvsi.nl", "role": "medewerker",
                                                  "password": "lange zin voor een collega"})
    assert response.status_code == 302
    page = text(admin.get("/beheer/gebruikers"))
    assert "Nieuwe Collega kan nu inloggen als medewerker." in page
    assert "nieuw@nvsi.nl" in page
    assert sign_in(app.test_client(), "nieuw@nvsi.nl", "lange zin voor een collega") \
        .status_code == 302


@pytest.mark.parametrize("password, message", [
    ("aaaaaaaaaaaa", "herhaalt te veel dezelfde tekens"),
    ("Wachtwoord2026!", "te bekend"),
    ("kort", "minstens 12 tekens"),
])
def test_weak_passwords_are_refused_in_dutch(app, admin, password, message):
    response = post(admin, "/beheer/gebruikers", {"name": "Zwak", "email": "zwak@nvsi.nl",
                                                  "role": "medewerker", "password": password})
    assert response.status_code == 422
    assert message in text(response)
    assert _user(app, "zwak@nvsi.nl") is None


def test_deactivating_a_user_ends_their_session_at_once(app, admin, staff):
    assert staff.get("/").status_code == 200
    user = _user(app, STAFF_EMAIL)
    assert post(admin, f"/beheer/gebruikers/{user.id}/deactiveren").status_code == 302
    assert staff.get("/").status_code == 302
    assert sign_in(app.test_client()).status_code == 401
    assert post(admin, f"/beheer/gebruikers/{user.id}/activeren").status_code == 302
    assert sign_in(app.test_client()).status_code == 302


def test_a_reset_password_ends_sessions_and_the_old_password(app, admin, staff):
    user = _user(app, STAFF_EMAIL)
    response = post(admin, f"/beheer/gebruikers/{user.id}/wachtwoord",
                    {"password": "een nieuwe zin voor mees"})
    assert response.status_code == 302
    assert staff.get("/").status_code == 302
    assert sign_in(app.test_client(), STAFF_EMAIL, STAFF_PASSWORD).status_code == 401
    assert sign_in(app.test_client(), STAFF_EMAIL, "een nieuwe zin voor mees").status_code == 302


def test_a_beheerder_cannot_deactivate_themselves(app, admin):
    me = _user(app, ADMIN_EMAIL)
    post(admin, f"/beheer/gebruikers/{me.id}/deactiveren")
    assert _user(app, ADMIN_EMAIL).active
    assert admin.get("/").status_code == 200


def test_own_password_change_ends_the_other_sessions(app, staff):
    elsewhere = app.test_client()
    sign_in(elsewhere)
    response = post(staff, "/account/wachtwoord", {"current": STAFF_PASSWORD,
                                                   "password": "mijn eigen nieuwe zin"})
    assert response.status_code == 302
    assert staff.get("/").status_code == 200  # this browser goes on
    assert elsewhere.get("/").status_code == 302  # the other session has ended
    wrong = post(staff, "/account/wachtwoord", {"current": "fout", "password": "nog een zin x"})
    assert wrong.status_code == 422 and "Het huidige wachtwoord klopt niet." in text(wrong)


def test_tokens_are_made_shown_once_and_revoked(app, admin):
    response = post(admin, "/beheer/tokens", {"name": "Ledenadministratie"})
    assert response.status_code == 201
    secret = re.search(r'<code id="new-token">(tk_[^<]+)</code>', text(response))[1]
    assert response.headers["Cache-Control"] == "no-store"
    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/packages", headers=headers).status_code == 200
    assert secret not in text(admin.get("/beheer/tokens"))
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    assert post(admin, f"/beheer/tokens/{token_id}/intrekken").status_code == 302
    assert api.get("/api/v1/packages", headers=headers).status_code == 401
    assert "Ingetrokken op" in text(admin.get("/beheer/tokens"))


def test_the_cli_revokes_a_token_by_name(app, runner):
    from app.services.accounts import create_token

    with app.app_context():
        secret = create_token("Ledenadministratie")
    result = runner.invoke(args=["tokens", "revoke", "Ledenadministratie"])
    assert result.exit_code == 0 and "1 token ingetrokken." in result.output
    response = app.test_client().get("/api/v1/packages",
                                     headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
