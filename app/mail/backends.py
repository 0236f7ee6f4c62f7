"""Mail backends, chosen by name: `outbox` (.eml files in a folder) and `smtp`.

A backend has one method, `send(message)`, that delivers an `email.message.EmailMessage` or
raises MailError. MailError messages never hold addresses or other personal data: they are
stored with the queued mail and may be logged.
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
import tempfile
from collections.abc import Mapping
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from types import MappingProxyType
from typing import Protocol


class MailError(Exception):
    """A mail could not be delivered; the message is Dutch and holds no personal data."""


class PartiallyRefused(MailError):
    """The server took the message for some recipients and refused the others.

    The message went out: sending it again would give the accepted recipients a copy twice.
    """


class MailBackend(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class OutboxBackend:
    """Writes each message as an .eml file to one folder (the embedded default)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    @staticmethod
    def filename_for(message_id: str) -> str:
        """The file name a message with this Message-ID is written to."""
        return re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>")) + ".eml"

    def send(self, message: EmailMessage) -> None:
        """Write `message` atomically as `<message-id>.eml`; raise MailError when it cannot."""
        message_id = message.get("Message-ID")
        if not message_id:
            raise MailError("Het bericht heeft geen Message-ID.")
        target = self.path / self.filename_for(message_id)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-", suffix=".eml")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(message.as_bytes(policy=SMTP))
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise MailError(f"De map voor uitgaande mail is niet schrijfbaar ({exc.strerror}).") \
                from None


class SmtpBackend:
    """Sends through an SMTP server: STARTTLS when asked, login when a username is set."""

    def __init__(self, host: str, port: int, *, starttls: bool = True,
                 username: str | None = None, password: str | None = None,
                 timeout: float = 30, ssl_context: ssl.SSLContext | None = None):
        self.host = host
        self.port = port
        self.starttls = starttls
        self.username = username
        self.password = password
        self.timeout = timeout
        self.ssl_context = ssl_context

    def send(self, message: EmailMessage) -> None:
        """Deliver `message` to every address in To/Cc/Bcc; raise MailError on any failure."""
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if self.starttls:
                    smtp.starttls(context=self.ssl_context or ssl.create_default_context())
                    smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self.password or "")
                if _needs_smtputf8(message) and not smtp.has_extn("smtputf8"):
                    raise MailError("Een adres van dit bericht heeft letters met accenten vóór "
                                    "de @ en de SMTP-server ondersteunt geen SMTPUTF8; pas het "
                                    "e-mailadres aan.")
                refused = smtp.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(f"De SMTP-server weigerde de aanmelding (code {exc.smtp_code}); "
                            "controleer gebruikersnaam en wachtwoord.") from None
        except smtplib.SMTPNotSupportedError:
            raise MailError("De SMTP-server ondersteunt STARTTLS of aanmelden niet; "
                            "controleer TEKENKLAAR_SMTP_STARTTLS.") from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise MailError("De SMTP-server weigerde alle ontvangers "
                            f"(code {', '.join(map(str, codes))}).") from None
        except smtplib.SMTPSenderRefused as exc:
            raise MailError(f"De SMTP-server weigerde de afzender (code {exc.smtp_code}).") \
                from None
        except smtplib.SMTPResponseException as exc:
            raise MailError(f"De SMTP-server gaf een fout (code {exc.smtp_code}).") from None
        except ssl.SSLError as exc:
            raise MailError(f"De beveiligde verbinding met de SMTP-server mislukte "
                            f"({exc.reason or 'TLS-fout'}).") from None
        except (smtplib.SMTPException, socket.timeout, TimeoutError) as exc:
            raise MailError(f"De SMTP-server antwoordde niet goed ({type(exc).__name__}).") \
                from None
        except OSError as exc:
            raise MailError(f"Geen verbinding met de SMTP-server {self.host}:{self.port} "
                            f"({type(exc).__name__}).") from None
        if refused:
            codes = sorted({code for code, _ in refused.values()})
            raise PartiallyRefused(f"De SMTP-server weigerde {len(refused)} ontvanger(s) "
                                   f"(code {', '.join(map(str, codes))}).")


def _needs_smtputf8(message: EmailMessage) -> bool:
    """Whether an address (not a display name) in From/To/Cc/Bcc is outside ASCII."""
    for name in ("From", "To", "Cc", "Bcc"):
        for header in message.get_all(name, []):
            if any(not a.addr_spec.isascii() for a in getattr(header, "addresses", ())):
                return True
    return False


BACKENDS: Mapping[str, type] = MappingProxyType({
    "outbox": OutboxBackend,
    "smtp": SmtpBackend,
})


def make_backend(settings) -> MailBackend:
    """The backend `settings.mail_backend` names, configured from settings.

    Raises MailError for an unknown name.
    """
    name = settings.mail_backend
    if name == "outbox":
        return OutboxBackend(settings.outbox_path)
    if name == "smtp":
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return SmtpBackend(settings.smtp_host, settings.smtp_port,
                           starttls=settings.smtp_starttls, username=settings.smtp_username,
                           password=password, timeout=settings.smtp_timeout)
    raise MailError(f"Onbekende mailmethode '{name}'; kies een van: {', '.join(BACKENDS)}.")
