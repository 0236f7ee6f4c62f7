"""Expiring, signed download links for documents sent by e-mail (setting `mail_documents=link`).

A link carries the package id, the document id (None for the audit trail) and the variant,
signed with the app's secret key (itsdangerous). It needs no sign-in and stops working after
`mail_link_days`. The route that serves it is GET /api/v1/links/<token> (app/api/views.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer

from app.runtime import runtime

SALT = "tekenklaar.mail.document-link"
LINK_PATH = "/api/v1/links/"
# audit: the package's audit trail; docx: an editable draft (the raadsbrief, the ontwerpbesluit)
VARIANTS = frozenset({"pdf", "docx", "signed", "audit"})


class LinkError(ValueError):
    """The link is not valid (tampered or unknown); the message is Dutch."""


class LinkExpired(LinkError):
    """The link was valid but is older than `mail_link_days`."""


@dataclass(frozen=True)
class LinkTarget:
    package_id: int
    document_id: int | None
    variant: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime().settings.secret(), salt=SALT)


def make_link(package_id: int, document_id: int | None, variant: str) -> str:
    """The full public URL of a signed link to one document variant (or the audit trail)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown link variant {variant!r}")
    token = _serializer().dumps({"p": package_id, "d": document_id, "v": variant})
    return runtime().settings.public_url.rstrip("/") + LINK_PATH + token


def link_valid_until(today: dt.date | None = None) -> dt.date:
    """The last day a link made today still works."""
    # A link made today at some hour stops working at that hour on day N: promise one day less.
    days = runtime().settings.mail_link_days
    return (today or dt.date.today()) + dt.timedelta(days=max(days - 1, 0))


def read_link(token: str) -> LinkTarget:
    """What a link token points at; raise LinkExpired or LinkError."""
    max_age = runtime().settings.mail_link_days * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkExpired("Deze downloadlink is verlopen.") from None
    except BadSignature:
        raise LinkError("Deze downloadlink bestaat niet.") from None
    try:
        target = LinkTarget(int(data["p"]), None if data["d"] is None else int(data["d"]),
                            str(data["v"]))
    except (KeyError, TypeError, ValueError):
        raise LinkError("Deze downloadlink bestaat niet.") from None
    if target.variant not in VARIANTS:
        raise LinkError("Deze downloadlink bestaat niet.")
    return target
