"""The evidence report of built-in signing: per signer how they were identified and what they
declared, and the SHA-256 of every document they saw.

A PDF/A made from `templates_docx/ondertekenbewijs.docx` like every other document, then
sealed with the NVSI's certificate and archived beside the sealed PDFs. Unlike the completion
certificate it does name the e-mail address the code went to, the IP address and the browser:
that is the evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.documents.certificate import cleaned
from app.domain.formatting import format_date
from app.domain.formatting import format_datetime

EVIDENCE_NAME = "ondertekenbewijs.pdf"
EVIDENCE_TITLE = "Bewijs van ondertekening"
EVIDENCE_KEYS = frozenset({"nvsi", "package", "reference_number", "organisation_name",
                           "made_on", "seal", "documents", "signers"})


@dataclass(frozen=True)
class SeenDocument:
    title: str
    sha256: str


@dataclass(frozen=True)
class SignerEvidence:
    name: str
    role: str
    party: str  # on whose behalf, in words
    email: str
    code_sent_at: dt.datetime | None
    code_entered_at: dt.datetime | None
    ip_address: str | None
    user_agent: str | None
    typed_name: str | None
    statement: str | None
    decision: str  # "ondertekend" or "geweigerd"
    decided_at: dt.datetime | None
    reason: str | None
    documents: tuple[SeenDocument, ...]


def evidence_context(association_name: str, reference_number: str, organisation_name: str,
                     made_on: dt.date, seal: str, documents: list[SeenDocument],
                     signers: list[SignerEvidence]) -> dict:
    """The template context of an evidence report (all values printable text)."""
    def moment(value: dt.datetime | None) -> str:
        return format_datetime(value) if value else "-"

    return cleaned({
        "nvsi": {"name": association_name},
        "package": {"reference": reference_number},
        "reference_number": reference_number,
        "organisation_name": organisation_name,
        "made_on": format_date(made_on),
        "seal": seal,
        "documents": [{"title": d.title, "sha256": d.sha256} for d in documents],
        "signers": [{
            "name": s.name, "role": s.role, "party": s.party, "email": s.email,
            "code_sent_at": moment(s.code_sent_at), "code_entered_at": moment(s.code_entered_at),
            "ip_address": s.ip_address or "-", "user_agent": s.user_agent or "-",
            "typed_name": s.typed_name or "-", "statement": s.statement or "-",
            "decision": s.decision, "decided_at": moment(s.decided_at),
            "reason": s.reason or "",
            "documents": [{"title": d.title, "sha256": d.sha256} for d in s.documents],
        } for s in signers],
    })
