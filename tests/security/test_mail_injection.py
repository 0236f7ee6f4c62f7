"""Finding 1 (mail header injection through an organisation's name) and finding 6 (an
internationalised address accepted, then not deliverable): the attacks, and that they fail."""

from __future__ import annotations

import email
import sys
from email import policy
from email.message import EmailMessage

import pytest

from app.domain.validation import InputError
from app.domain.validation import clean_email
from app.domain.validation import clean_text
from app.extensions import db
from app.mail.compose import build_message
from app.mail.compose import header_text
from app.services import mailing
from app.store.models import OutgoingMail
from tests.conftest import base_settings
from tests.mail.conftest import SmtpServer  # noqa: F401  (the fixture's type)
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)
from tests.mail.factories import ready_package

# The name the attacker typed: an RFC 2047 encoded word whose text is CR LF and a header.
INJECTION = "=?utf-8?q?=0D=0AReply-To:_attacker@evil.example?="
BODY_INJECTION = ("Gemeente =?utf-8?q?=0D=0A=0D=0AU_heeft_gewonnen=0D=0A?=")
IDN_ADDRESS = "info@súdwest-fryslân.nl"


@pytest.fixture
def app_settings(tmp_path, database_url, smtp_server):  # noqa: F811
    return base_settings(tmp_path, database_url=database_url, mail_backend="smtp",
                         smtp_host="127.0.0.1", smtp_port=smtp_server.port,
                         smtp_starttls=False, smtp_timeout=5)


# --- refused at input -------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    INJECTION, BODY_INJECTION, "Stichting =?UTF-8?B?DQpCY2M6IGFAYi5j?=",
    "Stichting\x85Bcc",
])
def test_a_name_with_an_encoded_line_break_is_refused_in_dutch(typed):
    with pytest.raises(InputError) as caught:
        clean_text(typed, "org_name", "Naam organisatie")
    assert caught.value.message.startswith("Naam organisatie: ")


def test_the_api_refuses_the_injected_organisation_name(app):
    from app.services.accounts import create_token

    with app.app_context():
        token = create_token("Test")
    body = {"org_kind": "maatschappelijke_organisatie", "org_name": INJECTION,
            "org_street": "Brugstraat 1", "org_postcode": "3511AB", "org_city": "Utrecht",
            "involvement": "participant", "contact_name": "Jan", "contact_function": "x",
            "contact_email": "jan@debrug.example", "contact_phone": "030 123 4567",
            "signatory_name": "Ans", "signatory_function": "voorzitter",
            "signatory_email": "ans@debrug.example", "solutions": []}
    response = app.test_client().post("/api/v1/packages", json=body,
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert "org_name" in response.get_json()["errors"]


# --- a name already on file still cannot inject -----------------------------------------------

@pytest.mark.parametrize("name", [INJECTION, BODY_INJECTION])
def test_a_stored_name_with_an_encoded_line_break_adds_no_header(app, smtp_server, name):  # noqa: F811
    """The name got in before the input check: the mail goes out with one Subject line, no
    Reply-To, and the body the service wrote."""
    with app.app_context():
        package = ready_package(name=name)
        mailing.queue_package_sent(package)
        db.session.commit()
        assert mailing.deliver_pending()["sent"] == 1
    (envelope,) = smtp_server.handler.envelopes
    raw = envelope.original_content or envelope.content
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nReply-To:" not in head and b"\nReply-To:" not in head
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Reply-To"] is None
    assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
    assert "Ter ondertekening: documenten van de NVSI" in str(message["Subject"])
    assert "gewonnen" not in message.get_body(("plain",)).get_content().split("\n")[0]
    assert message.get_body(("plain",)).get_content().startswith("Geachte mevrouw/heer ")


def test_header_text_is_one_line_whatever_was_encoded():
    nested = "=?utf-8?b?" + __import__("base64").b64encode(INJECTION.encode()).decode() + "?="
    for value in (INJECTION, BODY_INJECTION, nested, "a\r\nBcc: x@y.z", "a\u2028b"):
        cleaned = header_text(value)
        assert not any(ch in cleaned for ch in "\r\n\x85\u2028")
        assert header_text(cleaned) == cleaned


def test_the_interpreter_folds_an_encoded_line_break_safely():
    """The set-up's Python has the CVE-2024-6923 fix (Debian's patched 3.11, or 3.11.10+):
    even a raw encoded CR LF, not through header_text, cannot start a header."""
    message = EmailMessage()
    message["Subject"] = "Ter ondertekening: " + INJECTION + " " + "x" * 80
    message["To"] = "a@b.example"
    message.set_content("tekst")
    head = message.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n", 1)[0]
    assert b"\r\nReply-To:" not in head, (
        f"{sys.executable} ({sys.version.split()[0]}) writes a decoded line break into a "
        "header (CVE-2024-6923): make the virtual environment with scripts/setup.sh")


# --- internationalised addresses ---------------------------------------------------------------

def test_an_idn_domain_is_kept_and_an_accented_mailbox_refused_in_dutch():
    assert clean_email(IDN_ADDRESS) == IDN_ADDRESS
    with pytest.raises(InputError) as caught:
        clean_email("jösé@súdwest-fryslân.nl")
    assert "vóór de @" in caught.value.message


def test_mail_to_an_idn_domain_is_delivered_in_its_idna_form(app, smtp_server):  # noqa: F811
    from app.store.models import Package

    with app.app_context():
        package = ready_package()
        package.contact.email = IDN_ADDRESS
        db.session.commit()
        mailing.queue_package_sent(db.session.get(Package, package.id))
        db.session.commit()
        assert mailing.deliver_pending() == {"sent": 1, "retrying": 0, "failed": 0}
    (envelope,) = smtp_server.handler.envelopes
    assert "info@xn--sdwest-frysln-teb26a.nl" in envelope.rcpt_tos


def _queue_for(address: str) -> int:
    from app.store.models import Package

    package = ready_package()
    package.contact.email = address
    db.session.commit()
    (mail,) = mailing.queue_package_sent(db.session.get(Package, package.id))
    db.session.commit()
    return mail.id


def test_an_accented_mailbox_goes_out_with_smtputf8_where_the_server_offers_it(
        app, smtp_server):  # noqa: F811
    with app.app_context():
        _queue_for("jösé@example.nl")
        assert mailing.deliver_pending()["sent"] == 1
    (envelope,) = smtp_server.handler.envelopes
    assert "jösé@example.nl" in envelope.rcpt_tos
    assert "SMTPUTF8" in envelope.mail_options


def test_an_accented_mailbox_without_smtputf8_waits_with_a_dutch_reason(app, smtp_server):  # noqa: F811
    """A server without SMTPUTF8 cannot take it: the mail waits with a Dutch reason, no raw
    exception text."""
    from aiosmtpd.controller import Controller

    smtp_server.stop()
    smtp_server.controller = Controller(smtp_server.handler, hostname=smtp_server.host,
                                        port=smtp_server.port, enable_SMTPUTF8=False)
    smtp_server.controller.start()
    with app.app_context():
        mail_id = _queue_for("jösé@example.nl")
        mailing.deliver_pending()
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail.state == "wachtend"
        assert "Unicode" not in mail.last_error
        assert "SMTPUTF8" in mail.last_error and "vóór de @" in mail.last_error
    assert smtp_server.handler.envelopes == []


def test_build_message_guards_every_header():
    message = build_message(sender="NVSI <c@nvsi.example>",
                            recipients=[f'"{INJECTION}" <{IDN_ADDRESS}>'],
                            subject=INJECTION, text="t", html="<p>t</p>", attachments=[],
                            message_id="<1@nvsi.example>")
    for name, value in message.items():
        assert "\n" not in str(value) and "\r" not in str(value), name


def test_sending_a_package_to_an_idn_contact_goes_through(app, smtp_server):  # noqa: F811
    """Finding 6 as staff saw it: the send failed with a 409 showing a raw UnicodeEncodeError.
    Now the package is sent and its mail queued with the IDNA form of the domain."""
    from app.services.sending import send_package
    from app.store.models import Package

    with app.app_context():
        package = ready_package()
        package.contact.email = IDN_ADDRESS
        db.session.commit()
        sent = send_package(package.id, "manual", "medewerker@nvsi.nl")
        assert sent.state == "verzonden"
        mail = db.session.scalars(__import__("sqlalchemy").select(OutgoingMail).where(
            OutgoingMail.package_id == package.id)).one()
        assert any("xn--sdwest-frysln-teb26a.nl" in r for r in mail.recipients)
        assert "Unicode" not in (db.session.get(Package, package.id).last_error or "")
