"""The Gemeentewet art. 160 lid 2 step, run as the law runs it.

1. `start_council_procedure`: the gemeente's contact person gets the raadsbrief and the
   ontwerpbesluit (the College's own documents to its raad, as editable DOCX and PDF) with
   what to do; the package waits for the raad.
2. `record_sent_to_raad`: the day the ontwerpbesluit went to the raad; the raad's term (setting
   `council_response_weeks`) runs from that day. The documents that print the deadline are
   made again (new versions) and the gemeente gets the deadline as a date.
3. `record_council_reaction`: the raad's reaction (none, or wensen en bedenkingen with their
   text and date), with an optional upload of its letter or besluitenlijst.
4. `record_college_decision`: only after the raad's term, or after its reaction; the
   documents that depend on the decision (Bijlage 1, the aanbiedingsbrief) are made again.

Every step is checked by app.domain.council, refused in Dutch with nothing changed, and
harmless when recorded twice with the same values. `send_due_council_reminders` (run it
daily) reminds the gemeente once when the term has passed without a collegebesluit.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from app.domain.council import ART_160
from app.domain.council import CouncilError
from app.domain.council import CouncilReaction
from app.domain.council import CouncilStep
from app.domain.council import check_decision
from app.domain.council import check_reaction
from app.domain.council import check_sent
from app.domain.council import raad_deadline
from app.domain.council import reminder_due_on
from app.domain.council import unchanged_or_refuse
from app.domain.formatting import format_date
from app.domain.rules import DocumentKind
from app.domain.lifecycle import Action
from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import mailing
from app.services import timeline
from app.services.errors import ServiceError
from app.services.lifecycle import require
from app.services.packages import council_record
from app.services.packages import get_package
from app.store.models import Package
from app.store.models import utcnow

log = logging.getLogger(__name__)

MAX_UPLOAD = 20 * 1024 * 1024
# The documents that print the raad's deadline, and those that print the collegebesluit.
DEADLINE_DOCUMENTS = (DocumentKind.AANBIEDINGSBRIEF, DocumentKind.RAADSBRIEF,
                      DocumentKind.ONTWERPBESLUIT)
DECISION_DOCUMENTS = (DocumentKind.AANBIEDINGSBRIEF, DocumentKind.AANMELDING_GEMEENTE_LID)
WAITING = PackageState.WACHT_OP_RAAD.value


def council_steps(package: Package) -> frozenset[CouncilStep]:
    """The raad steps that may be recorded for the package now (the one rule's answer)."""
    from app.domain.lifecycle import COUNCIL_ACTIONS
    from app.services.lifecycle import allowed_actions

    actions = allowed_actions(package)
    return frozenset(step for step, action in COUNCIL_ACTIONS.items() if action in actions)


def start_council_procedure(package_id: int, actor: str, today: dt.date | None = None) -> Package:
    """Start the raad step: the package waits for the raad, and the gemeente's contact person
    is mailed the raadsbrief and ontwerpbesluit (DOCX and PDF) with what to do. Return it.

    Started already: nothing happens. Raises ServiceError or TransitionError.
    """
    package = get_package(package_id)
    if not package.needs_council:
        raise ServiceError("Dit pakket heeft geen raadsprocedure nodig.")
    if package.council_started_on is not None:
        return package  # twice is harmless
    require(package, Action.COUNCIL_START)
    documents = _documents(package, DocumentKind.RAADSBRIEF, DocumentKind.ONTWERPBESLUIT)
    if not all(d.docx_key and d.pdf_key for d in documents):
        raise ServiceError("De raadsbrief en het ontwerpbesluit zijn nog niet gemaakt. Maak "
                           "eerst de documenten.")
    today = today or dt.date.today()
    weeks = runtime().settings.council_response_weeks
    package.council_started_on = today
    timeline.transition(
        package, PackageState.WACHT_OP_RAAD, actor,
        "Raadsprocedure gestart: raadsbrief en ontwerpbesluit naar de gemeente "
        f"({_versions(documents)}). De raad krijgt {weeks} weken vanaf de dag waarop het "
        "ontwerpbesluit naar de raad gaat.", started_on=today.isoformat())
    _mail(package, CouncilStep.START, _start_text(package, today, weeks), documents)
    return _done(package)


def record_sent_to_raad(package_id: int, sent_on: dt.date, actor: str,
                        today: dt.date | None = None) -> Package:
    """Record the day the ontwerpbesluit went to the raad; the deadline follows from it, the
    documents that print it are made again, and the gemeente is told the deadline. Return it.

    Raises ServiceError (Dutch, `field` "sent_on") for a date in the wrong order.
    """
    package = get_package(package_id)
    record = council_record(package)
    today = today or dt.date.today()
    try:
        if unchanged_or_refuse("De datum waarop het ontwerpbesluit naar de raad ging",
                               record.sent_on, sent_on):
            return package
        require(package, Action.COUNCIL_SENT)
        check_sent(record, sent_on, today)
    except CouncilError as exc:
        raise ServiceError(exc.message, exc.field) from None
    package.council_sent_on = sent_on
    package.council_deadline = raad_deadline(sent_on, runtime().settings.council_response_weeks)
    remade = _remake(package, DEADLINE_DOCUMENTS, actor,
                     "De termijn van de raad is bekend en staat nu in het document.")
    timeline.record(
        package, actor, "raad",
        f"Ontwerpbesluit op {format_date(sent_on)} naar de raad. De raad kan tot en met "
        f"{format_date(package.council_deadline)} zijn wensen en bedenkingen kenbaar maken."
        + _remade_text(remade),
        sent_on=sent_on.isoformat(), deadline=package.council_deadline.isoformat())
    documents = _documents(package, DocumentKind.ONTWERPBESLUIT)
    _mail(package, CouncilStep.SENT, _sent_text(package), documents)
    return _done(package)


def record_council_reaction(package_id: int, reaction: CouncilReaction, reaction_on: dt.date,
                            text: str, actor: str, letter: bytes | None = None,
                            letter_filename: str | None = None,
                            today: dt.date | None = None) -> Package:
    """Record the raad's reaction, with its letter or besluitenlijst (PDF) when given.

    Raises ServiceError (Dutch, with the field) for a date in the wrong order, wensen en
    bedenkingen without their text, or a file that is not a PDF.
    """
    package = get_package(package_id)
    record = council_record(package)
    today = today or dt.date.today()
    text = (text or "").strip()
    try:
        if unchanged_or_refuse("De reactie van de raad",
                               (record.reaction, record.reaction_on, record.reaction_text),
                               (reaction, reaction_on, text)):
            return package
        require(package, Action.COUNCIL_REACTION)
        check_reaction(record, reaction, reaction_on, text, today)
    except CouncilError as exc:
        raise ServiceError(exc.message, exc.field) from None
    if len(text) > 20_000:
        raise ServiceError("Wensen en bedenkingen: gebruik hoogstens 20.000 tekens.",
                           "reaction_text")
    if letter:
        _check_pdf(letter, "letter", "Brief of besluitenlijst van de raad")
    package.council_reaction = reaction.value
    package.council_reaction_on = reaction_on
    package.council_reaction_text = text or None
    message = f"Reactie van de raad van {format_date(reaction_on)}: {reaction.label}."
    if letter:
        name = _safe_filename(letter_filename, "brief-raad")
        package.council_letter_filename = name
        package.council_letter_key = (f"packages/{package.reference_number}/raad/"
                                      f"{name}")
        package.council_letter_sha256 = runtime().store.put(package.council_letter_key, letter)
        message += (f" Brief van de raad bewaard ({name}, SHA-256 "
                    f"{package.council_letter_sha256[:12]}…).")
    timeline.record(package, actor, "raad", message, reaction=reaction.value,
                    reaction_on=reaction_on.isoformat(),
                    letter_sha256=package.council_letter_sha256 if letter else None)
    _mail(package, CouncilStep.REACTION, _reaction_text(package))
    return _done(package)


def record_college_decision(package_id: int, decided_on: dt.date, decision_reference: str,
                            actor: str, today: dt.date | None = None) -> Package:
    """Record the College decision (date and kenmerk) and make Bijlage 1 and the
    aanbiedingsbrief again; the registration form may then go out for signature.

    Refused (ServiceError, Dutch, field "decided_on") before the raad's term has ended
    without a reaction (art. 160 lid 2), before the raad got the ontwerpbesluit or reacted,
    in the future, or after a solution's start date. Raises TransitionError when the
    package does not wait for the raad.
    """
    package = get_package(package_id)
    record = council_record(package)
    today = today or dt.date.today()
    reference = " ".join((decision_reference or "").split())
    if not reference:
        raise ServiceError("Kenmerk collegebesluit: vul dit veld in.", "decision_reference")
    if len(reference) > 200:
        raise ServiceError("Kenmerk collegebesluit: gebruik hoogstens 200 tekens.",
                           "decision_reference")
    reference_data = runtime().reference
    starts = [(reference_data.solution(s.solution_code).name, s.start_date)
              for s in package.solutions if s.contracted]
    try:
        if unchanged_or_refuse("Het collegebesluit",
                               (record.decided_on, record.decision_reference),
                               (decided_on, reference)):
            return package
        require(package, Action.COUNCIL_DECISION)
        check_decision(record, decided_on, today, starts)
    except CouncilError as exc:
        raise ServiceError(exc.message, exc.field) from None
    package.college_decision_on = decided_on
    package.college_decision_reference = reference
    package.attention = None
    remade = _remake(package, DECISION_DOCUMENTS, actor,
                     f"Het collegebesluit van {format_date(decided_on)} ({reference}) staat "
                     "nu in het document.")
    timeline.transition(
        package, PackageState.BESLUIT_GENOMEN, actor,
        f"Collegebesluit van {format_date(decided_on)} vastgelegd ({reference})."
        + _remade_text(remade), decided_on=decided_on.isoformat())
    _mail(package, CouncilStep.DECISION, _decision_text(package))
    return _done(package)


def store_volmacht(package_id: int, data: bytes, filename: str | None, actor: str) -> Package:
    """Keep the uploaded volmacht (PDF) of the package's gemachtigde signer; return the package.

    Raises ServiceError when the signer has no volmacht or the file is not a PDF.
    """
    package = get_package(package_id)
    require(package, Action.VOLMACHT)
    _check_pdf(data, "volmacht", "Volmacht")
    name = _safe_filename(filename, "volmacht")
    key = f"packages/{package.reference_number}/volmacht/{name}"
    digest = runtime().store.put(key, data)
    if digest == package.volmacht_sha256:
        return package  # the same file again
    package.volmacht_key, package.volmacht_sha256, package.volmacht_filename = key, digest, name
    timeline.record(package, actor, "volmacht",
                    f"Volmacht van {format_date(package.volmacht_on)} "
                    f"({package.volmacht_reference}) bewaard ({name}, SHA-256 {digest[:12]}…).",
                    sha256=digest)
    db.session.commit()
    return package


def send_due_council_reminders(today: dt.date | None = None) -> list[int]:
    """Remind every gemeente whose raad's term ended `council_reminder_days` days ago or more
    without a recorded collegebesluit: once per package, in its timeline, and the package is
    flagged for staff's attention. Safe to run as often as wanted (run it daily). Returns
    the ids of the packages reminded now.
    """
    today = today or dt.date.today()
    days = runtime().settings.council_reminder_days
    candidates = db.session.scalars(
        sa.select(Package.id).where(
            Package.state == WAITING, Package.council_deadline.is_not(None),
            Package.college_decision_on.is_(None), Package.council_reminder_sent_on.is_(None),
            Package.council_deadline <= today - dt.timedelta(days=days))
        .order_by(Package.id)).all()
    db.session.commit()
    reminded = []
    for package_id in candidates:
        # Claim the package first: a second sweep at the same moment finds nothing to claim.
        claimed = db.session.execute(
            sa.update(Package)
            .where(Package.id == package_id, Package.council_reminder_sent_on.is_(None),
                   Package.state == WAITING, Package.college_decision_on.is_(None))
            .values(council_reminder_sent_on=today)
            .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        package = get_package(package_id)
        db.session.refresh(package)
        due = reminder_due_on(council_record(package), days)
        package.attention = (
            f"De termijn van de raad liep tot en met {format_date(package.council_deadline)} "
            f"en er is nog geen collegebesluit. De gemeente kreeg op {format_date(today)} een "
            "herinnering; neem zo nodig contact op.")
        timeline.record(package, "systeem", "herinnering",
                        f"Herinnering aan de gemeente: {days} dagen na het einde van de termijn "
                        f"van de raad ({format_date(package.council_deadline)}) is er nog geen "
                        "collegebesluit.", due_on=due.isoformat() if due else None)
        mailing.queue_council_mail(package, "herinnering", _reminder_text(package))
        db.session.commit()
        reminded.append(package_id)
        log.info("package %s: council reminder queued", package_id)
    if reminded:
        _deliver()
    return reminded


# --- helpers ---------------------------------------------------------------------------------

def _documents(package: Package, *kinds: DocumentKind) -> list:
    wanted = [kind.value for kind in kinds]
    return [d for d in package.documents if d.kind in wanted]


def _remake(package: Package, kinds, actor: str, reason: str) -> list[str]:
    from app.services.documents import remake_documents

    present = [kind for kind in kinds if _documents(package, kind)]
    if not present:
        return []
    try:
        return remake_documents(package, present, actor, reason)
    except ServiceError:
        db.session.rollback()
        raise


def _remade_text(labels: list[str]) -> str:
    return f" Opnieuw gemaakt: {'; '.join(labels)}." if labels else ""


def _versions(documents) -> str:
    from app.services.documents import version_label

    return "; ".join(version_label(d) for d in documents)


def _mail(package: Package, step: CouncilStep | str, text: dict, documents=()) -> None:
    """Queue the step's mail; the documents' newest versions are noted as sent to the
    gemeente, and the timeline names them."""
    from app.services.documents import note_sent
    from app.services.documents import version_label

    key = step.value if isinstance(step, CouncilStep) else step
    mailing.queue_council_mail(package, key, text, documents)
    if documents:
        now = utcnow()
        for document in documents:
            note_sent(document, now, "gemeente (e-mail)")
        timeline.record(package, "systeem", "versie",
                        "Naar de gemeente (DOCX en PDF): "
                        + "; ".join(version_label(d) for d in documents) + ".",
                        versions={d.kind: d.pdf_sha256 for d in documents})


def _done(package: Package) -> Package:
    """Commit the step together with the job that delivers its mail."""
    _deliver(package.id)
    return package


def _deliver(package_id: int | None = None) -> None:
    from app.jobs import enqueue

    enqueue(mailing.deliver_mail_job, package_id=package_id)  # commits the step with it


def _check_pdf(data: bytes, field: str, label: str) -> None:
    if not data:
        raise ServiceError(f"{label}: kies een PDF-bestand.", field)
    if len(data) > MAX_UPLOAD:
        raise ServiceError(f"{label}: het bestand is groter dan 20 MB.", field)
    if b"%PDF-" not in data[:1024]:
        raise ServiceError(f"{label}: dit is geen PDF-bestand. Kies een PDF.", field)
    from app.services.sending import check_pdf
    from app.services.sending import check_plain_pdf

    try:  # readable, with pages, and nothing active in it (as a signed scan)
        check_pdf(data)
        check_plain_pdf(data)
    except ServiceError as exc:
        raise ServiceError(f"{label}: {exc.message}", field) from None


def _safe_filename(name: str | None, default: str) -> str:
    import re

    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", (name or "").rsplit("/", 1)[-1]).strip("-.")
    stem = stem[:-4] if stem.lower().endswith(".pdf") else stem
    return f"{(stem or default)[:80]}.pdf"


# --- the mails' Dutch text -------------------------------------------------------------------

def _designation(package: Package) -> str:
    return f"de gemeente {package.organisation.name}"


def _start_text(package: Package, today: dt.date, weeks: int) -> dict:
    gemeente = _designation(package)
    email = runtime().reference.association.email
    example = format_date(raad_deadline(today, weeks))
    return {
        "subject": f"Lidmaatschap NVSI: raadsbrief en ontwerpbesluit voor {gemeente}",
        "intro": [
            f"U heeft laten weten dat {gemeente} lid wil worden van de Nederlandse Vereniging "
            "voor Sociale Innovatie (NVSI). Het college van burgemeester en wethouders besluit "
            "daartoe pas nadat de gemeenteraad een ontwerpbesluit heeft ontvangen en in de "
            f"gelegenheid is gesteld zijn wensen en bedenkingen kenbaar te maken ({ART_160}).",
            "Daarvoor sturen wij u de raadsbrief en het ontwerpbesluit. Het zijn documenten van "
            "het college aan de raad: u kunt ze als Word-bestand op het briefpapier van de "
            "gemeente zetten en aanpassen. De PDF's laten zien hoe ze er nu uitzien.",
        ],
        "todo": [
            "Zet de raadsbrief en het ontwerpbesluit op het briefpapier van de gemeente en "
            "agendeer ze voor het college.",
            "Stuur ze namens het college naar de gemeenteraad.",
            "Laat ons de datum weten waarop het ontwerpbesluit naar de raad is gegaan: mail "
            f"die datum naar {email}, met kenmerk {package.reference_number}.",
        ],
        "after": [
            f"De raad heeft vanaf die datum {weeks} weken om zijn wensen en bedenkingen kenbaar "
            f"te maken. Gaat het ontwerpbesluit bijvoorbeeld vandaag ({format_date(today)}) "
            f"naar de raad, dan loopt de termijn tot en met {example}. Zodra wij de datum "
            "hebben, bevestigen wij u de einddatum.",
        ],
    }


def _sent_text(package: Package) -> dict:
    gemeente = _designation(package)
    deadline = format_date(package.council_deadline)
    reminder = format_date(package.council_deadline
                           + dt.timedelta(days=runtime().settings.council_reminder_days))
    return {
        "subject": f"Lidmaatschap NVSI: de raad kan reageren tot en met {deadline}",
        "intro": [
            f"Wij hebben vastgelegd dat het ontwerpbesluit over het lidmaatschap van {gemeente} "
            f"op {format_date(package.council_sent_on)} naar de gemeenteraad is gegaan. De raad "
            f"kan tot en met {deadline} zijn wensen en bedenkingen kenbaar maken aan het "
            "college.",
            f"Het ontwerpbesluit noemt deze termijn nu. U vindt het bijgewerkte ontwerpbesluit "
            "als Word-bestand en als PDF bij deze e-mail, voor het besluit van het college.",
        ],
        "todo": [
            "Stuur ons de reactie van de raad zodra die er is: dat de raad geen wensen en "
            "bedenkingen heeft, of de wensen en bedenkingen zelf (met de brief of de "
            "besluitenlijst van de raad). Reageert de raad niet vóór of op "
            f"{deadline}, dan hoeft u niets te sturen.",
            f"Het college besluit na de reactie van de raad, of na {deadline}. Stuur ons dan "
            "de datum en het kenmerk van het collegebesluit.",
        ],
        "after": [
            "Daarna sturen wij het aanmeldformulier (bijlage 1) en de andere documenten ter "
            "ondertekening. Hebben wij op "
            f"{reminder} nog geen collegebesluit, dan sturen wij u een herinnering.",
        ],
    }


def _reaction_text(package: Package) -> dict:
    reaction = CouncilReaction(package.council_reaction)
    when = format_date(package.council_reaction_on)
    if reaction is CouncilReaction.GEEN:
        what = f"de raad heeft op {when} laten weten geen wensen en bedenkingen te hebben."
        weigh = "Het college kan nu besluiten over het lidmaatschap."
    else:
        what = f"de raad heeft op {when} zijn wensen en bedenkingen kenbaar gemaakt."
        weigh = ("Het college kan nu besluiten over het lidmaatschap en betrekt de wensen en "
                 "bedenkingen van de raad bij zijn besluit.")
    return {
        "subject": "Lidmaatschap NVSI: reactie van de raad vastgelegd",
        "intro": [f"Wij hebben de reactie van de raad van {_designation(package)} vastgelegd: "
                  + what, weigh],
        "todo": ["Stuur ons de datum en het kenmerk van het collegebesluit zodra het college "
                 f"heeft besloten, met kenmerk {package.reference_number}."],
        "after": ["Daarna sturen wij het aanmeldformulier (bijlage 1) en de andere documenten "
                  "ter ondertekening."],
    }


def _decision_text(package: Package) -> dict:
    signatory = package.signatory
    return {
        "subject": "Lidmaatschap NVSI: collegebesluit vastgelegd",
        "intro": [
            f"Wij hebben het besluit van het college van {_designation(package)} van "
            f"{format_date(package.college_decision_on)} (kenmerk "
            f"{package.college_decision_reference}) over het lidmaatschap van de NVSI "
            "vastgelegd. Het aanmeldformulier (bijlage 1) noemt nu dit besluit.",
            "U hoeft ons niets meer te sturen. U ontvangt de documenten binnenkort in een "
            f"aparte e-mail ter ondertekening; {signatory.name} ({signatory.function}) tekent "
            "namens de gemeente.",
        ],
        "todo": [],
    }


def _reminder_text(package: Package) -> dict:
    deadline = format_date(package.council_deadline)
    todo = ["Stuur ons de datum en het kenmerk van het collegebesluit over het lidmaatschap, "
            f"met kenmerk {package.reference_number}."]
    if package.council_reaction is None:
        todo.insert(0, "Heeft de raad gereageerd? Stuur ons dan ook zijn reactie (met de brief "
                       "of de besluitenlijst van de raad).")
    return {
        "subject": "Herinnering: collegebesluit over het lidmaatschap van de NVSI",
        "intro": [
            "Het ontwerpbesluit over het lidmaatschap van "
            f"{_designation(package)} ging op {format_date(package.council_sent_on)} naar de "
            f"gemeenteraad. De termijn van de raad liep tot en met {deadline}. Wij hebben nog "
            "geen collegebesluit van u ontvangen.",
        ],
        "todo": todo,
        "after": ["Ziet de gemeente af van het lidmaatschap, of duurt het besluit langer? "
                  "Laat het ons weten, dan passen wij het pakket aan."],
    }
