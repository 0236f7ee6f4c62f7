"""Dutch mail bodies from Jinja templates, and the EmailMessage built from a queued mail.

Templates live in app/mail/templates: `<name>.txt` (plain text, not escaped) and
`<name>.html` (escaped). Both get the same context. Amounts and dates go through
app.domain.formatting via the filters `geld`, `datum` and `tijdstip`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from email.headerregistry import Address
from email.headerregistry import UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import getaddresses
from email.utils import make_msgid
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path

import jinja2

from app.domain import formatting

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                            default_for_string=False, default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["geld"] = formatting.format_money
    env.filters["datum"] = formatting.format_date
    env.filters["tijdstip"] = formatting.format_datetime
    return env


def render(name: str, **context) -> tuple[str, str]:
    """Render `name.txt` and `name.html` with `context`; return (text, html)."""
    env = _environment()
    return env.get_template(f"{name}.txt").render(**context), \
        env.get_template(f"{name}.html").render(**context)


def build_message(*, sender: str, recipients: list[str], subject: str, text: str, html: str,
                  attachments: list[tuple[str, str, bytes]], message_id: str,
                  date: dt.datetime | None = None) -> EmailMessage:
    """An EmailMessage with a text and an HTML part and (filename, mimetype, bytes) attachments."""
    message = EmailMessage()
    message["Subject"] = header_text(subject)
    message["From"] = header_address(sender)
    message["To"] = ", ".join(header_address(r) for r in recipients)
    message["Date"] = format_datetime((date or dt.datetime.now(dt.UTC)).astimezone())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    for filename, mimetype, data in attachments:
        maintype, _, subtype = (mimetype or "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=header_text(filename))
    _check_headers(message)
    return message


# --- header values ----------------------------------------------------------------------------
# Every header value is built here, from text a person typed (an organisation's name, a
# contact's name). The email package decodes RFC 2047 encoded words (`=?utf-8?q?=0D=0A?=`)
# while parsing a value it is given, and CPython before 3.11.10/3.12.5 wrote a decoded line
# break raw when folding (CVE-2024-6923): a name could add headers or replace the body. So a
# value is decoded here first and every control character in the decoded text becomes a
# space, until decoding changes nothing; the email package then sees plain text only,
# whatever the interpreter.

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MAX_DECODES = 5


def header_text(value: str) -> str:
    """`value` as a header may carry it: decoded, no control characters, one line."""
    text = value or ""
    for _ in range(_MAX_DECODES):
        flat = " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())
        decoded = _decoded(flat)
        if decoded == flat:
            return flat
        text = decoded
    # Encoded words inside encoded words, five deep: nobody's name; keep no "=?" at all.
    return flat.replace("=?", "= ?")


def _decoded(value: str) -> str:
    """The text the email package makes of an unstructured header value."""
    kwds: dict = {"defects": []}
    UnstructuredHeader.parse(value, kwds)
    return str(kwds["decoded"])


def header_address(value: str) -> str:
    """One address for From/To (`Naam <adres>` or a bare address): see `format_address`."""
    pairs = getaddresses([_CONTROL.sub(" ", value or "")])
    if len(pairs) != 1 or "@" not in pairs[0][1]:
        raise ValueError("not one e-mail address")
    return format_address(*pairs[0])


def format_address(name: str, address: str) -> str:
    """`Naam <adres>` with the name cleaned as header text and the domain in its ASCII (IDNA)
    form, so a server without SMTPUTF8 can take `info@súdwest-fryslân.nl`. A mailbox (the
    part before the @) outside ASCII stays as it is: only a server with SMTPUTF8 takes it."""
    local, _, domain = address.strip().rpartition("@")
    return str(Address(display_name=header_text(name), username=local,
                       domain=ascii_domain(domain)))


def ascii_domain(domain: str) -> str:
    """The domain in IDNA (xn--) form; unchanged when it is ASCII already."""
    if domain.isascii():
        return domain
    import idna

    return idna.encode(domain, uts46=True).decode("ascii")


def _check_headers(message: EmailMessage) -> None:
    """The last guard: no header value, as the email package holds it, has a line break."""
    for name, value in message.items():
        if _CONTROL.search(str(value)):
            raise ValueError(f"header {name} holds a control character")


def new_message_id(sender: str, mail_id: int) -> str:
    """A Message-ID in the sender's domain that names our mail row."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "tekenklaar.local"
    return make_msgid(idstring=f"tekenklaar.{mail_id}", domain=domain)
