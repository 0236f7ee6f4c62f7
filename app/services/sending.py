"""Sending a package for signature and the staff actions while it is out.

send_package: the documents go to the provider once, even when a send is repeated after a
failure or two sends start at the same moment.

* A send takes a lease on the package first: the package's `send_key` holds the idempotency
  key and, while a send runs, `@<unix time>` after it. A second send during the lease is
  refused; a lease older than SEND_LEASE (a crashed process) may be taken over. The key
  itself stays the same across attempts, so the provider's reference stays searchable.
* The envelope id is committed the moment the provider has made the envelope (`on_created`);
  a later send resumes that envelope instead of making a second one.
* Retries of single HTTP calls happen in `signing.http` (timeouts, 429 and 5xx on calls that
  are safe to repeat). When they run out, or the provider refuses, the package is `mislukt`
  with the reason, keeping its documents and its envelope id.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from io import BytesIO

import sqlalchemy as sa

from app.domain.lifecycle import OUT_FOR_SIGNING
from app.domain.lifecycle import SENDABLE
from app.domain.lifecycle import Action
from app.domain.states import PackageState
from app.domain.states import TransitionError
from app.extensions import db
from app.runtime import runtime
from app.services import mailing
from app.services import timeline
from app.services.callbacks import receive_callback
from app.services.errors import ServiceError
from app.services.lifecycle import require
from app.services.orphans import UNCLEAR_SEND
from app.services.packages import get_package
from app.services.providers import manual_secret
from app.services.providers import BUILTIN
from app.services.providers import default_provider
from app.services.providers import provider as get_provider
from app.services.tracking import apply_events
from app.services.tracking import document_key
from app.services.tracking import lock_package
from app.services.tracking import mark_sent
from app.services.tracking import provider_label
from app.services.tracking import queue_mail_delivery
from app.services.tracking import signer_key
from app.store.files import StoreError
from app.store.files import sha256
from app.store.models import Package
from app.store.models import SignedUpload
from app.store.models import utcnow
from signing import Document
from signing import EnvelopeGone
from signing import NotSupported
from signing import OutcomeUnknown
from signing import SendRequest
from signing import Signer
from signing import SigningError

log = logging.getLogger(__name__)

SEND_LEASE_SECONDS = 15 * 60  # longer than the envelope-creating call can take with retries
BUSY = ("Dit pakket wordt op dit moment al verzonden. Vernieuw de pagina over een minuut om "
        "het resultaat te zien.")


def send_package(package_id: int, provider_name: str | None, actor: str,
                 confirm_new: bool = False) -> Package:
    """Send the package's PDFs for signature; return the package (now `verzonden`).

    A provider that cannot be reached or refuses leaves the package `mislukt` with the
    reason; sending again resumes the same envelope. After a create whose outcome is unknown
    (the envelope may exist without our knowing its id) a resend looks the envelope up by
    its idempotency key where the provider can be searched, and resumes it; elsewhere it is
    refused until staff, having checked at the provider, send with `confirm_new`. Raises
    ServiceError when the package cannot be sent now (documents not made, the raad still to
    be heard, another provider, a send already running, an unknown outcome to check first).
    """
    package = get_package(package_id)
    state = PackageState(package.state)
    name = provider_name or package.provider or default_provider()
    _check_sendable(package, state, name)
    try:
        adapter = get_provider(name)
    except SigningError as exc:
        raise ServiceError(exc.message, "provider") from None
    key = _take_lease(package, state, name)
    try:
        found = _after_unknown_outcome(package_id, adapter, name, key, actor, confirm_new)
        return _send(package_id, adapter, name, key, actor, found)
    finally:
        db.session.rollback()  # nothing is pending here; a failed flush must not block this
        _release_lease(package_id, key)


def _after_unknown_outcome(package_id: int, adapter, name: str, key: str, actor: str,
                           confirm_new: bool) -> str | None:
    """Before a resend after an unknown outcome: the envelope made then, if the provider
    can find it; None to make a new one. Raises ServiceError while staff must decide."""
    package = get_package(package_id)
    if package.send_unknown_at is None or package.envelope_id:
        return None
    label = provider_label(name)
    try:
        found = adapter.find_envelope(key)
    except NotSupported:
        if not confirm_new:
            raise ServiceError(
                f"De vorige verzending via {label} had een onduidelijke uitkomst: mogelijk "
                f"bestaat de envelop daar al (kenmerk {key}). Controleer dit bij {label} en "
                "kies daarna 'Toch opnieuw verzenden'; een lege envelop met dat kenmerk kunt "
                "u daar verwijderen.", "confirm_new") from None
        found = None
    except SigningError as exc:
        raise ServiceError(f"Het is niet na te gaan of de vorige verzending via {label} "
                           f"een envelop heeft gemaakt: {exc.message}") from None
    package.send_unknown_at = None
    if found:
        timeline.record(package, actor, "envelop",
                        f"De envelop van de vorige verzending is bij {label} teruggevonden "
                        "op het kenmerk en wordt hervat.", envelope=found)
    else:
        timeline.record(package, actor, "envelop",
                        f"Bij {label} is geen envelop van de vorige verzending gevonden"
                        + (" (gecontroleerd door de medewerker)" if confirm_new else "")
                        + "; er wordt een nieuwe gemaakt.")
    db.session.commit()
    return found


def _send(package_id: int, adapter, name: str, key: str, actor: str,
          found: str | None = None) -> Package:
    package = get_package(package_id)
    request = _send_request(package, key)

    def store_envelope(envelope_id: str) -> None:
        package.envelope_id = envelope_id
        timeline.record(package, actor, "envelop",
                        f"Ondertekenverzoek klaargezet bij {provider_label(name)}.", envelope=envelope_id)
        db.session.commit()

    if found:
        store_envelope(found)
    try:
        envelope_id = adapter.send(request, on_created=store_envelope,
                                   existing_envelope_id=package.envelope_id)
    except SigningError as exc:
        db.session.rollback()
        package = get_package(package_id)
        reason = f"Verzenden via {provider_label(name)} is mislukt: {exc.message}"
        if isinstance(exc, OutcomeUnknown) and not package.envelope_id:
            package.send_unknown_at = utcnow()
            reason += (f" Mogelijk bestaat de envelop al bij {provider_label(name)} (kenmerk "
                       f"{key}); bij opnieuw verzenden wordt dat eerst nagegaan.")
            # staff may find that envelope later: app/services/orphans.py
            timeline.record(package, actor, UNCLEAR_SEND,
                            f"Vindt u bij {provider_label(name)} een envelop met kenmerk {key}, "
                            "vul dan het id in bij 'Envelop gevonden': Tekenklaar hervat hem, "
                            "of annuleert hem als er intussen opnieuw is verzonden.")
        _fail(package, actor, reason, detail=exc.detail)
        return package

    package = lock_package(package_id)
    package.envelope_id = envelope_id
    package.send_unknown_at = None
    if PackageState(package.state) in SENDABLE:  # the rule's states, read again under lock
        mark_sent(package, actor, f"Verzonden voor ondertekening via {provider_label(name)}.")
        if name == BUILTIN:  # our own pages: the first signer gets their link now
            from app.services.signing_links import invite
            from app.services.signing_links import next_signer

            invite(package, next_signer(package))
        queue_mail_delivery(package_id)
    db.session.commit()
    return get_package(package_id)


def _check_sendable(package: Package, state: PackageState, name: str) -> None:
    """Raise ActionRefused when the one rule refuses sending now, or ServiceError (field
    "provider") when an envelope at another provider is waiting."""
    require(package, Action.SEND)
    if package.envelope_id and package.provider and package.provider != name:
        raise ServiceError(f"Dit pakket is al aangeboden bij {provider_label(package.provider)}; "
                           "verzend het opnieuw via dezelfde dienst.", "provider")


def _lease_parts(value: str | None) -> tuple[str | None, int | None]:
    if not value:
        return None, None
    key, _, since = value.partition("@")
    return key, int(since) if since.isdigit() else None


def _take_lease(package: Package, state: PackageState, name: str) -> str:
    """Claim the send (see the module docstring); return the idempotency key."""
    old = package.send_key
    key, since = _lease_parts(old)
    now = int(time.time())
    if since is not None and now - since < SEND_LEASE_SECONDS:
        raise ServiceError(BUSY)
    key = key or uuid.uuid4().hex
    same = Package.send_key.is_(None) if old is None else Package.send_key == old
    result = db.session.execute(
        sa.update(Package)
        .where(Package.id == package.id, Package.state == state.value, same)
        .values(send_key=f"{key}@{now}", provider=name)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ServiceError(BUSY)
    db.session.commit()
    return key


def _release_lease(package_id: int, key: str) -> None:
    db.session.execute(
        sa.update(Package)
        .where(Package.id == package_id, Package.send_key.like(f"{key}@%"))
        .values(send_key=key)
        .execution_options(synchronize_session=False))
    db.session.commit()


def _send_request(package: Package, key: str) -> SendRequest:
    """The request for the provider; the PDFs are checked against the SHA-256 recorded when
    they were made. Raises ServiceError when a file is missing or changed."""
    store = runtime().store
    documents = []
    for d in package.documents:
        if not d.signed_required:
            continue
        try:
            pdf = store.get(d.pdf_key)
        except StoreError:
            raise ServiceError(f"De pdf van '{d.title}' ontbreekt in de documentopslag. "
                               "Neem contact op met de beheerder.") from None
        if d.pdf_sha256 and sha256(pdf) != d.pdf_sha256:
            raise ServiceError(f"De pdf van '{d.title}' is gewijzigd sinds hij is gemaakt. "
                               "Neem contact op met de beheerder.")
        documents.append(Document(document_key(d.id), f"{d.filename or d.kind}.pdf", pdf))
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
        idempotency_key=key,
        callback_url=f"{settings.public_url.rstrip('/')}/webhooks/{package.provider}",
    )


def _fail(package: Package, actor: str, reason: str, **details) -> None:
    package.last_error = reason
    if PackageState(package.state) is PackageState.MISLUKT:
        timeline.record(package, actor, "fout", reason, **details)
    else:
        timeline.transition(package, PackageState.MISLUKT, actor, reason, **details)
    db.session.commit()


def remind_package(package_id: int, actor: str) -> Package:
    """Remind the signers whose turn it is: through the provider where it can, by e-mail for
    signing on paper, with a new link (the old one stops working) on the built-in pages. Raises ServiceError (not out for signing, provider cannot remind)."""
    package = get_package(package_id)
    require(package, Action.REMIND)
    label = provider_label(package.provider)
    try:
        adapter = get_provider(package.provider)
        if package.provider == BUILTIN:  # a new link to whoever's turn it is
            from app.services.signing_links import remind

            remind(package)
            how = "met een nieuwe link per e-mail"
        elif adapter.can_remind:
            adapter.remind(package.envelope_id)
            how = f"via {label}"
        else:  # signing on paper: we mail the documents again
            if not mailing.queue_reminder(package):
                raise ServiceError("Iedereen die aan de beurt is, heeft al getekend; er is "
                                   "niemand om aan te herinneren.")
            how = "per e-mail"
    except SigningError as exc:
        db.session.rollback()
        raise ServiceError(f"De herinnering is niet verstuurd: {exc.message}") from None
    timeline.record(package, actor, "herinnering", f"Herinnering verstuurd {how}.")
    if how == "per e-mail":
        queue_mail_delivery(package_id)
    db.session.commit()
    return get_package(package_id)


def cancel_package(package_id: int, reason: str, actor: str) -> Package:
    """Withdraw the package with a reason; an envelope still open at the provider is
    cancelled there first. Raises ServiceError (no reason, provider error) or
    TransitionError (the package is signed or ended)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Geef een reden op voor het intrekken.", "reason")
    package = get_package(package_id)
    require(package, Action.CANCEL)
    gone = withdraw_at_provider(package, reason)
    package = record_withdrawal(package_id, reason, actor, f"Ingetrokken: {reason}", gone)
    db.session.commit()
    return package


def withdraw_at_provider(package: Package, reason: str) -> str | None:
    """Cancel the package's envelope at its provider, if one is open there (the step before
    `record_withdrawal`); the provider's own HTTP retries apply. Return a Dutch note when the
    provider no longer knew the envelope (404: an end fact, not an error), else None.

    Raises ServiceError while a send runs, or when the provider could not cancel; then
    nothing has changed here."""
    _, since = _lease_parts(package.send_key)
    if since is not None and int(time.time()) - since < SEND_LEASE_SECONDS:
        raise ServiceError(BUSY)
    state = PackageState(package.state)
    if not (package.envelope_id and state in OUT_FOR_SIGNING | {PackageState.MISLUKT}):
        return None
    label = provider_label(package.provider)
    try:
        get_provider(package.provider).cancel(package.envelope_id, reason)
    except EnvelopeGone:  # deleted there already, or our earlier cancel took effect
        return f"{label} kende de envelop al niet meer (verwijderd of opgeschoond)."
    except SigningError as exc:
        db.session.rollback()
        raise ServiceError(f"Intrekken bij {label} is mislukt: {exc.message} Vraag de status "
                           "op en probeer het opnieuw.") from None
    return None


def record_withdrawal(package_id: int, reason: str, actor: str, message: str,
                      gone: str | None = None, **details) -> Package:
    """Move the package (locked) to `ingetrokken` with `reason`, the timeline saying
    `message` (and `gone`, the provider's note); no commit. A package that ended meanwhile
    (the provider's callback was quicker) is returned as it is. Raises TransitionError when
    it was signed meanwhile."""
    package = lock_package(package_id)
    state = PackageState(package.state)
    if state.is_final:
        return package
    if state is PackageState.ONDERTEKEND:
        db.session.rollback()
        raise TransitionError("Het pakket is intussen ondertekend en kan niet meer worden "
                              "ingetrokken.")
    package.state_reason = reason
    package.last_error = None
    timeline.transition(package, PackageState.INGETROKKEN, actor,
                        message + (f" {gone}" if gone else ""), reason=reason,
                        envelope_gone=bool(gone), **details)
    return package


def envelope_gone(package_id: int, envelope_id: str, provider_name: str,
                  error: SigningError | None = None, actor: str | None = None) -> Package | None:
    """The provider no longer knows the package's envelope (deleted there, purged, or a
    cancel whose answer was lost): a package still out for signing (or `mislukt`) ends as
    `ingetrokken` with that reason; a signed one keeps the reason in `last_error`. Commits."""
    package = lock_package(package_id)
    if package is None or package.envelope_id != envelope_id:
        db.session.rollback()
        return package
    label = provider_label(provider_name)
    text = (f"{label} kent de envelop van dit pakket niet meer: hij is daar verwijderd of "
            "opgeschoond.")
    state = PackageState(package.state)
    if state in OUT_FOR_SIGNING or state is PackageState.MISLUKT:
        package.state_reason = text
        package.last_error = None
        timeline.transition(package, PackageState.INGETROKKEN, actor or provider_name,
                            f"{text} Het pakket is daarom beëindigd.", reason=text,
                            envelope=envelope_id, detail=error.detail if error else None)
    elif state is PackageState.ONDERTEKEND:
        package.last_error = (f"{text} De ondertekende stukken kunnen daar niet meer worden "
                              "opgehaald; vraag ze op bij de ondertekendienst.")
        timeline.record(package, actor or provider_name, "fout", package.last_error,
                        envelope=envelope_id)
    db.session.commit()
    return package


def refresh_package(package_id: int, actor: str) -> Package:
    """Ask the provider for the envelope's state and apply it (for callbacks that never came,
    or to retry archiving). Raises ServiceError when the provider cannot be asked."""
    package = get_package(package_id)
    require(package, Action.REFRESH)
    label = provider_label(package.provider)
    try:
        adapter = get_provider(package.provider)
        envelope_id, provider_name = package.envelope_id, package.provider
        db.session.commit()
        status = adapter.status(envelope_id)
    except EnvelopeGone as exc:
        return envelope_gone(package_id, envelope_id, provider_name, exc, actor)
    except SigningError as exc:
        db.session.rollback()
        raise ServiceError(f"De status is niet opgevraagd bij {label}: {exc.message}") from None
    applied = apply_events(package_id, provider_name, adapter.events_from_status(status), actor)
    package = get_package(package_id)
    timeline.record(package, actor, "status",
                    f"Status opgevraagd bij {label}: {applied} nieuwe gebeurtenis(sen).",
                    new_events=applied)
    db.session.commit()
    return get_package(package_id)


def upload_signed_scan(package_id: int, document_id: int, pdf: bytes, actor: str, *,
                       signed_on: dt.date | None = None,
                       pages_confirmed: bool = False) -> Package:
    """Store a signed scan (PDF) of one document (signing on paper) and advance the package.

    `signed_on` is the date written on the document (default: today); it becomes the signing
    date of the signer and of the agreements. A scan with another number of pages than the
    document that was sent is refused with a Dutch warning unless `pages_confirmed`.

    The upload becomes a callback signed with the manual provider's secret and takes the same
    path as a provider's (recorded, deduplicated, applied). When the last document is in, the
    package is signed and archived. Raises ServiceError for a file that is not a PDF, a
    document that is not signed, or a package not out for signing on paper.
    """
    from signing.providers.manual import ManualProvider

    package = get_package(package_id)
    require(package, Action.SCANS)
    document = next((d for d in package.documents if d.id == document_id), None)
    if document is None or not document.signed_required:
        raise ServiceError("Dit document hoort niet bij het pakket of wordt niet ondertekend.",
                           "document")
    check_pdf(pdf)
    check_plain_pdf(pdf)
    signed_at = _signing_moment(package, signed_on)
    if not pages_confirmed:
        check_page_count(document, pdf)
    if document.signed_sha256 != sha256(pdf):  # the same file again adds no version
        _keep_upload(package, document, pdf, actor)
    if signed_at is not None:  # the date on the paper, not the moment of the upload
        document.signed_at = dt.datetime.fromisoformat(signed_at).replace(tzinfo=None)
        db.session.commit()

    upload_id = f"{document.id}-{document.signed_sha256[:16]}"
    payloads = [{"envelope_id": package.envelope_id, "upload_id": upload_id, "event": "signed",
                 "signer_key": signer_key(package.signers[0]),
                 "document_key": document_key(document.id), "at": signed_at}]
    if all(d.signed_key for d in package.documents if d.signed_required):
        payloads.append({"envelope_id": package.envelope_id, "upload_id": f"{upload_id}-klaar",
                         "event": "completed", "at": signed_at})
    for payload in payloads:
        headers, body = ManualProvider.sign(manual_secret(), payload)
        receive_callback("manual", headers, body, actor=actor)
    return get_package(package_id)


def record_organisation_signed(package_id: int, actor: str, *,
                               signed_on: dt.date | None = None) -> Package:
    """Signing on paper: record that the organisation's signers have signed (`signed_on`,
    the date on the paper; default today), before NVSI's board signs. The board signers are
    then mailed that it is their turn (app/services/tracking.py), and the automatic reminders
    go to them. The scans with every signature are uploaded afterwards as always.

    Like an upload, this becomes a signed manual callback per signer (recorded, deduplicated,
    applied). Raises ServiceError when the package is not out for signing on paper or the
    organisation has signed already, or for a date in the future or before the sending."""
    from signing.providers.manual import ManualProvider

    package = get_package(package_id)
    require(package, Action.ORGANISATION_SIGNED)
    signed_at = _signing_moment(package, signed_on)
    for signer in package.signers:
        if signer.party != "organisatie":
            continue
        payload = {"envelope_id": package.envelope_id, "upload_id": f"papier-{signer.order}",
                   "event": "signed", "signer_key": signer_key(signer), "at": signed_at}
        headers, body = ManualProvider.sign(manual_secret(), payload)
        receive_callback("manual", headers, body, actor=actor)
    return get_package(package_id)


def _keep_upload(package: Package, document, pdf: bytes, actor: str) -> None:
    """Store the scan as a new version (never over an earlier one) and make it the document's
    signed copy; commit. The earlier versions stay in the store and in `signed_upload`."""
    version = (db.session.scalar(sa.select(sa.func.max(SignedUpload.version))
                                 .where(SignedUpload.document_id == document.id)) or 0) + 1
    if version == 1 and document.signed_key:  # a copy from before versions were kept
        db.session.add(SignedUpload(document_id=document.id, version=1, key=document.signed_key,
                                    sha256=document.signed_sha256 or "", uploaded_by="onbekend",
                                    uploaded_at=document.signed_at or utcnow()))
        version = 2
    name = document.filename or str(document.id)
    key = f"packages/{package.reference_number}/ondertekend/{name}-v{version}.pdf"
    digest = runtime().store.put(key, pdf)
    db.session.add(SignedUpload(document_id=document.id, version=version, key=key,
                                sha256=digest, uploaded_by=actor, uploaded_at=utcnow()))
    if version > 1:
        timeline.record(package, actor, "scan",
                        f"Nieuwe versie ({version}) van de ondertekende scan van "
                        f"'{document.title}' toegevoegd; de eerdere versies zijn bewaard.",
                        document_id=document.id, version=version, sha256=digest,
                        previous_sha256=document.signed_sha256)
    document.signed_key = key
    document.signed_sha256 = digest
    document.signed_at = utcnow()
    db.session.commit()


def check_plain_pdf(data: bytes) -> None:
    """Raise ServiceError (Dutch) when the PDF carries JavaScript, actions, embedded files or
    HTML (app/documents/pdfcheck.py)."""
    from app.documents.pdfcheck import UnreadablePdf
    from app.documents.pdfcheck import active_content

    try:
        found = active_content(data)
    except UnreadablePdf:
        raise ServiceError("Deze PDF is beschadigd en kan niet worden gelezen. Scan het "
                           "document opnieuw.", "file") from None
    if found:
        raise ServiceError("Deze PDF bevat " + " en ".join(found) + ". Een ondertekende scan "
                           "mag alleen pagina's bevatten: scan het papier opnieuw of druk het "
                           "bestand af als PDF en upload dat.", "file")


def _signing_moment(package: Package, signed_on: dt.date | None) -> str | None:
    """The date on the document as an ISO moment (noon UTC, the same day in Amsterdam), or
    None for today; ServiceError (Dutch) for a date in the future or before the sending."""
    if signed_on is None:
        return None
    from app.domain.formatting import format_date

    if signed_on > dt.date.today():
        raise ServiceError("Datum van ondertekening: deze datum ligt in de toekomst. Vul de "
                           "datum in die op het ondertekende document staat.", "signed_on")
    if package.sent_at and signed_on < package.sent_at.date():
        raise ServiceError("Datum van ondertekening: het pakket is pas op "
                           f"{format_date(package.sent_at.date())} verzonden. Vul de datum in "
                           "die op het ondertekende document staat.", "signed_on")
    return dt.datetime.combine(signed_on, dt.time(12), dt.UTC).isoformat()


MAX_SCAN_FILES = 20


def combine_scans(files: list[bytes]) -> bytes:
    """One PDF of the scans in this order (a document scanned as several files); a single
    file is returned as it is. Raises ServiceError (Dutch) for a file that is not a readable
    PDF, naming which one, or for too many files."""
    from pypdf import PdfWriter

    if len(files) == 1:
        return files[0]
    if len(files) > MAX_SCAN_FILES:
        raise ServiceError(f"Kies hoogstens {MAX_SCAN_FILES} bestanden tegelijk.", "file")
    writer = PdfWriter()
    for number, data in enumerate(files, 1):
        try:
            check_pdf(data)
        except ServiceError as exc:
            raise ServiceError(f"Bestand {number}: {exc.message}", "file") from None
        writer.append(BytesIO(data))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages)


def check_page_count(document, pdf: bytes) -> None:
    """Raise ServiceError (a Dutch warning) when the scan has another number of pages than
    the PDF that was sent for signing."""
    from pypdf.errors import PdfReadError

    if not document.pdf_key:
        return
    try:
        expected = page_count(runtime().store.get(document.pdf_key))
    except (StoreError, PdfReadError, ValueError, OSError, KeyError, TypeError):  # nothing to
        # compare with: the upload is not refused for that
        log.warning("document %s: the original PDF could not be read for the page check",
                    document.id)
        return
    found = page_count(pdf)
    if found != expected:
        def pages(n: int) -> str:
            return f"{n} pagina" if n == 1 else f"{n} pagina's"

        raise ServiceError(
            f"Let op: deze scan heeft {pages(found)}, maar '{document.title}' heeft "
            f"{pages(expected)}. Controleer of u het goede document volledig heeft gescand. "
            "Klopt het toch, vink dan 'Het aantal pagina's klopt' aan en voeg de scan opnieuw "
            "toe.", "file")


def check_pdf(data: bytes) -> None:
    """Raise ServiceError (Dutch) unless `data` is a readable PDF with at least one page."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if b"%PDF-" not in data[:1024]:
        raise ServiceError("Dit bestand is geen PDF. Scan het ondertekende document als PDF en "
                           "upload het opnieuw.", "file")
    try:
        pages = len(PdfReader(BytesIO(data)).pages)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError):
        raise ServiceError("Deze PDF is beschadigd en kan niet worden gelezen. Scan het "
                           "document opnieuw.", "file") from None
    if pages == 0:
        raise ServiceError("Deze PDF heeft geen pagina's. Scan het document opnieuw.", "file")


__all__ = ["send_package", "remind_package", "cancel_package", "refresh_package",
           "upload_signed_scan"]
