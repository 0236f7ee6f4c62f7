"""The command line: users, tokens and demo data."""

import sqlalchemy as sa

from app.extensions import db
from app.store.models import ApiToken
from app.store.models import Organisation
from app.store.models import Package
from app.store.models import User


def test_users_create(runner, app):
    result = runner.invoke(args=["users", "create", "--email", "Jan@NVSI.nl", "--name",
                                 "Jan de Wit", "--password", "een-lang-wachtwoord"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.email == "jan@nvsi.nl"
        assert user.password_hash.startswith("$argon2")
        assert "een-lang-wachtwoord" not in user.password_hash


def test_users_create_refuses_short_password(runner, app):
    result = runner.invoke(args=["users", "create", "--email", "jan@nvsi.nl", "--name", "Jan",
                                 "--password", "kort"])
    assert result.exit_code != 0
    assert "minstens 12 tekens" in result.output


def test_tokens_create_shows_the_secret_once(runner, app):
    result = runner.invoke(args=["tokens", "create", "Ledenadministratie"])
    secret = result.output.strip()
    assert secret.startswith("tk_")
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.name == "Ledenadministratie"
        assert secret not in token.token_sha256


def test_demo_loads_organisations_with_agreements_and_is_repeatable(runner, app):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert "0 voorbeeldorganisaties" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 5
        assert db.session.scalar(sa.select(sa.func.count(Package.id))) == 2
        utrecht = db.session.scalar(sa.select(Organisation).where(Organisation.cbs_code == "GM0344"))
        assert {a.kind for a in utrecht.agreements} == {
            "registratie_lid", "verwerkersovereenkomst", "gebruiksovereenkomst"}
        # Utrecht is a member with a DPA and schuldenradar on file: only wijkteamdossier is new
        package = utrecht.packages[0]
        assert [d.kind for d in package.documents] == ["aanbiedingsbrief", "gebruiksovereenkomst"]


def test_login_page_is_served_and_pages_need_sign_in(client):
    assert client.get("/inloggen").status_code == 200
    response = client.get("/")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_sign_in_with_demo_account(runner, client):
    runner.invoke(args=["demo"])
    login = client.get("/inloggen")
    token = login.data.decode().split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/inloggen", data={"email": "demo@nvsi.nl",
                                              "password": "demo-wachtwoord-2026",
                                              "csrf_token": token})
    assert response.status_code == 302
    page = client.get("/").data.decode()
    assert "Súdwest-Fryslân" in page
