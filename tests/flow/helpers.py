"""Helpers for the flow tests: small valid PDFs, packages with stub PDFs, counting rows.

The documents of these packages are NOT made by app.documents (no LibreOffice here): each
gets a small valid PDF put straight into the document store, with its key and SHA-256 on the
document, and the package is moved to `klaar` through the timeline, as make_documents would.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa

from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import SolutionRequest
from app.domain.states import JobState
from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import timeline
from app.services.intake import NewPackage
from app.services.intake import OrganisationInput
from app.services.packages import create_package
from app.store.models import AppliedEvent
from app.store.models import JobRun
from app.store.models import Package
from app.store.models import TimelineEvent
from app.store.models import WebhookDelivery
from app.store.models import utcnow
from tests.pdfs import tiny_pdf

SIGNATORY = Person("Sharon Dijksma", "voorzitter", "sharon.dijksma@stichting-noord.example")
CONTACT = Person("Fatima el Amrani", "beleidsadviseur", "fatima@stichting-noord.example",
                 "+31 30 286 0000")
FG = Person("Noor El Amrani", "functionaris gegevensbescherming", "fg@stichting-noord.example",
            "+31 30 286 1000")
BREACH = Person("Servicedesk Noord", "contact bij datalekken", "datalek@stichting-noord.example",
                "+31 6 12345678")
PERSONAL = ("Sharon", "Dijksma", "sharon.dijksma", "Fatima", "Amrani", "fatima@",
            "Annemiek", "Roel", "voorzitter@nvsi.nl", "penningmeester@nvsi.nl")


def new_package(*, organisation_id: int | None = None, solutions=("schuldenradar",),
                kind: OrgKind = OrgKind.MAATSCHAPPELIJKE_ORGANISATIE,
                name: str = "Stichting Noord") -> NewPackage:
    gemeente = kind is OrgKind.GEMEENTE
    return NewPackage(
        organisation_id=organisation_id,
        organisation=None if organisation_id else OrganisationInput(
            kind, name, "GM0344" if gemeente else None, None if gemeente else "12345678",
            None, Address("Markt 1", "3511 AB", "Utrecht")),
        involvement=Involvement.LID,
        contact=CONTACT,
        signatory=SIGNATORY,
        solutions=tuple(SolutionRequest(code, dt.date(2027, 1, 1)) for code in solutions),
        participant_warning_acknowledged=False,
        privacy_officer=FG,
        breach_contact=BREACH,
    )


def package_with_stub_pdfs(new: NewPackage | None = None) -> int:
    """Create a package and give its documents stub PDFs (see the module docstring); return
    its id, in state `klaar`."""
    package = create_package(new or new_package(), actor="test")
    store = runtime().store
    for document in package.documents:
        document.filename = f"{document.position:02d}-{document.kind}"
        document.pdf_key = f"packages/{package.reference_number}/{document.filename}.pdf"
        document.pdf_sha256 = store.put(
            document.pdf_key, tiny_pdf(f"{package.reference_number} {document.filename}"))
        document.made_at = utcnow()
    timeline.transition(package, PackageState.KLAAR, "test",
                        "Stub-pdf's voor de test klaargezet (geen LibreOffice).")
    db.session.commit()
    return package.id


def drain_jobs() -> None:
    """Wait until the background jobs of this process that are due are done (needs an app
    context); a retry planned for later stays waiting."""
    from app.jobs.runner import background_runner

    runner = background_runner()
    for _ in range(20):  # a job may start another (a poll starts the archiving)
        db.session.commit()
        runner.wait()
        db.session.expire_all()
        if not db.session.scalar(sa.select(sa.func.count(JobRun.id)).where(sa.or_(
                JobRun.state == JobState.BEZIG,
                sa.and_(JobRun.state == JobState.WACHTEND, JobRun.due_at <= utcnow())))):
            return
    raise AssertionError("background jobs did not finish")


def sign_on_paper(package_id: int) -> Package:
    """Send the package (state `klaar`) with the manual provider, upload a signed scan of
    each document to sign, and let the jobs (archiving) finish; return the package."""
    from app.services.sending import send_package
    from app.services.sending import upload_signed_scan

    send_package(package_id, "manual", "medewerker@nvsi.nl")
    for document in [d for d in package(package_id).documents if d.signed_required]:
        upload_signed_scan(package_id, document.id, tiny_pdf(f"scan {document.id}"),
                           "medewerker@nvsi.nl")
    drain_jobs()
    return package(package_id)


def package(package_id: int) -> Package:
    db.session.expire_all()
    return db.session.get(Package, package_id)


def applied_keys(package_id: int) -> list[str]:
    return sorted(db.session.scalars(sa.select(AppliedEvent.dedupe_key).where(
        AppliedEvent.package_id == package_id)))


def transitions(package_id: int) -> list[str]:
    """The states the package moved to, in order."""
    return list(db.session.scalars(sa.select(TimelineEvent.state_to).where(
        TimelineEvent.package_id == package_id, TimelineEvent.state_to.is_not(None))
        .order_by(TimelineEvent.id)))


def timeline_kinds(package_id: int) -> Counter:
    return Counter(db.session.scalars(sa.select(TimelineEvent.kind).where(
        TimelineEvent.package_id == package_id)))


def timeline_messages(package_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(TimelineEvent.message).where(
        TimelineEvent.package_id == package_id).order_by(TimelineEvent.id)))


def deliveries(provider: str) -> Counter:
    return Counter(db.session.scalars(sa.select(WebhookDelivery.outcome).where(
        WebhookDelivery.provider == provider)))


def signed_path(document) -> bytes:
    return runtime().store.get(document.signed_key)


def through_the_raad(package_id: int, actor: str = "medewerker") -> None:
    """Make the documents (the raad step mails the DOCX files too) and take a gemeente's
    package through the raad step, all today, to the collegebesluit "B&W 2026/118"."""
    from app.domain.council import CouncilReaction
    from app.services.council import record_college_decision
    from app.services.council import record_council_reaction
    from app.services.council import record_sent_to_raad
    from app.services.council import start_council_procedure
    from app.services.documents import make_documents

    make_documents(package_id, actor)
    today = dt.date.today()
    start_council_procedure(package_id, actor, today=today)
    record_sent_to_raad(package_id, today, actor, today=today)
    record_council_reaction(package_id, CouncilReaction.GEEN, today, "", actor, today=today)
    record_college_decision(package_id, today, "B&W 2026/118", actor, today=today)
