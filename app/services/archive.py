"""After the last signature: agreements on file, signed copies and audit trail stored."""

from __future__ import annotations

import datetime as dt
import logging


from app.documents.certificate import CERTIFICATE_NAME
from app.domain.formatting import format_date
from app.domain.rules import DocumentKind
from app.domain.states import AgreementKind
from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import mailing
from app.services import timeline
from app.services.providers import BUILTIN
from app.services.providers import provider as get_provider
from app.services.tracking import document_key
from app.services.tracking import document_label
from app.services.tracking import lock_package
from app.services.tracking import provider_label
from app.services.tracking import queue_mail_delivery
from app.store.database import dialect_insert
from app.store.models import Agreement
from app.store.models import Package
from app.store.models import utcnow
from signing import EnvelopeGone
from signing import SigningError

log = logging.getLogger(__name__)

AGREEMENT_KINDS = {
    DocumentKind.AANMELDING_GEMEENTE_LID: AgreementKind.REGISTRATIE_LID.value,
    DocumentKind.AANMELDING_ORGANISATIE_LID: AgreementKind.REGISTRATIE_LID.value,
    DocumentKind.AANMELDING_PARTICIPANT: AgreementKind.REGISTRATIE_PARTICIPANT.value,
    DocumentKind.VERWERKERSOVEREENKOMST: AgreementKind.VERWERKERSOVEREENKOMST.value,
    DocumentKind.GEBRUIKSOVEREENKOMST: AgreementKind.GEBRUIKSOVEREENKOMST.value,
}


class ArchiveError(RuntimeError):
    """The signed copies could not be stored; `message` (Dutch) says what is missing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def record_agreements(package: Package, signed_on: dt.date) -> None:
    """Put the package's signed agreements on file for its organisation (no commit).

    The organisation's next package skips them. An agreement already on file stays as it was
    (one INSERT ... ON CONFLICT DO NOTHING: another package of this organisation may be
    completing at the same moment).
    """
    rows = {}
    for document in package.documents:
        kind = AGREEMENT_KINDS.get(DocumentKind(document.kind))
        if kind is None or not document.signed_required:
            continue
        solution = document.solution_code or ""
        rows[(kind, solution)] = dict(organisation_id=package.organisation_id, kind=kind,
                                      solution_code=solution, signed_on=signed_on,
                                      package_id=package.id, created_at=utcnow(),
                                      voorwaarden_version=(package.voorwaarden_version
                                                           if solution else None))
    if rows:  # one cached statement, executed for all rows
        db.session.execute(dialect_insert(Agreement.__table__).on_conflict_do_nothing(
            index_elements=["organisation_id", "kind", "solution_code"]), list(rows.values()))


def archive_package(package_id: int) -> None:
    """Store the signed PDFs and the audit trail with their SHA-256; move to `gearchiveerd`.

    Signed on the built-in pages, the PDFs are sealed here and the sealed evidence report is
    the audit trail (app/services/seal_archive.py).

    A job: safe to run twice, and to run while a second copy runs. For a provider that can
    download, the signed copies come from the provider (outside any lock: that is the slow
    part); for signing on paper the scans are already stored and the audit trail is made from
    the timeline. Raises signing errors when the provider cannot be reached, and ArchiveError
    when a signed copy is missing (the job is retried with backoff); the package stays
    `ondertekend` meanwhile, with the reason in `last_error`.
    """
    package = db.session.get(Package, package_id)
    if package is None or package.state != PackageState.ONDERTEKEND.value:
        return
    store = runtime().store
    prefix = f"packages/{package.reference_number}/ondertekend"
    adapter = get_provider(package.provider)
    to_sign = {document_key(d.id): d for d in package.documents if d.signed_required}
    stored: dict[str, tuple[str, str]] = {}  # document key -> (store key, sha256)
    facts = None  # what the completion certificate says (signing on paper)
    if package.provider == BUILTIN:  # signed on our own pages: we seal the PDFs ourselves
        from app.services.seal_archive import SealError
        from app.services.seal_archive import seal_package

        try:
            stored, audit, filename = seal_package(package, prefix)
        except SealError as exc:
            _note_error(package_id, exc.message)
            raise ArchiveError(exc.message) from None
        missing = []
    elif adapter.can_download:
        envelope_id = package.envelope_id
        db.session.commit()  # no transaction stays open during the download
        try:
            bundle = adapter.download(envelope_id)
        except EnvelopeGone as exc:
            from app.services.sending import envelope_gone

            envelope_gone(package_id, envelope_id, package.provider, exc)
            raise
        except SigningError as exc:
            _note_error(package_id, "De ondertekende stukken konden niet worden opgehaald bij "
                        f"{provider_label(package.provider)}: {exc.message} Er wordt "
                        "automatisch opnieuw geprobeerd.")
            raise
        for signed in bundle.documents:
            document = to_sign.get(signed.key)
            if document is None:
                log.warning("signed file for an unknown document (package %s)", package.id)
                continue
            key = f"{prefix}/{document.filename or document.id}.pdf"
            stored[signed.key] = (key, store.put(key, signed.pdf))
        audit, filename = bundle.audit_trail, bundle.audit_trail_filename
        missing = [d.title for k, d in to_sign.items() if k not in stored]
        if not audit:
            missing.append("het ondertekenverslag van de ondertekendienst")
    else:
        missing = [d.title for d in to_sign.values() if not d.signed_key]
        audit, filename = None, CERTIFICATE_NAME
        if not missing:  # made before the lock: on SQLite it would hold up every writer
            facts = certificate_facts(package)
            audit = render_certificate(facts)
            db.session.commit()
    if missing:
        message = ("De ondertekende stukken zijn nog niet compleet; ontbreekt: "
                   + ", ".join(missing) + ".")
        _note_error(package_id, message)
        raise ArchiveError(message)

    package = lock_package(package_id)
    if package is None or package.state != PackageState.ONDERTEKEND.value:
        db.session.rollback()
        return
    for document in package.documents:
        if document_key(document.id) in stored:
            document.signed_key, document.signed_sha256 = stored[document_key(document.id)]
            document.signed_at = package.signed_at
    if facts is not None and certificate_facts(package) != facts:
        audit = completion_certificate(package)  # a scan changed meanwhile (rare)
    package.audit_trail_key = f"{prefix}/{filename}"
    package.audit_trail_sha256 = store.put(package.audit_trail_key, audit)
    package.audit_trail_filename = filename
    package.last_error = None
    timeline.transition(
        package, PackageState.GEARCHIVEERD, "systeem",
        "De ondertekende documenten en het ondertekenverslag zijn opgeslagen.",
        documents={document_label(d): d.signed_sha256 for d in package.documents
                   if d.signed_sha256},
        audit_trail=package.audit_trail_sha256,
    )
    if mailing.queue_completed(package):
        queue_mail_delivery(package_id)
    db.session.commit()


def _note_error(package_id: int, message: str) -> None:
    """Show why archiving has not succeeded yet on the package (commits)."""
    db.session.rollback()
    package = db.session.get(Package, package_id)
    if package is not None and package.state == PackageState.ONDERTEKEND.value:
        package.last_error = message
    db.session.commit()


def completion_certificate(package: Package) -> bytes:
    """The completion certificate (PDF/A) of a package signed on paper: its documents with
    their SHA-256, the signers with what they signed and when, and how it was signed. No
    internal events and no e-mail addresses. Made from the shipped template (or the version
    staff uploaded last) by the app's LibreOffice converter."""
    return render_certificate(certificate_facts(package))


def certificate_facts(package: Package) -> tuple:
    """What the completion certificate of the package says (comparable: a certificate made
    from equal facts is the same)."""
    from app.documents.certificate import CertifiedDocument
    from app.documents.certificate import CertifiedSigner

    signed = [d for d in package.documents if d.signed_required]
    documents = tuple(CertifiedDocument(d.title, f"{d.filename or d.id}.pdf", d.sent_sha256 or
                                        d.pdf_sha256, d.signed_sha256) for d in signed)
    signers = tuple(CertifiedSigner(s.name, s.role, s.party,
                                    s.state_at.date() if s.state_at else None)
                    for s in sorted(package.signers, key=lambda s: s.order))
    scans = tuple(f"Ondertekend exemplaar van {d.title}: ingescand en op "
                  f"{format_date(d.signed_at.date())} als getekend geregistreerd."
                  for d in signed if d.signed_at)
    return (package.reference_number, package.organisation.name, utcnow().date(),
            provider_label(package.provider), documents, signers, scans)


def render_certificate(facts: tuple) -> bytes:
    """The certificate PDF/A for `certificate_facts`."""
    from app.documents.certificate import certificate_context

    reference_number, organisation, today, provider, documents, signers, scans = facts
    association = runtime().reference.association.name
    context = certificate_context(association, reference_number, organisation, today,
                                  provider, list(documents), list(signers), list(scans))
    return report_pdf(DocumentKind.VOLTOOIINGSCERTIFICAAT, context,
                      f"Voltooiingscertificaat {reference_number}", reference_number)


def report_pdf(kind: DocumentKind, context: dict, title: str, reference_number: str) -> bytes:
    """A report made at archiving (certificate, evidence) as PDF/A: from the newest version
    of its template, with the app's LibreOffice converter."""
    from app.documents.layout import DocumentProperties
    from app.services.documents import converter
    from app.services.documents import renderer
    from app.services.templates import compiled
    from app.services.templates import current_number

    docx = renderer().render(kind, context, template=compiled(kind, current_number(kind)),
                             properties=DocumentProperties(
                                 title=title, author=runtime().reference.association.name,
                                 keywords=reference_number))
    return converter().convert(docx)
