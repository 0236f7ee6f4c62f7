"""The completion certificate of a signed package: what was signed, by whom and when.

It replaces a plain-text report with a PDF/A made from `templates_docx/voltooiingscertificaat.docx`
like every other document. It names documents with their SHA-256, signers with what they signed
and when, and the provider's evidence; it carries no internal events and no e-mail addresses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.documents.context import clean
from app.domain.formatting import format_date


CERTIFICATE_NAME = "voltooiingscertificaat.pdf"
CERTIFICATE_TITLE = "Voltooiingscertificaat"
CERTIFICATE_KEYS = frozenset({"nvsi", "package", "reference_number", "organisation_name",
                              "made_on", "provider", "documents", "signers", "evidence"})


@dataclass(frozen=True)
class CertifiedDocument:
    title: str
    filename: str
    sent_sha256: str | None
    signed_sha256: str | None


@dataclass(frozen=True)
class CertifiedSigner:
    name: str
    role: str
    party: str  # "organisatie" or "nvsi"
    signed_on: dt.date | None


def certificate_context(association_name: str, reference_number: str, organisation_name: str,
                        made_on: dt.date,
                        provider: str, documents: list[CertifiedDocument],
                        signers: list[CertifiedSigner], evidence: list[str]) -> dict:
    """The template context of a completion certificate (all values printable text)."""
    titles = ", ".join(d.title for d in documents) or "-"
    return cleaned({
        "nvsi": {"name": association_name},
        "package": {"reference": reference_number},
        "reference_number": reference_number,
        "organisation_name": organisation_name,
        "made_on": format_date(made_on),
        "provider": provider,
        "documents": [{"title": d.title, "filename": d.filename,
                       "sent_sha256": d.sent_sha256 or "-",
                       "signed_sha256": d.signed_sha256 or "-"} for d in documents],
        "signers": [{"name": s.name, "role": s.role,
                     "party": "NVSI" if s.party == "nvsi" else organisation_name,
                     "signed_on": format_date(s.signed_on) if s.signed_on else "-",
                     "signed": titles} for s in signers],
        "evidence": list(evidence) or ["-"],
    })


def cleaned(value):
    """`value` (dicts and lists of text) with every text made printable in a document."""
    if isinstance(value, dict):
        return {k: cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v) for v in value]
    return clean(value)
