"""The mail queue against a real SMTP server: what arrives, and what happens when the server
is away (the mail waits, with backoff, and goes out once the server is back)."""

import datetime as dt
import hashlib
import logging
import re

import pytest

from app.extensions import db
from app.runtime import runtime
from app.services import mailing
from app.store.models import OutgoingMail
from app.store.models import Package
from app.store.models import utcnow
from tests.conftest import base_settings
from tests.mail.factories import CONTACT_EMAIL
from tests.mail.factories import SIGNATORY_EMAIL
from tests.mail.factories import ready_package
from tests.mail.factories import sign_everything

COPY_TO = "archief@nvsi.example"


@pytest.fixture
def app_settings(tmp_path, database_url, smtp_server):
    return base_settings(tmp_path, database_url=database_url, mail_backend="smtp",
                         smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                         smtp_starttls=False, smtp_timeout=5, mail_copy_to=COPY_TO)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def subject(message) -> str:
    """The Subject as a reader sees it (a folded header may keep its folding space)."""
    return str(message["Subject"]).strip()


def attachments(message) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}


def queue_sent(name="Stichting De Brug") -> tuple[int, list[int]]:
    package = ready_package(name=name)
    mails = mailing.queue_package_sent(package)
    db.session.commit()
    return package.id, [m.id for m in mails]


def test_package_sent_mail_arrives_with_the_pdfs(app, smtp_server):
    """Recipients, a Dutch subject, text and HTML, and every PDF byte for byte."""
    with app.app_context():
        package_id, (mail_id,) = queue_sent()
        assert mailing.deliver_pending() == {"sent": 1, "retrying": 0, "failed": 0}
        package = db.session.get(Package, package_id)
        mail = db.session.get(OutgoingMail, mail_id)
        expected = {f"{d.filename}.pdf": d.pdf_sha256 for d in package.documents}
        stored = {f"{d.filename}.pdf": sha(runtime().store.get(d.pdf_key))
                  for d in package.documents}
        reference = package.reference_number
        assert mail.state == "verzonden" and mail.attempts == 1 and mail.sent_at
        assert mail.last_error is None
        assert [e.message for e in package.events if e.kind == "mail"] == [
            "E-mail 'Documenten ter ondertekening' klaargezet voor verzending "
            "(2 ontvangers, 5 bijlagen).",
            "E-mail 'Documenten ter ondertekening' verzonden."]

    (envelope,) = smtp_server.handler.envelopes
    assert envelope.mail_from == "contracten@nvsi.nl"
    assert sorted(envelope.rcpt_tos) == sorted([CONTACT_EMAIL, SIGNATORY_EMAIL])
    (message,) = smtp_server.messages
    assert subject(message) == ("Ter ondertekening: documenten van de NVSI voor "
                                  f"Stichting De Brug ({reference})")
    assert message["Message-ID"] == mail.message_id
    assert message["To"].addresses[0].display_name == "Jan de Vries"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.startswith("Geachte mevrouw/heer De Vries,")
    assert "stuurt Stichting De Brug hierbij" in text  # not a gemeente: by its name
    assert "uiterlijk op" in text and "binnen 14 dagen" not in text
    assert "één PDF per document" in text
    assert "Ter ondertekening:" in text and "Verwerkersovereenkomst" in text
    assert "Laat ze ondertekenen door Ans Bakker (voorzitter)" in text
    assert "€ 6.386,25" in text and "1 januari 2027" in text
    assert '<html lang="nl">' in html and "€ 6.386,25" in html
    received = {name: sha(data) for name, data in attachments(message).items()}
    assert received == expected == stored
    assert all(part.get_content_type() == "application/pdf"
               for part in message.iter_attachments())


def test_html_is_escaped_and_text_is_not(app, smtp_server):
    with app.app_context():
        queue_sent(name="Stichting <Noord> & Zuid")
        mailing.deliver_pending()
    (message,) = smtp_server.messages
    assert "Stichting <Noord> & Zuid" in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Stichting &lt;Noord&gt; &amp; Zuid" in html and "<Noord>" not in html


def test_with_the_server_away_the_mail_waits_and_goes_out_when_it_is_back(app, smtp_server):
    smtp_server.stop()
    start = utcnow()
    with app.app_context():
        _package_id, (mail_id,) = queue_sent()
        assert mailing.deliver_pending(now=start) == {"sent": 0, "retrying": 1, "failed": 0}
        mail = db.session.get(OutgoingMail, mail_id)
        assert (mail.state, mail.attempts) == ("wachtend", 1)
        assert mail.last_error.startswith("Geen verbinding met de SMTP-server 127.0.0.1:")
        assert "@" not in mail.last_error
        assert mail.next_attempt_at == start + dt.timedelta(minutes=1)

        # Not due yet: nothing is tried.
        assert mailing.deliver_pending(now=start + dt.timedelta(seconds=30)) == \
            {"sent": 0, "retrying": 0, "failed": 0}
        assert db.session.get(OutgoingMail, mail_id).attempts == 1

        smtp_server.start()  # the same port again
        counts = mailing.deliver_pending(now=start + dt.timedelta(minutes=1))
        assert counts == {"sent": 1, "retrying": 0, "failed": 0}
        mail = db.session.get(OutgoingMail, mail_id)
        assert (mail.state, mail.attempts) == ("verzonden", 2)
        assert mail.last_error is None
    assert len(smtp_server.messages) == 1


def test_backoff_doubles_to_an_hour_then_the_mail_fails_and_staff_can_retry(app, smtp_server):
    smtp_server.stop()
    now = utcnow()
    with app.app_context():
        _package_id, (mail_id,) = queue_sent()
        waits = []
        for _attempt in range(mailing.MAX_ATTEMPTS - 1):
            assert mailing.deliver_pending(now=now)["retrying"] == 1
            mail = db.session.get(OutgoingMail, mail_id)
            waits.append(mail.next_attempt_at - now)
            now = mail.next_attempt_at
        assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16, 32, 60]
        assert mailing.deliver_pending(now=now) == {"sent": 0, "retrying": 0, "failed": 1}
        mail = db.session.get(OutgoingMail, mail_id)
        assert (mail.state, mail.attempts, mail.next_attempt_at) == (
            "mislukt", mailing.MAX_ATTEMPTS, None)
        package = db.session.get(Package, mail.package_id)
        assert "kon na 8 pogingen niet worden verzonden" in package.events[-1].message
        # A failed mail is not tried again by itself ...
        assert mailing.deliver_pending(now=now + dt.timedelta(days=1))["failed"] == 0

        # ... but staff can put it back.
        smtp_server.start()
        mailing.retry_mail(mail_id, actor="medewerker")
        mail = db.session.get(OutgoingMail, mail_id)
        assert (mail.state, mail.attempts) == ("wachtend", 0)
        assert mailing.deliver_pending()["sent"] == 1
        with pytest.raises(mailing.ServiceError, match="al verzonden"):
            mailing.retry_mail(mail_id, actor="medewerker")
    assert len(smtp_server.messages) == 1


def test_a_missing_attachment_keeps_the_mail_waiting(app, smtp_server):
    with app.app_context():
        _package_id, (mail_id,) = queue_sent()
        mail = db.session.get(OutgoingMail, mail_id)
        mail.attachments = [*mail.attachments, {"key": "packages/weg.pdf", "filename": "weg.pdf",
                                                "type": "application/pdf"}]
        db.session.commit()
        assert mailing.deliver_pending()["retrying"] == 1
        assert db.session.get(OutgoingMail, mail_id).last_error == \
            "Een bijlage ontbreekt in de documentopslag."
    assert smtp_server.messages == []


def test_completed_mail_carries_the_signed_pdfs_and_the_audit_trail(app, smtp_server):
    """To the organisation's contact, and a copy to the NVSI (mail_copy_to)."""
    with app.app_context():
        package = ready_package()
        sign_everything(package, audit=b"Ondertekenverslag NVSI-test\n")
        mails = mailing.queue_completed(package)
        db.session.commit()
        assert [m.kind for m in mails] == ["voltooid", "voltooid_kopie"]
        expected = {f"{d.filename}-ondertekend.pdf": d.signed_sha256
                    for d in package.documents if d.signed_required}
        expected["ondertekenverslag.txt"] = package.audit_trail_sha256
        reference = package.reference_number
        assert mailing.deliver_pending()["sent"] == 2

    to_organisation, to_nvsi = smtp_server.messages
    assert sorted(smtp_server.handler.envelopes[0].rcpt_tos) == sorted(
        [CONTACT_EMAIL, SIGNATORY_EMAIL])  # the contact person and the signer
    assert smtp_server.handler.envelopes[1].rcpt_tos == [COPY_TO]
    assert subject(to_organisation) == \
        f"Ondertekend: uw overeenkomsten met de NVSI ({reference})"
    assert subject(to_nvsi).startswith(f"Kopie: pakket {reference} van Stichting De Brug")
    for message in (to_organisation, to_nvsi):
        received = {name: sha(data if isinstance(data, bytes) else data.encode())
                    for name, data in attachments(message).items()}
        assert received == expected
    assert "aanbiedingsbrief" not in " ".join(attachments(to_organisation))
    assert "Hartelijk dank" in to_organisation.get_body(("plain",)).get_content()
    assert "Kopie voor de NVSI" in to_nvsi.get_body(("plain",)).get_content()
    assert to_organisation.get_body(("plain",)).get_content().startswith(
        "Geachte mevrouw/heer De Vries,")
    assert to_nvsi.get_body(("plain",)).get_content().startswith("Beste collega,")


def test_mails_to_a_gemeente_are_formal_with_dates(app, smtp_server):
    """The sent mail and the reminder to a gemeente: "Geachte mevrouw/heer …", "de gemeente
    Zwolle", the deadline as a date, one signed PDF per document, and the reminder's "negeer
    dit bericht"."""
    from app.domain.formatting import format_date
    from app.domain.organisations import Involvement
    from app.domain.organisations import Person
    from app.domain.rules import SolutionRequest
    from app.services.intake import NewPackage
    from app.services.packages import create_package
    from app.store.models import Organisation
    from tests.mail.factories import make_documents

    with app.app_context():
        zwolle = Organisation(name="Zwolle", kind="gemeente", cbs_code="GM0193")
        db.session.add(zwolle)
        db.session.commit()
        package = create_package(NewPackage(
            organisation_id=zwolle.id, organisation=None, involvement=Involvement.PARTICIPANT,
            contact=Person("Ria Jansen", "beleidsadviseur", "r.jansen@zwolle.example", ""),
            signatory=Person("Peter Snijders", "burgemeester", "burgemeester@zwolle.example"),
            solutions=(SolutionRequest("schuldenradar", dt.date(2027, 1, 1)),),
            participant_warning_acknowledged=True,
            privacy_officer=Person("Mila Bos", "functionaris gegevensbescherming",
                                   "fg@zwolle.example", "+31 38 498 0000"),
            breach_contact=Person("Servicedesk Zwolle", "contact bij datalekken",
                                  "datalek@zwolle.example", "+31 6 12345678")), actor="test")
        make_documents(package)
        package.state, package.provider = "verzonden", "manual"
        package.sent_at = dt.datetime(2026, 11, 20, 10, 0)
        mailing.queue_package_sent(package)
        mailing.queue_reminder(package)
        db.session.commit()
        assert mailing.deliver_pending()["sent"] == 2
    sent, reminder = (m.get_body(("plain",)).get_content() for m in smtp_server.messages)
    by = format_date(dt.date(2026, 12, 4))  # sent on 20 november + 14 days
    assert sent.startswith("Geachte mevrouw/heer Jansen,")
    assert "stuurt de gemeente Zwolle hierbij de documenten" in sent
    assert f"Wij vragen u de documenten uiterlijk op {by} te ondertekenen." in sent
    assert "binnen 14 dagen" not in sent and "Beste" not in sent
    assert "1. Print de documenten ter ondertekening." in sent
    assert "3. Scan elk ondertekend document als één PDF: één PDF per document" in sent
    assert "4. Stuur de PDF's naar" in sent
    assert reminder.startswith("Geachte mevrouw/heer Jansen,")
    assert "stuurde de NVSI de gemeente Zwolle documenten ter ondertekening" in reminder
    assert f"uiterlijk op {by}" in reminder
    assert "Heeft u de ondertekende documenten al verzonden? Dan kunt u dit bericht negeren." \
        in reminder
    html = smtp_server.messages[0].get_body(("html",)).get_content()
    assert "Geachte mevrouw/heer Jansen," in html and "de gemeente Zwolle" in html


def test_nothing_signed_means_no_completed_mail(app):
    with app.app_context():
        assert mailing.queue_completed(ready_package()) == []


def test_reminder_goes_to_the_contact_and_the_signers_still_to_sign(app, smtp_server):
    with app.app_context():
        package = ready_package()
        package.sent_at = dt.datetime(2026, 11, 2, 9, 0)
        (mail,) = mailing.queue_reminder(package)
        db.session.commit()
        mailing.deliver_pending()
        assert "2 november 2026" in mail.body_text
        assert "Ans Bakker, voorzitter" in mail.body_text
        package.signers[0].state = "ondertekend"
        (board_mail,) = mailing.queue_reminder(package)  # then NVSI's board is reminded
        assert board_mail.kind == "beurt_bestuur" and CONTACT_EMAIL not in str(
            board_mail.recipients)
        db.session.rollback()
        for signer in package.signers:
            signer.state = "ondertekend"
        assert mailing.queue_reminder(package) == []  # nobody is waiting
    (message,) = smtp_server.messages
    assert subject(message).startswith("Herinnering: documenten van de NVSI")
    assert sorted(smtp_server.handler.envelopes[0].rcpt_tos) == sorted(
        [CONTACT_EMAIL, SIGNATORY_EMAIL])
    assert len(attachments(message)) == 3  # the documents to sign


def test_no_personal_data_in_the_logs(app, smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        queue_sent()
        mailing.deliver_pending()
        smtp_server.stop()
        queue_sent(name="Stichting Anders")
        mailing.deliver_pending()
        smtp_server.start()
    ours = [r for r in caplog.records if r.name.startswith("app.")]
    assert any("sent" in r.getMessage() for r in ours)
    assert any("failed" in r.getMessage() for r in ours)
    for record in ours:
        text = record.getMessage()
        assert not re.search(r"[\w.+-]+@[\w-]+\.", text), text
        assert "Jan de Vries" not in text and "Ans Bakker" not in text


class TestStartTlsAndLogin:
    """The same path, configured only through settings, against STARTTLS + AUTH."""

    @pytest.fixture
    def app_settings(self, tmp_path, database_url, tls_smtp_server, trust_certificate):
        from tests.mail.conftest import SMTP_PASSWORD
        from tests.mail.conftest import SMTP_USER

        return base_settings(tmp_path, database_url=database_url, mail_backend="smtp",
                             smtp_host="127.0.0.1", smtp_port=tls_smtp_server.port,
                             smtp_starttls=True, smtp_username=SMTP_USER,
                             smtp_password=SMTP_PASSWORD, smtp_timeout=5)

    def test_mail_goes_out_over_starttls_with_login(self, app, tls_smtp_server):
        with app.app_context():
            queue_sent()
            assert mailing.deliver_pending()["sent"] == 1
        (message,) = tls_smtp_server.messages
        assert subject(message).startswith("Ter ondertekening")
        assert len(attachments(message)) == 5  # the Voorwaarden too


class Flaky:
    """A backend that fails the first mail it is given in one way, then delivers."""

    def __init__(self, error: Exception):
        self.error = error
        self.sent = []

    def send(self, message):
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        self.sent.append(message)


def test_an_unexpected_error_fails_one_mail_not_the_queue(app):
    with app.app_context():
        _p, (first,) = queue_sent()
        _p, (second,) = queue_sent(name="Stichting Anders")
        backend = Flaky(RuntimeError("kapot bij j.devries@debrug.example"))
        assert mailing.deliver_pending(backend=backend) == \
            {"sent": 1, "retrying": 1, "failed": 0}
        mail = db.session.get(OutgoingMail, first)
        assert mail.state == "wachtend"
        assert mail.last_error == ("Het bericht kon niet worden opgebouwd of verzonden "
                                   "(RuntimeError).")
        assert db.session.get(OutgoingMail, second).state == "verzonden"


def test_partly_refused_recipients_count_as_sent_with_a_note(app):
    from app.mail.backends import PartiallyRefused

    with app.app_context():
        _p, (mail_id,) = queue_sent()
        backend = Flaky(PartiallyRefused("De SMTP-server weigerde 1 ontvanger(s) (code 550)."))
        assert mailing.deliver_pending(backend=backend)["sent"] == 1
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail.state == "verzonden"  # not again: the others have it already
        assert "weigerde 1 ontvanger" in mail.last_error
        assert "Let op" in db.session.get(Package, mail.package_id).events[-1].message
