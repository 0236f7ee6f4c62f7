"""After the last signature: agreements on file, signed copies and audit trail stored."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from app.domain.formatting import format_datetime
from app.domain.rules import DocumentKind
from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import timeline
from app.services.tracking import document_key
from app.services.tracking import lock_package
from app.store.files import sha256
from app.store.models import Agreement
from app.store.models import Package
from app.store.models import utcnow

log = logging.getLogger(__name__)

AGREEMENT_KINDS = {
    DocumentKind.AANMELDING_GEMEENTE_LID: "registratie_lid",
    DocumentKind.AANMELDING_ORGANISATIE_LID: "registratie_lid",
    DocumentKind.AANMELDING_PARTICIPANT: "registratie_participant",
    DocumentKind.VERWERKERSOVEREENKOMST: "verwerkersovereenkomst",
    DocumentKind.GEBRUIKSOVEREENKOMST: "gebruiksovereenkomst",
}


def record_agreements(package: Package, signed_on: dt.date) -> None:
    """Put the package's signed agreements on file for its organisation (no commit).

    The organisation's next package skips them. An agreement already on file stays as it was.
    """
    for document in package.documents:
        kind = AGREEMENT_KINDS.get(DocumentKind(document.kind))
        if kind is None:
            continue
        solution = document.solution_code or ""
        exists = db.session.scalar(sa.select(Agreement.id).where(
            Agreement.organisation_id == package.organisation_id, Agreement.kind == kind,
            Agreement.solution_code == solution))
        if exists is None:
            db.session.add(Agreement(organisation_id=package.organisation_id, kind=kind,
                                     solution_code=solution, signed_on=signed_on,
                                     package_id=package.id))


def archive_package(package_id: int) -> None:
    """Store the signed PDFs and the audit trail with their SHA-256; move to `gearchiveerd`.

    A job: safe to run twice. For a provider that can download, the signed copies come from
    the provider; for wet-ink signing the scans are already stored and the audit trail is made
    from the timeline. Raises signing errors when the provider cannot be reached (the job is
    retried); the package stays `ondertekend` meanwhile.
    """
    from app.services.providers import provider as get_provider

    package = db.session.get(Package, package_id)
    if package is None or package.state != PackageState.ONDERTEKEND.value:
        return
    store = runtime().store
    prefix = f"packages/{package.reference_number}/ondertekend"
    adapter = get_provider(package.provider)
    if adapter.can_download:
        bundle = adapter.download(package.envelope_id)
        by_key = {document_key(d.id): d for d in package.documents}
        for signed in bundle.documents:
            document = by_key.get(signed.key)
            if document is None:
                log.warning("signed file for an unknown document (package %s)", package.id)
                continue
            document.signed_key = f"{prefix}/{document.filename or document.id}.pdf"
            document.signed_sha256 = store.put(document.signed_key, signed.pdf)
            document.signed_at = package.signed_at
        audit, filename = bundle.audit_trail, bundle.audit_trail_filename
    else:
        audit, filename = _audit_from_timeline(package), "ondertekenverslag.txt"
    package = lock_package(package_id)
    if package.state != PackageState.ONDERTEKEND.value:
        db.session.rollback()
        return
    package.audit_trail_key = f"{prefix}/{filename}"
    package.audit_trail_sha256 = store.put(package.audit_trail_key, audit)
    package.audit_trail_filename = filename
    timeline.transition(
        package, PackageState.GEARCHIVEERD, "systeem",
        "De ondertekende documenten en het ondertekenverslag zijn opgeslagen.",
        documents={d.kind: d.signed_sha256 for d in package.documents if d.signed_sha256},
        audit_trail=package.audit_trail_sha256,
    )
    _queue_completed_mail(package)
    db.session.commit()
    _deliver_mail()


def _audit_from_timeline(package: Package) -> bytes:
    """A plain-text audit trail for wet-ink signing: the timeline and every document's hash."""
    lines = [
        "Ondertekenverslag",
        f"Pakket {package.reference_number} — {package.organisation.name}",
        f"Opgesteld op {format_datetime(utcnow())} (UTC) door Tekenklaar.",
        "",
        "Documenten (SHA-256):",
    ]
    for document in package.documents:
        if not document.signed_required:
            continue
        lines.append(f"- {document.title}")
        lines.append(f"  verzonden:   {document.sent_sha256 or document.pdf_sha256 or '-'}")
        lines.append(f"  ondertekend: {document.signed_sha256 or '-'}")
    lines += ["", "Verloop:"]
    for event in package.events:
        lines.append(f"- {format_datetime(event.at)} (UTC), {event.actor}: {event.message}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _queue_completed_mail(package: Package) -> None:
    try:
        from app.services.mailing import queue_completed
    except ImportError:  # the mail module is optional until it is installed
        return
    queue_completed(package)


def _deliver_mail() -> None:
    try:
        from app.services.mailing import deliver_pending
    except ImportError:
        return
    from app.jobs import enqueue

    enqueue(deliver_pending)

