"""Archiving a package signed on the built-in pages: every PDF sealed, and the evidence report.

Each document is taken exactly as it was sent (its SHA-256 checked), marked with who signed
when (name, capacity, moment) and sealed with the NVSI's certificate (PAdES, see
app/documents/sealing.py). The evidence report (PDF/A from `ondertekenbewijs.docx`) is sealed
the same way and kept as the package's audit trail. Called by app.services.archive, outside
any lock: sealing and LibreOffice are the slow part.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.documents.evidence import EVIDENCE_NAME
from app.documents.evidence import SeenDocument
from app.documents.evidence import SignerEvidence
from app.documents.evidence import evidence_context
from app.extensions import db
from app.runtime import runtime
from app.services.signing_links import party_of
from app.services.tracking import document_key
from app.store.files import sha256
from app.store.models import Package
from app.store.models import SigningLink
from app.store.models import utcnow


class SealError(RuntimeError):
    """A document cannot be sealed as sent; `message` (Dutch) says which."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sealer():
    """The NVSI's sealer, loaded once per app (the test certificate is made at first use)."""
    from app.documents.sealing import load_sealer

    settings = runtime().settings
    return runtime().lazy("sealer", lambda: load_sealer(settings))


def seal_package(package: Package, prefix: str) -> tuple[dict[str, tuple[str, str]], bytes, str]:
    """Seal the package's PDFs and make its sealed evidence report.

    Returns ({document key: (store key, SHA-256)}, evidence PDF, its file name). Raises
    SealError when a PDF differs from the one sent."""
    from app.documents.sealing import seal_pdf

    store = runtime().store
    links = decided_links(package.id)
    marks = signature_marks(package, links)
    reason = f"Ondertekend via Tekenklaar, pakket {package.reference_number}"
    stored = {}
    for document in package.documents:
        if not document.signed_required:
            continue
        pdf = store.get(document.pdf_key)
        if sha256(pdf) != (document.sent_sha256 or document.pdf_sha256):
            raise SealError(f"De pdf van '{document.title}' is gewijzigd sinds hij ter "
                            "ondertekening is verstuurd; hij wordt niet verzegeld.")
        key = f"{prefix}/{document.filename or document.id}.pdf"
        stored[document_key(document.id)] = (key, store.put(key, seal_pdf(
            pdf, marks, sealer(), reason=reason)))
    report = seal_pdf(evidence_report(package, links), marks, sealer(),
                      reason=f"Bewijs van ondertekening, pakket {package.reference_number}")
    return stored, report, EVIDENCE_NAME


def decided_links(package_id: int) -> list[SigningLink]:
    """The links on which a signer decided, in signing order."""
    links = db.session.scalars(sa.select(SigningLink).where(
        SigningLink.package_id == package_id, SigningLink.decision.is_not(None)))
    return sorted(links, key=lambda link: link.signer.order)


def signature_marks(package: Package, links: list[SigningLink]):
    """Who signed when, for the mark on each sealed PDF."""
    from app.documents.sealing import SignatureMark

    return [SignatureMark(link.signer.name, f"{link.signer.role}, namens "
                          f"{party_of(package, link.signer)}",
                          link.decided_at.replace(tzinfo=dt.UTC))
            for link in links if link.decision == "ondertekend"]


def evidence_report(package: Package, links: list[SigningLink]) -> bytes:
    """The evidence report (PDF/A) of a package signed on the built-in pages."""
    from app.domain.rules import DocumentKind
    from app.services.archive import report_pdf

    association = runtime().reference.association.name
    documents = [SeenDocument(d.title, d.sent_sha256 or d.pdf_sha256 or "-")
                 for d in package.documents if d.signed_required]
    signers = [SignerEvidence(
        link.signer.name, link.signer.role, party_of(package, link.signer), link.email,
        link.code_sent_at, link.code_verified_at, link.ip_address, link.user_agent,
        link.typed_name, link.statement, link.decision, link.decided_at, link.reason,
        tuple(SeenDocument(entry["title"], entry["sha256"]) for entry in link.documents))
        for link in links]
    seal = seal_description()
    context = evidence_context(association, package.reference_number, package.organisation.name,
                               utcnow().date(), seal, documents, signers)
    return report_pdf(DocumentKind.ONDERTEKENBEWIJS, context,
                      f"Bewijs van ondertekening {package.reference_number}",
                      package.reference_number)


def seal_description() -> str:
    """How the PDFs are sealed, in Dutch, saying plainly when it is the test certificate."""
    if getattr(sealer(), "is_test_certificate", False):
        return ("De documenten en dit bewijs zijn verzegeld met het TESTCERTIFICAAT van "
                "Tekenklaar. Dat bewijst alleen dat de bestanden na verzegeling niet zijn "
                "gewijzigd, niet wie ze verzegelde; het is geen gekwalificeerd zegel.")
    return ("De documenten en dit bewijs zijn verzegeld met het zegelcertificaat van de NVSI "
            "(PAdES); elke PDF-lezer kan de verzegeling controleren.")
