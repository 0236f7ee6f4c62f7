"""Dutch mail bodies from Jinja templates, and the EmailMessage built from a queued mail.

Templates live in app/mail/templates: `<name>.txt` (plain text, not escaped) and
`<name>.html` (escaped). Both get the same context. Amounts and dates go through
app.domain.formatting via the filters `geld`, `datum` and `tijdstip`.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime
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
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime((date or dt.datetime.now(dt.UTC)).astimezone())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    for filename, mimetype, data in attachments:
        maintype, _, subtype = (mimetype or "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=filename)
    return message


def new_message_id(sender: str, mail_id: int) -> str:
    """A Message-ID in the sender's domain that names our mail row."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "tekenklaar.local"
    return make_msgid(idstring=f"tekenklaar.{mail_id}", domain=domain)
