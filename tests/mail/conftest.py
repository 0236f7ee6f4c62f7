"""A real SMTP server for the mail tests (aiosmtpd on 127.0.0.1 and a free port), with an
optional STARTTLS + AUTH variant using a self-signed certificate made here."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from dataclasses import field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from aiosmtpd.smtp import LoginPassword

SMTP_USER = "tekenklaar"
SMTP_PASSWORD = "Sm7p-wachtwoord-voor-tests"


class Collector:
    """An aiosmtpd handler that keeps every envelope; refuses recipients containing "onbekend"."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "onbekend" in address:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
          and auth_data.password == SMTP_PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpServer:
    """One SMTP server on a fixed port that tests can stop and start again."""

    port: int
    tls_context: ssl.SSLContext | None = None
    handler: Collector = field(default_factory=Collector)
    controller: Controller | None = None
    host: str = "127.0.0.1"

    def start(self) -> None:
        kwargs = {}
        if self.tls_context is not None:
            kwargs = dict(tls_context=self.tls_context, require_starttls=True,
                          authenticator=_authenticator, auth_required=True,
                          auth_require_tls=True)
        self.controller = Controller(self.handler, hostname=self.host, port=self.port,
                                     **kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        """What arrived, parsed."""
        return [BytesParser(policy=policy.default).parsebytes(e.original_content or e.content)
                for e in self.handler.envelopes]


@pytest.fixture
def smtp_server():
    """A plain SMTP server (no TLS, no AUTH)."""
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tekenklaar test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_smtp_server(certificate):
    """An SMTP server that requires STARTTLS and then AUTH (SMTP_USER / SMTP_PASSWORD)."""
    cert_path, key_path = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    server = SmtpServer(free_port(), tls_context=context)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def trust_certificate(certificate, monkeypatch):
    """Make ssl.create_default_context() (what the SMTP backend uses) trust the test cert."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return certificate[0]
