"""Sending a package for signature and the staff actions while it is out.

send_package: the documents go to the provider once, even when a send is repeated after a
failure: the idempotency key and the envelope id are stored before and as soon as the
provider has them, and a repeated send resumes instead of creating a second envelope.
"""

from __future__ import annotations

import logging
import uuid

from app.domain.states import PackageState
from app.domain.states import TransitionError
from app.extensions import db
from app.runtime import runtime
from app.services import timeline
from app.services.errors import ServiceError
from app.services.packages import get_package
from app.services.providers import available_providers  # noqa: F401  (re-exported for views)
from app.services.providers import manual_secret
from app.services.providers import provider as get_provider
from app.services.tracking import apply_events
from app.services.tracking import document_key
from app.services.tracking import signer_key
from app.store.models import Package
from app.store.models import utcnow
from signing import Document
from signing import NotSupported
from signing import ProviderRejected
from signing import ProviderUnavailable
from signing import SendRequest
from signing import Signer
from signing import SigningError

log = logging.getLogger(__name__)

SENDABLE = {PackageState.KLAAR, PackageState.BESLUIT_GENOMEN, PackageState.MISLUKT}
OUT_FOR_SIGNING = {PackageState.VERZONDEN, PackageState.DEELS_ONDERTEKEND}


def send_package(package_id: int, provider_name: str | None, actor: str) -> Package:
    """Send the package's PDFs for signature; return the package (now `verzonden`).

    A provider that cannot be reached or refuses leaves the package `mislukt` with the
    reason; sending again resumes the same envelope. Raises ServiceError when the package
    cannot be sent now (documents not made, the raad still to be heard, another provider).
    """
    package = get_package(package_id)
    state = PackageState(package.state)
    name = provider_name or package.provider or runtime().settings.signing_provider
    _check_sendable(package, state, name)
    try:
        adapter = get_provider(name)
    except SigningError as exc:
        raise ServiceError(exc.message, "provider") from None

    if package.send_key is None:
        package.send_key = uuid.uuid4().hex
    package.provider = name
    db.session.commit()  # the key is stored before anything goes out

    request = _send_request(package)

    def store_envelope(envelope_id: str) -> None:
        package.envelope_id = envelope_id
        db.session.commit()

    try:
        envelope_id = adapter.send(request, on_created=store_envelope,
                                   existing_envelope_id=package.envelope_id)
    except (ProviderUnavailable, ProviderRejected) as exc:
        db.session.rollback()
        package = get_package(package_id)
        _fail(package, actor, f"Verzenden via {name} is mislukt: {exc.message}")
        return package
    package.envelope_id = envelope_id
    now = utcnow()
    for document in package.documents:
        if document.signed_required:
            document.sent_sha256, document.sent_at = document.pdf_sha256, now
    package.sent_at = now
    package.last_error = None
    for signer in package.signers:
        if signer.order == 1 and signer.state == "wachtend":
            signer.state, signer.state_at = "uitgenodigd", now
    timeline.transition(package, PackageState.VERZONDEN, actor,
                        f"Verzonden voor ondertekening via {name}.", provider=name,
                        documents={d.kind: d.sent_sha256 for d in package.documents
                                   if d.sent_sha256})
    _queue_mail("queue_package_sent", package)
    db.session.commit()
    _deliver_mail()
    return package


def _check_sendable(package: Package, state: PackageState, name: str) -> None:
    if state not in SENDABLE:
        raise ServiceError(f"Een pakket met de status '{state.label}' kan niet worden verzonden.")
    if state is PackageState.MISLUKT and package.envelope_id is None and not _documents_ready(package):
        raise ServiceError("Maak eerst de documenten opnieuw.")
    if not _documents_ready(package):
        raise ServiceError("Maak eerst de documenten (pdf) voordat u het pakket verzendt.")
    if package.needs_council and package.college_decision_on is None:
        raise ServiceError("Het college moet eerst besluiten, nadat de raad zijn wensen en "
                           "bedenkingen kenbaar heeft kunnen maken (artikel 160 Gemeentewet). "
                           "Leg het collegebesluit vast voordat u verzendt.")
    if package.envelope_id and package.provider and package.provider != name:
        raise ServiceError(f"Dit pakket is al aangeboden bij {package.provider}; verzend het "
                           "opnieuw via dezelfde dienst.", "provider")


def _documents_ready(package: Package) -> bool:
    signed = [d for d in package.documents if d.signed_required]
    return bool(signed) and all(d.pdf_key for d in signed)


def _send_request(package: Package) -> SendRequest:
    store = runtime().store
    documents = [
        Document(document_key(d.id), f"{d.filename or d.kind}.pdf", store.get(d.pdf_key))
        for d in package.documents if d.signed_required
    ]
    signers = [Signer(signer_key(s), s.name, s.email, s.role, s.order) for s in package.signers]
    settings = runtime().settings
    org = package.organisation.name
    return SendRequest(
        reference=package.reference_number,
        documents=documents,
        signers=signers,
        subject=f"Ter ondertekening: {package.reference_number} — {org}",
        message=("Namens de Nederlandse Vereniging voor Sociale Innovatie bieden wij u de "
                 f"documenten van pakket {package.reference_number} aan ter ondertekening."),
        idempotency_key=package.send_key,
        callback_url=f"{settings.public_url.rstrip('/')}/webhooks/{package.provider}",
    )


def _fail(package: Package, actor: str, reason: str) -> None:
    package.last_error = reason
    state = PackageState(package.state)
    if state is PackageState.MISLUKT:
        timeline.record(package, actor, "fout", reason)
    else:
        timeline.transition(package, PackageState.MISLUKT, actor, reason)
    db.session.commit()


def remind_package(package_id: int, actor: str) -> Package:
    """Ask the provider (or the mail queue, for wet-ink signing) to remind the signers."""
    package = get_package(package_id)
    if PackageState(package.state) not in OUT_FOR_SIGNING:
        raise ServiceError("Alleen een verzonden pakket kan een herinnering krijgen.")
    adapter = get_provider(package.provider)
    try:
        if adapter.can_remind:
            adapter.remind(package.envelope_id)
            how = f"via {package.provider}"
        else:
            _queue_mail("queue_reminder", package)
            how = "per e-mail"
    except NotSupported:
        raise ServiceError(f"{package.provider} kent geen losse herinneringen.") from None
    except SigningError as exc:
        raise ServiceError(f"De herinnering is niet verstuurd: {exc.message}") from None
    timeline.record(package, actor, "herinnering", f"Herinnering verstuurd {how}.")
    db.session.commit()
    _deliver_mail()
    return package


def cancel_package(package_id: int, reason: str, actor: str) -> Package:
    """Withdraw the package with a reason; a package out for signing is cancelled at the
    provider first. Raises ServiceError (no reason, provider error) or TransitionError."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Geef een reden op voor het intrekken.", "reason")
    package = get_package(package_id)
    state = PackageState(package.state)
    if state.is_final:
        raise TransitionError(f"Een pakket met de status '{state.label}' kan niet meer worden ingetrokken.")
    if state in OUT_FOR_SIGNING and package.envelope_id:
        try:
            get_provider(package.provider).cancel(package.envelope_id, reason)
        except SigningError as exc:
            raise ServiceError(f"Intrekken bij {package.provider} is mislukt: {exc.message}") from None
    package.state_reason = reason
    timeline.transition(package, PackageState.INGETROKKEN, actor, f"Ingetrokken: {reason}",
                        reason=reason)
    db.session.commit()
    return package


def refresh_package(package_id: int, actor: str) -> Package:
    """Ask the provider for the envelope's state and apply it (for callbacks that never came).

    Raises ServiceError when the provider cannot be asked (wet-ink signing, not sent).
    """
    package = get_package(package_id)
    if not package.envelope_id:
        raise ServiceError("Dit pakket is nog niet verzonden.")
    adapter = get_provider(package.provider)
    if not adapter.can_poll:
        raise ServiceError("Bij ondertekenen op papier is er geen status op te vragen; "
                           "upload de ondertekende scans.")
    try:
        status = adapter.status(package.envelope_id)
    except SigningError as exc:
        raise ServiceError(f"De status is niet opgevraagd: {exc.message}") from None
    applied = apply_events(package.id, package.provider, adapter.events_from_status(status), actor)
    package = get_package(package_id)
    timeline.record(package, actor, "status",
                    f"Status opgevraagd bij {package.provider}: {applied} nieuwe gebeurtenis(sen).")
    db.session.commit()
    return package


def upload_signed_scan(package_id: int, document_id: int, pdf: bytes, actor: str) -> Package:
    """Store a signed scan (PDF) of one document (wet-ink signing) and advance the package.

    When the last document is in, the package is signed. Raises ServiceError for a file that
    is not a PDF, a document that is not signed, or a package not out for signing.
    """
    from signing.providers.manual import ManualProvider

    package = get_package(package_id)
    if package.provider != "manual" or PackageState(package.state) not in OUT_FOR_SIGNING:
        raise ServiceError("Scans kunnen alleen worden toegevoegd aan een pakket dat op papier "
                           "wordt ondertekend en is verzonden.")
    document = next((d for d in package.documents if d.id == document_id), None)
    if document is None or not document.signed_required:
        raise ServiceError("Dit document hoort niet bij het pakket of wordt niet ondertekend.",
                           "document")
    _check_pdf(pdf)
    key = f"packages/{package.reference_number}/ondertekend/{document.filename or document.id}.pdf"
    document.signed_key = key
    document.signed_sha256 = runtime().store.put(key, pdf)
    document.signed_at = utcnow()
    db.session.commit()

    upload_id = f"{document.id}-{document.signed_sha256[:16]}"
    payloads = [{"envelope_id": package.envelope_id, "upload_id": upload_id, "event": "signed",
                 "signer_key": signer_key(package.signers[0]),
                 "document_key": document_key(document.id)}]
    if all(d.signed_key for d in package.documents if d.signed_required):
        payloads.append({"envelope_id": package.envelope_id, "upload_id": f"{upload_id}-klaar",
                         "event": "completed"})
    adapter = get_provider("manual")
    for payload in payloads:
        headers, body = ManualProvider.sign(manual_secret(), payload)
        adapter.verify_callback(headers, body)
        apply_events(package.id, "manual", adapter.parse_callback(headers, body), actor)
    return get_package(package_id)


def _check_pdf(data: bytes) -> None:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF"):
        raise ServiceError("Dit bestand is geen PDF. Scan het ondertekende document als PDF.",
                           "file")
    try:
        pages = len(PdfReader(BytesIO(data)).pages)
    except (PdfReadError, ValueError, OSError):
        raise ServiceError("Deze PDF is beschadigd en kan niet worden gelezen.", "file") from None
    if pages == 0:
        raise ServiceError("Deze PDF heeft geen pagina's.", "file")


def _queue_mail(function: str, package: Package) -> None:
    try:
        from app.services import mailing
    except ImportError:
        return
    getattr(mailing, function)(package)


def _deliver_mail() -> None:
    try:
        from app.services.mailing import deliver_pending
    except ImportError:
        return
    from app.jobs import enqueue

    enqueue(deliver_pending)


__all__ = ["send_package", "remind_package", "cancel_package", "refresh_package",
           "upload_signed_scan", "available_providers"]
