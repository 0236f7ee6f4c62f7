"""Mail to organisations: queued in the database first (`OutgoingMail`), delivered after.

The queue functions render the Dutch text and HTML bodies now and add the rows to the session;
the caller commits and then calls `deliver_pending()` (jobs call it too). Attachments are kept
as document-store keys and read when the mail is sent, so a row stays small.

States: `wachtend` (due at `next_attempt_at`, or now when that is empty), `verzonden`,
`mislukt` (after MAX_ATTEMPTS failures; staff can try again with `retry_mail`).
A failed attempt waits 1, 2, 4 … minutes (at most an hour) before the next one.
Nothing here logs or stores an address: last_error holds only what the backend says in
general terms (MailError messages are free of personal data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
import logging
import mimetypes
from pathlib import Path
from pathlib import PurePosixPath

import sqlalchemy as sa

from app.documents.certificate import CERTIFICATE_NAME
from app.documents.certificate import CERTIFICATE_TITLE
from app.documents.evidence import EVIDENCE_NAME
from app.documents.evidence import EVIDENCE_TITLE
from app.domain.organisations import Involvement
from app.domain.salutation import designation
from app.domain.salutation import formal_salutation
from app.extensions import db
from app.mail.backends import MailBackend
from app.mail.backends import MailError
from app.mail.backends import OutboxBackend
from app.mail.backends import PartiallyRefused
from app.mail.backends import make_backend
from app.mail.compose import build_message
from app.mail.compose import format_address
from app.mail.compose import new_message_id
from app.mail.compose import render
from app.mail.links import link_valid_until
from app.mail.links import make_link
from app.runtime import runtime
from app.services import timeline
from app.services.providers import default_provider
from app.domain.states import MailState
from app.domain.states import SignerState
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.store.files import StoreError
from app.store.models import OutgoingMail
from app.store.models import Package
from app.store.models import utcnow

log = logging.getLogger(__name__)

WAITING = MailState.WACHTEND.value
SENT = MailState.VERZONDEN.value
FAILED = MailState.MISLUKT.value
STATE_LABELS = {state: state.label for state in MailState}
MAX_ATTEMPTS = 8
MAX_DELAY = dt.timedelta(hours=1)

KIND_SENT = "pakket_verzonden"
KIND_REMINDER = "herinnering"
KIND_BOARD_TURN = "beurt_bestuur"
KIND_COMPLETED = "voltooid"
KIND_COMPLETED_COPY = "voltooid_kopie"
KIND_CORRECTION = "correctie"
KIND_SIGNING_LINK = "ondertekenverzoek"
KIND_COUNCIL = {  # the raad step (Gemeentewet art. 160 lid 2), one mail per step
    "start": "raad_gestart",
    "naar_raad": "raad_termijn",
    "reactie": "raad_reactie",
    "collegebesluit": "raad_besluit",
    "herinnering": "raad_herinnering",
}
KIND_LABELS = {
    "raad_gestart": "Raadsbrief en ontwerpbesluit voor de gemeente",
    "raad_termijn": "Termijn van de raad",
    "raad_reactie": "Reactie van de raad vastgelegd",
    "raad_besluit": "Collegebesluit vastgelegd",
    "raad_herinnering": "Herinnering collegebesluit",
    KIND_SENT: "Documenten ter ondertekening",
    KIND_REMINDER: "Herinnering",
    KIND_BOARD_TURN: "Beurt van het NVSI-bestuur",
    KIND_COMPLETED: "Ondertekende documenten",
    KIND_COMPLETED_COPY: "Kopie ondertekende documenten (NVSI)",
    KIND_CORRECTION: "Eerder verzoek vervalt, gecorrigeerd verzoek volgt",
    KIND_SIGNING_LINK: "Link om te ondertekenen",
}
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SYSTEM = "systeem"
COUNCIL_DOCUMENTS = frozenset({"raadsbrief", "ontwerpbesluit"})


# --- queueing -------------------------------------------------------------------------------

def queue_package_sent(package: Package) -> list[OutgoingMail]:
    """Queue the mail that tells the organisation what it must sign and how; return the rows.

    To the contact person and the organisation's signatory; the PDFs attached or linked
    (setting `mail_documents`). The caller commits, then calls deliver_pending().
    """
    recipients, subject, context, files = _package_sent(package)
    mail = _queue(package, KIND_SENT, recipients, subject, "pakket_verzonden", context, files)
    return [mail]


@dataclass(frozen=True)
class MailPreview:
    recipients: list[str]
    subject: str
    text: str
    attachments: list[str]


def preview_package_sent(package: Package, provider: str | None = None) -> MailPreview:
    """The mail `queue_package_sent` would queue now (sent with `provider`), without queueing
    anything: for staff to read before they send."""
    recipients, subject, context, files = _package_sent(package, provider)
    text, _html = render("pakket_verzonden", **context)
    return MailPreview(recipients, subject, text, [f["filename"] for f in files])


def _package_sent(package: Package, provider: str | None = None):
    context = _context(package)
    if provider:
        context["manual"] = provider == "manual"
    to_sign, _files = _documents(package, [d for d in package.documents
                                           if d.signed_required], "pdf")
    # The raadsbrief and ontwerpbesluit went to the gemeente when the raad step started.
    documents = [d for d in package.documents
                 if not (package.council_started_on and d.kind in COUNCIL_DOCUMENTS)]
    for_info, _files = _documents(package, [d for d in documents if not d.signed_required],
                                  "pdf")
    _listed, files = _documents(package, documents, "pdf")  # in package order
    context.update(to_sign=to_sign, for_info=for_info, fees=_fees(package),
                   total=package.total, purpose=_purpose(package))
    subject = f"Ter ondertekening: documenten van de NVSI voor {package.organisation.name} " \
              f"({package.reference_number})"
    recipients = _recipients(package.contact, *_organisation_signers(package))
    return recipients, subject, context, files


def queue_reminder(package: Package) -> list[OutgoingMail]:
    """Queue a reminder to the contact and the organisation's signers who have not signed;
    once the organisation has signed, to NVSI's board signers who have not (on paper).

    Returns [] when nobody is waiting. The caller commits.
    """
    waiting = [s for s in _organisation_signers(package)
               if not SignerState(s.state).is_done]
    if not waiting:
        return queue_board_turn(package, reminder=True)
    context = _context(package)
    to_sign, files = _documents(package, [d for d in package.documents if d.signed_required],
                                "pdf")
    context.update(to_sign=to_sign, waiting_for=waiting,
                   sent_on=(package.sent_at or utcnow()).date())
    subject = f"Herinnering: documenten van de NVSI wachten op ondertekening " \
              f"({package.reference_number})"
    mail = _queue(package, KIND_REMINDER, _recipients(package.contact, *waiting), subject,
                  "herinnering", context, files)
    return [mail]


def queue_board_turn(package: Package, reminder: bool = False) -> list[OutgoingMail]:
    """Queue the mail that tells NVSI's board signers who have not signed that it is their
    turn (signing on paper, after the organisation signed): what to sign, how, and by which
    date; the PDFs attached or linked. Returns [] when no board signer is waiting. The caller
    commits."""
    waiting = [s for s in package.signers
               if s.party == "nvsi" and not SignerState(s.state).is_done]
    if not waiting:
        return []
    context = _context(package)
    signed = [s.state_at for s in _organisation_signers(package) if s.state_at]
    turn_began = max(signed) if signed else utcnow()
    to_sign, files = _documents(package, [d for d in package.documents if d.signed_required],
                                "pdf")
    days = runtime().settings.overdue_signature_days
    greetings = [formal_salutation(s.name) for s in waiting]
    context.update(to_sign=to_sign, waiting_for=waiting, reminder=reminder,
                   organisation_signed_on=turn_began.date(),
                   board_sign_by=turn_began.date() + dt.timedelta(days=days),
                   board_salutation=", g".join([greetings[0]] + [g[1:] for g in greetings[1:]]))
    subject = (f"{'Herinnering: u' if reminder else 'U'}w handtekening namens de NVSI voor "
               f"{package.organisation.name} ({package.reference_number})")
    return [_queue(package, KIND_BOARD_TURN, _recipients(*waiting), subject, "beurt_bestuur",
                   context, files)]


def queue_completed(package: Package) -> list[OutgoingMail]:
    """Queue the signed PDFs and the audit trail to the organisation's contact, and a copy to
    the NVSI (`mail_copy_to`, when set); return the rows. The caller commits.

    Returns [] when there is nothing signed to send yet.
    """
    documents = [d for d in package.documents if d.signed_key]
    if not documents:
        return []
    signed, files = _documents(package, documents, "signed")
    audit_trail = None
    key = package.audit_trail_key
    if key:
        filename = package.audit_trail_filename or PurePosixPath(key).name
        title = CERTIFICATE_TITLE if filename == CERTIFICATE_NAME else \
            EVIDENCE_TITLE if filename == EVIDENCE_NAME else "Ondertekeningsverslag"
        audit_trail = {"title": title, "filename": filename, "link": None}
        if _linked():
            audit_trail["link"] = make_link(package.id, None, "audit")
        else:
            files.append({"key": key, "filename": filename, "type": _mimetype(filename)})
    context = _context(package)
    context.update(signed=signed, audit_trail=audit_trail, copy=False,
                   signed_on=package.signed_at.date() if package.signed_at else None)
    subject = f"Ondertekend: uw overeenkomsten met de NVSI ({package.reference_number})"
    mails = [_queue(package, KIND_COMPLETED,
                    _recipients(package.contact, *_organisation_signers(package)), subject,
                    "voltooid", context, files)]
    copy_to = runtime().settings.mail_copy_to
    if copy_to:
        context.update(copy=True, contact_name="collega", salutation="Beste collega")
        subject = f"Kopie: pakket {package.reference_number} van {package.organisation.name} " \
                  "is ondertekend"
        mails.append(_queue(package, KIND_COMPLETED_COPY, [copy_to], subject, "voltooid",
                            context, list(files)))
    return mails


def queue_correction(old: Package, new: Package, reason: str,
                     changes: list[str]) -> OutgoingMail:
    """Queue the one mail that tells the organisation that the request of `old` is void and
    that `new` (its corrected version) follows; return the row. To the contact persons and
    the organisation's signers of both versions. The caller commits."""
    context = _context(old)
    context.update(
        old_reference=old.reference_number, new_reference=new.reference_number,
        reference=new.reference_number, reason=reason, changes=changes,
        sent_on=(old.sent_at or utcnow()).date(),
        salutation=formal_salutation(new.contact.name),
        new_signers=" en ".join(f"{s.name} ({s.role})" for s in _organisation_signers(new))
        or "de ondertekenaar",
        manual=(old.provider or default_provider()) == "manual")
    subject = (f"Vervallen: verzoek tot ondertekening {old.reference_number}; een "
               f"gecorrigeerd verzoek volgt ({new.reference_number})")
    recipients = _recipients(new.contact, *_organisation_signers(new), old.contact,
                             *_organisation_signers(old))
    return _queue(old, KIND_CORRECTION, recipients, subject, "correctie", context, [])
def queue_signing_link(package: Package, signer, url: str, expires_on: dt.date,
                       previous=None) -> OutgoingMail:
    """Queue the mail with `signer`'s personal signing link (built-in signing); return the
    row. `previous` is the signer who signed just before (None for the first). The caller
    commits."""
    context = _context(package)
    party = runtime().reference.association.name if signer.party == "nvsi" \
        else package.organisation.name
    context.update(salutation=formal_salutation(signer.name), url=url, expires_on=expires_on,
                   role=signer.role, party=party, first=previous is None,
                   previous=f"{previous.name} ({previous.role})" if previous else "")
    subject = f"Ter ondertekening: {package.organisation.name} ({package.reference_number})"
    return _queue(package, KIND_SIGNING_LINK, _recipients(signer), subject, "ondertekenverzoek",
                  context, [])


def send_signing_code(package: Package, signer, code: str, minutes: int) -> None:
    """Send `signer` the one-time code at once, past the queue: the code must not be kept in
    the database, and it is only useful for a few minutes. Raises MailError (Dutch)."""
    settings = runtime().settings
    context = {"association": runtime().reference.association, "signer_name": signer.name,
               "organisation": package.organisation.name, "reference": package.reference_number,
               "code": code, "minutes": minutes}
    text, html = render("ondertekencode", **context)
    message = build_message(sender=settings.mail_from, recipients=_recipients(signer),
                            subject=f"Uw code om te ondertekenen ({package.reference_number})",
                            text=text, html=html, attachments=[],
                            message_id=new_message_id(settings.mail_from, f"code-{signer.id}"))
    make_backend(settings).send(message)


def queue_council_mail(package: Package, step: str, text: dict,
                       documents=()) -> OutgoingMail:
    """Queue the mail to the gemeente's contact person for one raad step; return the row.

    `text` holds the Dutch `subject`, `intro` (paragraphs), `todo` (what to do, in order)
    and `after` (paragraphs); `documents` go along as DOCX (editable) and PDF. The caller
    commits.
    """
    context = _context(package)
    listed, files = [], []
    for document in documents:
        for variant in ("docx", "pdf"):
            item, attached = _document_file(package, document, variant)
            if item is not None:
                listed.append(item)
                files.extend(attached)
    context.update(salutation=formal_salutation(package.contact.name), documents=listed,
                   intro=text["intro"], todo=text["todo"], after=text.get("after", []),
                   title=text["subject"])
    subject = f"{text['subject']} ({package.reference_number})"
    return _queue(package, KIND_COUNCIL[step], _recipients(package.contact), subject,
                  "raadsprocedure", context, files)


def _document_file(package: Package, document, variant: str) -> tuple[dict | None, list[dict]]:
    key = document.docx_key if variant == "docx" else document.pdf_key
    if not key:
        return None, []
    filename = f"{document.filename or document.kind}.{variant}"
    what = "Word, om te bewerken" if variant == "docx" else "PDF"
    item = {"title": f"{document.title} ({what})", "filename": filename, "link": None}
    if _linked():
        item["link"] = make_link(package.id, document.id, variant)
        return item, []
    return item, [{"key": key, "filename": filename, "type": DOCX if variant == "docx" else PDF}]


def _queue(package: Package, kind: str, recipients: list[str], subject: str, template: str,
           context: dict, attachments: list[dict]) -> OutgoingMail:
    text, html = render(template, **context)
    mail = OutgoingMail(package_id=package.id, kind=kind, recipients=recipients,
                        subject=subject, body_text=text, body_html=html,
                        attachments=attachments, state=WAITING, attempts=0,
                        created_at=utcnow())
    db.session.add(mail)
    timeline.record(package, SYSTEM, "mail",
                    f"E-mail '{KIND_LABELS[kind]}' klaargezet voor verzending "
                    f"({_count(len(recipients), 'ontvanger', 'ontvangers')}, "
                    f"{_count(len(attachments), 'bijlage', 'bijlagen')}).",
                    mail_kind=kind)
    return mail


def _count(number: int, one: str, more: str) -> str:
    return f"{number} {one if number == 1 else more}"


def _context(package: Package) -> dict:
    settings = runtime().settings
    organisation_signers = _organisation_signers(package)
    sent_on = (package.sent_at or utcnow()).date()
    return {
        "association": runtime().reference.association,
        "reference": package.reference_number,
        "organisation": package.organisation.name,
        "designation": designation(package.organisation.name, package.organisation.kind),
        "contact_name": package.contact.name,
        "salutation": formal_salutation(package.contact.name),
        "sign_by": sent_on + dt.timedelta(days=settings.overdue_signature_days),
        "signers": list(package.signers),
        "organisation_signers": " en ".join(f"{s.name} ({s.role})"
                                            for s in organisation_signers) or "de ondertekenaar",
        "manual": (package.provider or default_provider()) == "manual",
        "sign_within_days": settings.overdue_signature_days,
        "links_until": link_valid_until() if _linked() else None,
    }


def _linked() -> bool:
    return runtime().settings.mail_documents == "link"


def _documents(package: Package, documents, variant: str) -> tuple[list[dict], list[dict]]:
    """(what the template lists, the attachment entries) for these documents."""
    listed, files = [], []
    linked = _linked()
    for document in documents:
        key = document.signed_key if variant == "signed" else document.pdf_key
        if not key:
            continue
        # The same file names as the staff pages and the API download give.
        suffix = "-ondertekend.pdf" if variant == "signed" else ".pdf"
        filename = f"{document.filename or document.kind}{suffix}"
        item = {"title": document.title, "filename": filename, "link": None}
        if linked:
            item["link"] = make_link(package.id, document.id, variant)
        else:
            files.append({"key": key, "filename": filename, "type": PDF})
        listed.append(item)
    return listed, files


def _fees(package: Package) -> list[dict]:
    reference = runtime().reference
    return [{"name": reference.solution(s.solution_code).name, "start": s.start_date,
             "year": s.fee_year, "total": s.total}
            for s in package.solutions if s.contracted and s.total is not None]


def _purpose(package: Package) -> str:
    if not any(d.kind.startswith("aanmelding") for d in package.documents):
        return "het gebruik van innovatieve oplossingen"
    if package.involvement == Involvement.LID.value:
        return "het lidmaatschap" + (" en het gebruik van innovatieve oplossingen"
                                     if package.solutions else "")
    return "de aanmelding als participant" + (" en het gebruik van innovatieve oplossingen"
                                              if package.solutions else "")


def _organisation_signers(package: Package) -> list:
    return [s for s in package.signers if s.party == "organisatie"]


def _recipients(*people) -> list[str]:
    seen, result = set(), []
    for person in people:
        if person is None or not person.email or person.email.lower() in seen:
            continue
        seen.add(person.email.lower())
        result.append(format_address(person.name, person.email))
    return result


def _mimetype(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


# --- delivering -----------------------------------------------------------------------------

def deliver_pending(now: dt.datetime | None = None,
                    backend: MailBackend | None = None) -> dict[str, int]:
    """Send every waiting mail that is due (`now`: naive UTC, default the current time).

    Each mail is committed on its own. Returns counts: {"sent", "retrying", "failed"}
    (failed: gave up after MAX_ATTEMPTS and is now `mislukt`). Never raises MailError.
    """
    now = now or utcnow()
    backend = backend or make_backend(runtime().settings)
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    due = db.session.scalars(
        sa.select(OutgoingMail.id)
        .where(OutgoingMail.state == WAITING)
        .where(sa.or_(OutgoingMail.next_attempt_at.is_(None), OutgoingMail.next_attempt_at <= now))
        .order_by(OutgoingMail.id)
    ).all()
    db.session.commit()
    for mail_id in due:
        # Lock the row (PostgreSQL) so two workers never send the same mail; SQLite
        # serialises writers itself. Skip a row someone else holds or has sent meanwhile.
        mail = db.session.scalar(
            sa.select(OutgoingMail).where(OutgoingMail.id == mail_id)
            .with_for_update(skip_locked=True)
        )
        if mail is None or mail.state != WAITING:
            db.session.rollback()
            continue
        outcome = _attempt(mail, backend, now)
        counts[outcome] += 1
        db.session.commit()
    return counts


def _attempt(mail: OutgoingMail, backend: MailBackend, now: dt.datetime) -> str:
    settings = runtime().settings
    if not mail.message_id:
        mail.message_id = new_message_id(settings.mail_from, mail.id)
    try:
        attachments = [(a["filename"], a.get("type") or PDF, runtime().store.get(a["key"]))
                       for a in mail.attachments or []]
        message = build_message(sender=settings.mail_from, recipients=list(mail.recipients),
                                subject=mail.subject, text=mail.body_text,
                                html=mail.body_html, attachments=attachments,
                                message_id=mail.message_id)
        backend.send(message)
    except PartiallyRefused as exc:  # it went out: do not send it twice
        _sent(mail, now, warning=str(exc))
        return "sent"
    except (MailError, StoreError) as exc:
        error = str(exc) if isinstance(exc, MailError) else \
            "Een bijlage ontbreekt in de documentopslag."
        return _failed(mail, now, error)
    except Exception as exc:  # noqa: BLE001  one bad mail must not stop the queue
        # The type only: the message of an unexpected error may hold an address.
        return _failed(mail, now, f"Het bericht kon niet worden opgebouwd of verzonden "
                                  f"({type(exc).__name__}).")
    _sent(mail, now)
    return "sent"


def _sent(mail: OutgoingMail, now: dt.datetime, warning: str | None = None) -> None:
    mail.attempts += 1
    mail.state = SENT
    mail.sent_at = now
    mail.next_attempt_at = None
    mail.last_error = warning
    log.info("mail %s (%s) sent after %s attempt(s)", mail.id, mail.kind, mail.attempts)
    package = db.session.get(Package, mail.package_id) if mail.package_id else None
    if package is not None:
        timeline.record(package, SYSTEM, "mail",
                        f"E-mail '{KIND_LABELS.get(mail.kind, mail.kind)}' verzonden."
                        + (f" Let op: {warning}" if warning else ""),
                        mail_id=mail.id, mail_kind=mail.kind)


def _failed(mail: OutgoingMail, now: dt.datetime, error: str) -> str:
    mail.attempts += 1
    mail.last_error = error
    log.warning("mail %s (%s) attempt %s failed: %s", mail.id, mail.kind, mail.attempts, error)
    if mail.attempts >= MAX_ATTEMPTS:
        mail.state = FAILED
        mail.next_attempt_at = None
        package = db.session.get(Package, mail.package_id) if mail.package_id else None
        if package is not None:
            timeline.record(package, SYSTEM, "mail",
                            f"E-mail '{KIND_LABELS.get(mail.kind, mail.kind)}' kon na "
                            f"{mail.attempts} pogingen niet worden verzonden: {error}",
                            mail_id=mail.id, mail_kind=mail.kind)
        return "failed"
    mail.next_attempt_at = now + retry_delay(mail.attempts)
    return "retrying"


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after `attempts` failed attempts: 1, 2, 4 … minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** (max(attempts, 1) - 1)), MAX_DELAY)


# --- for staff ------------------------------------------------------------------------------

def list_mail(state: str | None = None, limit: int = 200) -> list[OutgoingMail]:
    """The newest queued mails first, optionally only those in `state`."""
    query = sa.select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(limit)
    if state:
        query = query.where(OutgoingMail.state == state)
    return list(db.session.scalars(query))


def count_by_state() -> dict[str, int]:
    """How many mails are in each state (every state present, zero when none)."""
    counts = dict.fromkeys(STATE_LABELS, 0)
    rows = db.session.execute(
        sa.select(OutgoingMail.state, sa.func.count(OutgoingMail.id)).group_by(OutgoingMail.state)
    )
    for state, count in rows:
        counts[state] = count
    return counts


def get_mail(mail_id: int) -> OutgoingMail:
    """The queued mail with this id; raise NotFound otherwise."""
    mail = db.session.get(OutgoingMail, mail_id)
    if mail is None:
        raise NotFound("Deze e-mail bestaat niet.")
    return mail


def retry_mail(mail_id: int, actor: str) -> OutgoingMail:
    """Put a failed (or waiting) mail back in the queue, due now, with a fresh count of
    attempts; commit and return it. Raises NotFound, or ServiceError for a sent mail."""
    mail = get_mail(mail_id)
    if mail.state == SENT:
        raise ServiceError("Deze e-mail is al verzonden.")
    mail.state = WAITING
    mail.attempts = 0
    mail.next_attempt_at = None
    package = db.session.get(Package, mail.package_id) if mail.package_id else None
    if package is not None:
        timeline.record(package, actor, "mail",
                        f"E-mail '{KIND_LABELS.get(mail.kind, mail.kind)}' opnieuw in de "
                        "wachtrij gezet.", mail_id=mail.id, mail_kind=mail.kind)
    db.session.commit()
    return mail


def outbox_file(mail: OutgoingMail) -> Path | None:
    """The .eml file of a sent mail in outbox mode, or None (SMTP mode, or not written)."""
    settings = runtime().settings
    if settings.mail_backend != "outbox" or not mail.message_id or mail.state != SENT:
        return None
    path = Path(settings.outbox_path) / OutboxBackend.filename_for(mail.message_id)
    return path if path.is_file() else None


def deliver_mail_job() -> dict[str, int]:
    """A job: send what is due, then plan the next attempt for mail that must wait.

    Returns the counts of deliver_pending. Jobs call this rather than deliver_pending, so a
    mail server that is down is tried again without anyone pressing a button.
    """
    from app.jobs import enqueue_at

    counts = deliver_pending()
    next_attempt = db.session.scalar(
        sa.select(sa.func.min(OutgoingMail.next_attempt_at)).where(OutgoingMail.state == WAITING))
    db.session.commit()
    if next_attempt is not None:
        enqueue_at(next_attempt, deliver_mail_job)
    return counts
