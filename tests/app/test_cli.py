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
    assert "5 voorbeeldorganisaties en 5 voorbeeldpakketten geladen." in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "De voorbeeldgegevens stonden er al; er is niets toegevoegd." in second.output
    assert "demo@nvsi.nl" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 5
        packages = db.session.scalars(sa.select(Package)).all()
        assert sorted(p.state for p in packages) == [
            "concept", "ingetrokken", "mislukt", "verzonden", "wacht_op_raad"]
        contacts = {p.contact.email for p in packages}
        signatories = {p.signatory.email for p in packages}
        assert len(contacts) == len(signatories) == 5  # every organisation its own people
        utrecht = db.session.scalar(sa.select(Organisation).where(Organisation.cbs_code == "GM0344"))
        assert {a.kind for a in utrecht.agreements} == {
            "registratie_lid", "verwerkersovereenkomst", "gebruiksovereenkomst"}
        # Utrecht is a member with a DPA and schuldenradar on file: only wijkteamdossier is new
        package = utrecht.packages[0]
        # and the Voorwaarden: no version is recorded with the demo's older agreement
        assert [d.kind for d in package.documents] == ["aanbiedingsbrief", "gebruiksovereenkomst",
                                                       "voorwaarden"]
        for package in packages:  # each state reached through the state machine, in the timeline
            if package.state != "concept":
                assert package.events[-1].state_to == package.state


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


def test_make_run_takes_a_port_and_the_public_url_follows(tmp_path):
    """`make run PORT=…` serves on that port with the public URL on it, unless one is set."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    planned = subprocess.run(["make", "-n", "-s", "run", "PORT=8123"], cwd=root, check=True,
                             capture_output=True, text=True).stdout
    assert "--port 8123" in planned
    serve = planned[planned.index("TEKENKLAAR_PUBLIC_URL="):].replace("\\\n", " ")
    serve = serve.split(".venv/bin/flask run")[0] + " env"  # the environment flask would get
    env = {k: v for k, v in os.environ.items() if k != "TEKENKLAAR_PUBLIC_URL"}
    shown = subprocess.run(["bash", "-c", serve], env=env, check=True, capture_output=True,
                           text=True).stdout
    assert "TEKENKLAAR_PUBLIC_URL=http://127.0.0.1:8123\n" in shown
    env["TEKENKLAAR_PUBLIC_URL"] = "https://tekenklaar.nvsi.example"
    shown = subprocess.run(["bash", "-c", serve], env=env, check=True, capture_output=True,
                           text=True).stdout
    assert "TEKENKLAAR_PUBLIC_URL=https://tekenklaar.nvsi.example\n" in shown


def test_the_demo_package_on_paper_can_be_signed_on(runner, app):
    """The example out for signing on paper works as a real one: the organisation's signature
    is recorded and NVSI's board gets its mail."""
    from app.services.sending import record_organisation_signed
    from app.store.models import OutgoingMail

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        sent = db.session.scalar(sa.select(Package).where(Package.state == "verzonden"))
        assert sent.envelope_id.startswith("manual-")
        signed = record_organisation_signed(sent.id, "demo@nvsi.nl")
        assert signed.state == "deels_ondertekend"
        assert db.session.scalar(sa.select(OutgoingMail.kind).where(
            OutgoingMail.package_id == sent.id, OutgoingMail.kind == "beurt_bestuur"))
