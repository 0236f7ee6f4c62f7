"""The mail backends on their own: the file outbox and SMTP against a real server."""

import ssl
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from app.mail.backends import MailError
from app.mail.backends import OutboxBackend
from app.mail.backends import PartiallyRefused
from app.mail.backends import SmtpBackend
from app.mail.backends import make_backend
from config.settings import load_settings
from tests.conftest import base_settings
from tests.mail.conftest import SMTP_PASSWORD
from tests.mail.conftest import SMTP_USER
from tests.mail.conftest import free_port


def message(to="ontvanger@gemeente.example", subject="Ter ondertekening: één test"):
    msg = EmailMessage()
    msg["From"] = "NVSI Contracten <contracten@nvsi.example>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = "<1.2.tekenklaar.7@nvsi.example>"
    msg.set_content("Beste ontvanger,\n\nHierbij de documenten.\n")
    msg.add_attachment(b"%PDF-1.4 test", maintype="application", subtype="pdf",
                       filename="verwerkersovereenkomst.pdf")
    return msg


def test_outbox_writes_a_parseable_eml_named_after_the_message_id(tmp_path):
    backend = OutboxBackend(tmp_path / "outbox")
    backend.send(message())
    (path,) = (tmp_path / "outbox").glob("*.eml")
    assert path.name == "1.2.tekenklaar.7_nvsi.example.eml"
    assert path.name == OutboxBackend.filename_for("<1.2.tekenklaar.7@nvsi.example>")
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert parsed["Subject"] == "Ter ondertekening: één test"
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_content() == b"%PDF-1.4 test"
    assert not list((tmp_path / "outbox").glob(".tmp-*"))


def test_outbox_that_cannot_be_written_raises_mail_error(tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    with pytest.raises(MailError, match="niet schrijfbaar"):
        OutboxBackend(blocker / "outbox").send(message())


def test_smtp_delivers_to_a_real_server(smtp_server):
    backend = SmtpBackend("127.0.0.1", smtp_server.port, starttls=False, timeout=5)
    backend.send(message())
    (envelope,) = smtp_server.handler.envelopes
    assert envelope.mail_from == "contracten@nvsi.example"
    assert envelope.rcpt_tos == ["ontvanger@gemeente.example"]
    (received,) = smtp_server.messages
    assert received["Subject"] == "Ter ondertekening: één test"


def test_smtp_with_starttls_and_login(tls_smtp_server, certificate):
    context = ssl.create_default_context(cafile=str(certificate[0]))
    backend = SmtpBackend("127.0.0.1", tls_smtp_server.port, starttls=True,
                          username=SMTP_USER, password=SMTP_PASSWORD, timeout=5,
                          ssl_context=context)
    backend.send(message())
    assert len(tls_smtp_server.messages) == 1


def test_a_wrong_password_is_a_mail_error_without_secrets(tls_smtp_server, certificate):
    context = ssl.create_default_context(cafile=str(certificate[0]))
    backend = SmtpBackend("127.0.0.1", tls_smtp_server.port, username=SMTP_USER,
                          password="fout-wachtwoord", timeout=5, ssl_context=context)
    with pytest.raises(MailError) as info:
        backend.send(message())
    assert "aanmelding" in str(info.value) and "535" in str(info.value)
    assert "fout-wachtwoord" not in str(info.value) and SMTP_USER not in str(info.value)
    assert tls_smtp_server.handler.envelopes == []


def test_an_untrusted_certificate_is_refused(tls_smtp_server):
    backend = SmtpBackend("127.0.0.1", tls_smtp_server.port, username=SMTP_USER,
                          password=SMTP_PASSWORD, timeout=5)
    with pytest.raises(MailError, match="beveiligde verbinding"):
        backend.send(message())


def test_a_server_that_requires_starttls_refuses_plain_mail(tls_smtp_server):
    backend = SmtpBackend("127.0.0.1", tls_smtp_server.port, starttls=False, timeout=5)
    with pytest.raises(MailError, match="code 530"):
        backend.send(message())


def test_starttls_asked_of_a_server_without_it(smtp_server):
    backend = SmtpBackend("127.0.0.1", smtp_server.port, starttls=True, timeout=5)
    with pytest.raises(MailError, match="STARTTLS"):
        backend.send(message())


def test_no_server_is_a_mail_error():
    backend = SmtpBackend("127.0.0.1", free_port(), starttls=False, timeout=2)
    with pytest.raises(MailError, match="Geen verbinding met de SMTP-server 127.0.0.1"):
        backend.send(message())


def test_refused_recipients(smtp_server):
    backend = SmtpBackend("127.0.0.1", smtp_server.port, starttls=False, timeout=5)
    with pytest.raises(MailError) as info:
        backend.send(message(to="onbekend@gemeente.example"))
    assert "alle ontvangers" in str(info.value) and "onbekend" not in str(info.value)
    with pytest.raises(PartiallyRefused) as info:
        backend.send(message(to="onbekend@gemeente.example, ok@gemeente.example"))
    assert "1 ontvanger" in str(info.value) and "onbekend" not in str(info.value)
    assert smtp_server.handler.envelopes[-1].rcpt_tos == ["ok@gemeente.example"]


def test_the_backend_is_chosen_by_name(tmp_path):
    outbox = make_backend(load_settings(**base_settings(tmp_path)))
    assert isinstance(outbox, OutboxBackend)
    assert outbox.path == tmp_path / "instance" / "outbox"
    smtp = make_backend(load_settings(**base_settings(
        tmp_path, mail_backend="smtp", smtp_host="mail.example", smtp_port=2525,
        smtp_username="u", smtp_password="p", smtp_timeout=7)))
    assert isinstance(smtp, SmtpBackend)
    assert (smtp.host, smtp.port, smtp.username, smtp.password, smtp.timeout) == (
        "mail.example", 2525, "u", "p", 7)
