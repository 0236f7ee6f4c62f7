"""The staff page 'Uitgaande mail': the queue with states and reasons, one mail, retrying,
and in outbox mode the .eml file."""

import re

import pytest

import app.web.outbox  # noqa: F401  (adds the pages to the staff blueprint)
from app.extensions import db
from app.services import mailing
from app.services.accounts import create_user
from app.store.models import OutgoingMail
from app.store.models import utcnow
from tests.mail.factories import ready_package


def sign_in(client, app):
    with app.app_context():
        create_user("medewerker@nvsi.example", "Medewerker", "een-lang-wachtwoord")
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post("/inloggen", data={"email": "medewerker@nvsi.example",
                                              "password": "een-lang-wachtwoord",
                                              "csrf_token": token})
    assert response.status_code == 302
    return token


def csrf_from(client, path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(
        as_text=True))[1]


@pytest.fixture
def mails(app):
    """One sent, one waiting after an error, one failed."""
    with app.app_context():
        rows = []
        for name in ("Stichting Een", "Stichting Twee", "Stichting Drie"):
            (mail,) = mailing.queue_package_sent(ready_package(name=name))
            rows.append(mail)
        db.session.commit()
        mailing.deliver_pending()
        rows[1].state, rows[1].attempts = "wachtend", 2
        rows[1].last_error = "Geen verbinding met de SMTP-server mail.example:587 (TimeoutError)."
        rows[1].next_attempt_at = utcnow()
        rows[2].state, rows[2].attempts = "mislukt", mailing.MAX_ATTEMPTS
        rows[2].last_error = "De SMTP-server weigerde alle ontvangers (code 550)."
        db.session.commit()
        return [m.id for m in rows]


def test_the_page_needs_sign_in(client):
    response = client.get("/uitgaande-mail")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_the_queue_shows_each_state_with_its_reason(app, client, mails):
    sign_in(client, app)
    page = client.get("/uitgaande-mail").get_data(as_text=True)
    assert "Alle (3)" in page and "Wachtend (1)" in page and "Mislukt (1)" in page
    assert "Verzonden (1)" in page
    assert "Geen verbinding met de SMTP-server mail.example:587" in page
    assert "weigerde alle ontvangers (code 550)" in page
    assert "Wachtende e-mail nu verzenden" in page
    failed = client.get("/uitgaande-mail?status=mislukt").get_data(as_text=True)
    assert "Stichting Drie" in failed and "Stichting Een" not in failed


def test_one_sent_mail_shows_its_eml_in_outbox_mode(app, client, mails):
    sign_in(client, app)
    page = client.get(f"/uitgaande-mail/{mails[0]}").get_data(as_text=True)
    assert "Het .eml-bestand" in page and "Message-ID:" in page
    assert "Geachte mevrouw/heer De Vries," in page
    assert "Nu opnieuw proberen" not in page
    response = client.get(f"/uitgaande-mail/{mails[0]}/eml")
    assert response.status_code == 200 and response.mimetype == "message/rfc822"
    assert b"Subject:" in response.data
    assert client.get(f"/uitgaande-mail/{mails[1]}/eml").status_code == 404


def test_staff_can_retry_a_failed_mail(app, client, mails):
    sign_in(client, app)
    token = csrf_from(client, f"/uitgaande-mail/{mails[2]}")
    response = client.post(f"/uitgaande-mail/{mails[2]}/opnieuw", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        mail = db.session.get(OutgoingMail, mails[2])
        assert mail.state == "verzonden"  # the outbox is always there
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "De e-mail is verzonden." in page


def test_deliver_now_sends_what_waits(app, client, mails):
    sign_in(client, app)
    token = csrf_from(client, "/uitgaande-mail")
    response = client.post("/uitgaande-mail/verzenden", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Verzonden: 1." in response.get_data(as_text=True)


def test_retry_without_csrf_is_refused(app, client, mails):
    sign_in(client, app)
    response = client.post(f"/uitgaande-mail/{mails[2]}/opnieuw")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(OutgoingMail, mails[2]).state == "mislukt"


def test_an_unknown_mail_is_404(app, client):
    sign_in(client, app)
    assert client.get("/uitgaande-mail/999").status_code == 404


def test_deliver_now_that_fails_plans_the_next_attempt(app, client, mails, monkeypatch):
    """'Nu verzenden' with a mail server that is down: the mail waits, and its next attempt
    is a job planned for later (before, a failure there planned nothing)."""
    import sqlalchemy as sa

    from app.mail.backends import OutboxBackend
    from app.store.models import JobRun

    def down(self, message):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(OutboxBackend, "send", down)
    sign_in(client, app)
    token = csrf_from(client, "/uitgaande-mail")
    response = client.post("/uitgaande-mail/verzenden", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Nog wachtend na een fout: 1." in response.get_data(as_text=True)
    with app.app_context():
        mail = db.session.get(OutgoingMail, mails[1])
        assert mail.state == "wachtend" and mail.next_attempt_at > utcnow()
        planned = db.session.scalars(sa.select(JobRun).where(
            JobRun.name == "app.services.mailing:deliver_mail_job",
            JobRun.state == "wachtend")).all()
        assert [job.due_at for job in planned] == [mail.next_attempt_at]
