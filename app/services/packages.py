"""Making a package: apply the rules to checked input and store it in state `concept`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa

from app.domain.facts import PackageFacts
from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import Organisation as OrganisationValue
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import DocumentKind
from app.domain.rules import OnFile
from app.domain.rules import PackagePlan
from app.domain.rules import PackageRequest
from app.domain.rules import Pending
from app.domain.rules import plan_package
from app.domain.states import AgreementKind
from app.domain.states import PackageState
from app.extensions import db
from app.runtime import runtime
from app.services import timeline
from app.services.errors import NotFound
from app.services.fee_schedules import priced_reference
from app.services.intake import BREACH_LABELS
from app.services.intake import FG_LABELS
from app.services.intake import IntakeError
from app.services.intake import NewPackage
from app.store.models import Agreement
from app.store.models import ContactPerson
from app.store.models import Document
from app.store.models import Organisation
from app.store.models import Package
from app.store.models import PackageSolution
from app.store.models import Signer

REGISTRATION_AGREEMENT = {
    Involvement.LID: AgreementKind.REGISTRATIE_LID,
    Involvement.PARTICIPANT: AgreementKind.REGISTRATIE_PARTICIPANT,
}
VWO_AGREEMENT = AgreementKind.VERWERKERSOVEREENKOMST
GEBRUIK_AGREEMENT = AgreementKind.GEBRUIKSOVEREENKOMST


def on_file_for(agreements: Iterable[Agreement],
                packages: Iterable[Package] = ()) -> OnFile:
    """What an organisation already has: its recorded agreements, and what its open (not
    ended) `packages` hold."""
    registered_as = registered_on = vwo_on = voorwaarden = None
    contracted: dict[str, dt.date] = {}
    for agreement in agreements:
        if agreement.kind == REGISTRATION_AGREEMENT[Involvement.LID]:
            registered_as, registered_on = Involvement.LID, agreement.signed_on
        elif agreement.kind == REGISTRATION_AGREEMENT[Involvement.PARTICIPANT]:
            if registered_as is not Involvement.LID:
                registered_as, registered_on = Involvement.PARTICIPANT, agreement.signed_on
        elif agreement.kind == VWO_AGREEMENT:
            vwo_on = agreement.signed_on
        elif agreement.kind == GEBRUIK_AGREEMENT:
            contracted[agreement.solution_code] = agreement.signed_on
            voorwaarden = agreement.voorwaarden_version  # agreements come in signing order
    pending = tuple(_pending(package) for package in packages
                    if not PackageState(package.state).is_final)
    return OnFile(registered_as, registered_on, vwo_on, contracted, voorwaarden, pending)


def _pending(package: Package) -> Pending:
    kinds = {DocumentKind(d.kind) for d in package.documents}
    return Pending(
        reference=package.reference_number,
        verwerkersovereenkomst=DocumentKind.VERWERKERSOVEREENKOMST in kinds,
        solutions=frozenset(d.solution_code for d in package.documents
                            if d.kind == DocumentKind.GEBRUIKSOVEREENKOMST.value),
        voorwaarden_version=(package.voorwaarden_version
                             if DocumentKind.VOORWAARDEN in kinds else None),
    )


def organisation_on_file(organisation: Organisation | None, *,
                         leave_out: int | None = None) -> OnFile:
    """The on-file state of a stored organisation (or a new one): its agreements and its open
    packages, except the package `leave_out` (one being replaced)."""
    if organisation is None:
        return OnFile()
    packages = [p for p in organisation.packages if p.id != leave_out]
    return on_file_for(organisation.agreements, packages)


def find_organisation(new: NewPackage) -> Organisation | None:
    """The stored organisation the input points at, or None for a new one.

    Raises NotFound for an organisation id that does not exist.
    """
    if new.organisation_id is not None:
        organisation = db.session.get(Organisation, new.organisation_id)
        if organisation is None:
            raise NotFound("Deze organisatie bestaat niet (meer).")
        return organisation
    if new.organisation and new.organisation.cbs_code:
        return db.session.scalar(
            sa.select(Organisation).where(Organisation.cbs_code == new.organisation.cbs_code)
        )
    return None


def preview(new: NewPackage) -> PackagePlan:
    """The documents, skipped documents, fees and warnings the package would get; writes nothing.

    Raises RuleError or NotFound.
    """
    organisation = find_organisation(new)
    plan = _plan(new, organisation)
    return plan


def create_package(new: NewPackage, actor: str, *, idempotency_key: str | None = None,
                   request_sha256: str | None = None) -> Package:
    """Apply the rules and store the package in state `concept`; return it.

    Stores the planned documents, the signers (the organisation's signatory first, then the
    NVSI board), the fees, and the first timeline event. Raises RuleError or NotFound and then
    changes nothing. With an `idempotency_key` (an API client's), the key is stored in the same
    transaction, so a concurrent repeat fails on the unique key instead of making a second
    package (see find_by_idempotency_key).
    """
    organisation = find_organisation(new)
    plan = _plan(new, organisation)
    kind = OrgKind(organisation.kind) if organisation else new.organisation.kind
    capacity = signatory_capacity_for(new, kind)
    if new.replaces is not None:
        from app.services.sending import cancel_package

        cancel_package(new.replaces, f"Vervangen door een nieuw pakket: {new.replace_reason}",
                       actor)
        organisation = find_organisation(new)
    try:
        package = add_package(new, organisation, plan, capacity, actor)
        package.idempotency_key = idempotency_key
        package.request_sha256 = request_sha256
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return package


def add_package(new: NewPackage, organisation: Organisation | None, plan: PackagePlan,
                capacity, actor: str) -> Package:
    """Store the package `new` asks (planned as `plan`, signed with `capacity`) in state
    `concept` for `organisation` (None: add it from `new`), linked to the package it
    replaces; return it. No commit."""
    if organisation is None:
        organisation = _add_organisation(new)
    package = _store(new, organisation, plan, actor)
    package.signatory_capacity = capacity.value
    if new.volmacht is not None:
        package.volmacht_on = new.volmacht.granted_on
        package.volmacht_reference = new.volmacht.reference
    package.replaces_id = new.replaces
    return package


def signatory_capacity_for(new: NewPackage, kind: OrgKind):
    """The signer's capacity (art. 171 for a gemeente; the statuten otherwise), checked
    against the organisation; raises RuleError naming the field."""
    from app.domain.rules import RuleError
    from app.domain.signatory import SignatoryError
    from app.domain.signatory import check_signatory
    from app.domain.signatory import resolve_capacity

    try:
        capacity = resolve_capacity(kind, new.signatory_capacity, new.signatory.function)
        check_signatory(kind, capacity, new.signatory.function, new.volmacht,
                        new.second_signatory is not None, dt.date.today())
    except SignatoryError as exc:
        raise RuleError(exc.message, field=exc.field) from None
    return capacity


def _plan(new: NewPackage, organisation: Organisation | None) -> PackagePlan:
    """The plan for `new`, with today's date and the open packages taken into account.

    Raises RuleError, NotFound, or IntakeError when a verwerkersovereenkomst is planned while
    the privacy officer or the breach contact is missing.
    """
    kind = OrgKind(organisation.kind) if organisation else new.organisation.kind
    if new.replaces is not None:
        _check_replaceable(new.replaces, organisation)
    on_file = organisation_on_file(organisation, leave_out=new.replaces)
    plan = plan_package(_request(new, kind), on_file, priced_reference(),
                        today=dt.date.today())
    if DocumentKind.VERWERKERSOVEREENKOMST in plan.kinds:
        _check_privacy_contacts(new, organisation)
    return plan


def _check_replaceable(package_id: int, organisation: Organisation | None) -> None:
    old = db.session.get(Package, package_id)
    if old is None or organisation is None or old.organisation_id != organisation.id:
        raise IntakeError({"replaces": "Te vervangen pakket: dit is geen pakket van deze "
                                       "organisatie."})
    state = PackageState(old.state)
    if state.is_final or state is PackageState.ONDERTEKEND:
        raise IntakeError({"replaces": f"Te vervangen pakket: {old.reference_number} heeft de "
                                       f"status '{state.label}' en kan niet meer worden "
                                       "vervangen."})


def missing_privacy_contacts(organisation: Organisation) -> str | None:
    """Why a package with a verwerkersovereenkomst cannot be made for this stored organisation
    from what is on file (no privacy officer or breach contact), or None."""
    if organisation.fg_email and organisation.breach_phone:
        return None
    return (f"Van {organisation.name} zijn nog geen functionaris gegevensbescherming en contact "
            "bij datalekken bekend; de verwerkersovereenkomst noemt ze. Maak eerst een pakket "
            "met de hand.")


def _check_privacy_contacts(new: NewPackage, organisation: Organisation | None) -> None:
    """The verwerkersovereenkomst names the FG and the breach contact: both must be known."""
    errors = {}
    if new.privacy_officer is None and not (organisation and organisation.fg_email):
        errors["fg_name"] = (f"{FG_LABELS['name']}: vul de functionaris gegevensbescherming "
                             "(FG) in; de verwerkersovereenkomst noemt hem of haar.")
    if new.breach_contact is None and not (organisation and organisation.breach_phone):
        errors["breach_name"] = (f"{BREACH_LABELS['name']}: vul het contact bij datalekken in, "
                                 "met een telefoonnummer dat dag en nacht bereikbaar is.")
    if errors:
        raise IntakeError(errors)


def _request(new: NewPackage, kind: OrgKind) -> PackageRequest:
    return PackageRequest(kind, new.involvement, new.solutions,
                          new.participant_warning_acknowledged)


def _add_organisation(new: NewPackage) -> Organisation:
    details = new.organisation
    organisation = Organisation(
        name=details.name, kind=details.kind.value, cbs_code=details.cbs_code, kvk=details.kvk,
        oin=details.oin, street=details.address.street, postcode=details.address.postcode,
        city=details.address.city,
    )
    db.session.add(organisation)
    return organisation


def _keep_privacy_contacts(organisation: Organisation, new: NewPackage) -> None:
    """Keep the FG and breach contact as typed most recently."""
    if new.privacy_officer is not None:
        person = new.privacy_officer
        organisation.fg_name, organisation.fg_email = person.name, person.email
        organisation.fg_phone = person.phone or None
    if new.breach_contact is not None:
        person = new.breach_contact
        organisation.breach_name, organisation.breach_email = person.name, person.email
        organisation.breach_phone = person.phone


def _store(new: NewPackage, organisation: Organisation, plan: PackagePlan,
           actor: str) -> Package:
    if new.organisation is not None:  # keep the address as typed most recently
        organisation.street = new.organisation.address.street
        organisation.postcode = new.organisation.address.postcode
        organisation.city = new.organisation.address.city
    package = Package(
        reference_number=f"concept-{dt.datetime.now().timestamp()}",
        organisation=organisation, state=PackageState.CONCEPT.value, created_by=actor)
    db.session.add(package)
    store_plan(package, new, plan)
    db.session.flush()
    package.reference_number = f"NVSI-{package.created_at.year}-{package.id:04d}"
    timeline.record(
        package, actor, "aangemaakt",
        f"Pakket aangemaakt met {len(plan.documents)} documenten"
        + (f" (eerste kalenderjaar {plan.years[0].year}: {_money(plan.total)} excl. btw)"
           if plan.years else "") + ".",
        documents=[d.kind.value for d in plan.documents],
        skipped=[s.kind.value for s in plan.skipped],
    )
    return package


def store_plan(package: Package, new: NewPackage, plan: PackagePlan) -> list[str]:
    """Give the package what `new` asks and the rules planned: people, involvement,
    solutions with their fees, planned documents and signers (the organisation's first, then
    the NVSI board). A document planned before keeps its row and its versions; one no longer
    planned is removed. Return the Dutch labels of the removed documents. No commit."""
    reference = runtime().reference
    organisation = package.organisation
    _keep_privacy_contacts(organisation, new)
    package.voorwaarden_version = (reference.association.voorwaarden.version if plan.fees
                                   else None)
    package.involvement = new.involvement.value
    with db.session.no_autoflush:  # a new package has no people yet: not flushed before
        package.contact = _person(organisation, new.contact)
        package.signatory = signatory = _person(organisation, new.signatory)
        package.second_signatory = second = (_person(organisation, new.second_signatory)
                                             if new.second_signatory else None)
    package.participant_warning_acknowledged = new.participant_warning_acknowledged
    package.needs_council = plan.needs_council
    package.skipped = [{"kind": s.kind.value, "reason": s.reason, "solution": s.solution_code}
                       for s in plan.skipped]
    package.warnings = list(plan.warnings)
    package.total = plan.total
    if package.solutions or package.signers:  # an edit: rows go before their places are reused
        package.solutions.clear()
        package.signers.clear()
        db.session.flush()
    fees = {fee.solution_code: fee for fee in plan.fees}
    for position, item in enumerate(new.solutions):
        fee = fees.get(item.code)
        package.solutions.append(PackageSolution(
            position=position, solution_code=item.code, start_date=item.start,
            contracted=fee is not None,
            fee_year=fee and fee.year, licence=fee and fee.licence,
            management=fee and fee.management, surcharge=fee and fee.surcharge,
            surcharge_kind=fee and fee.surcharge_kind.value,
            surcharge_rate=fee and fee.surcharge_rate, alv_decision=fee and fee.alv_decision,
            total=fee and fee.total,
        ))
    existing = {(d.kind, d.solution_code): d for d in package.documents}
    removed = []
    for position, planned in enumerate(plan.documents):
        title = planned.kind.title
        if planned.solution_code:
            title = f"{title}: {reference.solution(planned.solution_code).name}"
        document = existing.pop((planned.kind.value, planned.solution_code), None)
        if document is None:
            document = Document(kind=planned.kind.value, solution_code=planned.solution_code)
            package.documents.append(document)
        document.position, document.start_date, document.title = (
            position, planned.start, title)
        document.reason, document.signed_required = planned.reason, planned.kind.is_signed
    for document in existing.values():
        sha = document.pdf_sha256 or document.docx_sha256
        removed.append(document.title + (f" (laatste versie SHA-256 {sha[:12]}…)" if sha
                                         else ""))
        package.documents.remove(document)
    package.documents.sort(key=lambda d: d.position)
    package.signers.append(Signer(order=1, party="organisatie", name=signatory.name,
                                  email=signatory.email, role=signatory.function))
    if second is not None:
        package.signers.append(Signer(order=2, party="organisatie", name=second.name,
                                      email=second.email, role=second.function))
    first_board = len(package.signers) + 1
    for order, member in enumerate(reference.association.board, start=first_board):
        package.signers.append(Signer(order=order, party="nvsi", name=member.name,
                                      email=member.email, role=member.role))
    return removed


def _person(organisation: Organisation, person: Person) -> ContactPerson:
    for existing in organisation.contacts:
        if (existing.name, existing.function, existing.email, existing.phone) == (
            person.name, person.function, person.email, person.phone or ""
        ):
            return existing
    contact = ContactPerson(organisation=organisation, name=person.name,
                            function=person.function, email=person.email,
                            phone=person.phone or "")
    db.session.add(contact)
    return contact


def _money(amount: Decimal) -> str:
    from app.domain.formatting import format_money

    return format_money(amount)


def find_by_idempotency_key(key: str) -> Package | None:
    """The package an API client made before with this Idempotency-Key, if any."""
    return db.session.scalar(sa.select(Package).where(Package.idempotency_key == key))


def get_package(package_id: int) -> Package:
    """The package with this id; raise NotFound otherwise."""
    package = db.session.get(Package, package_id)
    if package is None:
        raise NotFound("Dit pakket bestaat niet.")
    return package


def plan_of(package: Package) -> PackagePlan:
    """Re-derive the stored package's plan (documents, skipped, fees) for rendering."""
    from app.domain.fees import Fee
    from app.domain.fees import charges_by_year
    from app.domain.reference import SurchargeKind
    from app.domain.rules import DocumentKind
    from app.domain.rules import PlannedDocument
    from app.domain.rules import SkippedDocument

    documents = tuple(
        PlannedDocument(DocumentKind(d.kind), d.reason, d.solution_code, d.start_date)
        for d in package.documents
    )
    skipped = tuple(
        SkippedDocument(DocumentKind(s["kind"]), s["reason"], s.get("solution"))
        for s in package.skipped
    )
    fees = tuple(
        Fee(s.solution_code, s.fee_year, s.licence, s.management, s.surcharge,
            SurchargeKind(s.surcharge_kind), s.surcharge_rate, s.alv_decision)
        for s in package.solutions if s.contracted
    )
    starts = [(s.solution_code, s.start_date) for s in package.solutions if s.contracted]
    years = tuple(charges_by_year(priced_reference(), starts, fees))
    return PackagePlan(documents, skipped, fees, tuple(package.warnings), package.needs_council,
                       years)


def facts_for(package: Package) -> PackageFacts:
    """Everything the documents of this package are made from."""
    settings = runtime().settings
    org = package.organisation
    address = Address(org.street or "", org.postcode or "", org.city or "")
    fg = (Person(org.fg_name, "functionaris gegevensbescherming", org.fg_email,
                 org.fg_phone or "") if org.fg_email else None)
    breach = (Person(org.breach_name, "contact bij datalekken", org.breach_email,
                     org.breach_phone or "") if org.breach_email else None)
    organisation = OrganisationValue(org.name, OrgKind(org.kind), org.cbs_code, org.kvk,
                                     org.oin, address, fg, breach)
    contact = package.contact
    signatory = package.signatory
    # The on-file state as it was when the package was made: agreements from this package
    # itself (once signed) must not make its own documents say they are skipped.
    agreements = [a for a in org.agreements if a.package_id != package.id]
    earlier = [p for p in org.packages if p.id < package.id]
    on_file = on_file_for(agreements, earlier)
    return PackageFacts(
        reference_number=package.reference_number,
        created_on=package.created_at.date(),
        organisation=organisation,
        involvement=Involvement(package.involvement),
        contact=Person(contact.name, contact.function, contact.email, contact.phone),
        signatory=Person(signatory.name, signatory.function, signatory.email, signatory.phone),
        plan=plan_of(package),
        on_file=on_file,
        reference=runtime().reference,
        breach_notice_hours=settings.breach_notice_hours,
        council_deadline=package.council_deadline,
        council=council_record(package),
        council_weeks=settings.council_response_weeks,
        signatory_capacity=signatory_capacity(package),
        volmacht=volmacht_of(package),
        second_signatory=(Person(second.name, second.function, second.email, second.phone)
                          if (second := package.second_signatory) is not None else None),
    )


def council_record(package: Package):
    """The raad step of the package as recorded so far (a CouncilRecord)."""
    from app.domain.council import CouncilReaction
    from app.domain.council import CouncilRecord

    return CouncilRecord(
        started_on=package.council_started_on, sent_on=package.council_sent_on,
        deadline=package.council_deadline,
        reaction=CouncilReaction(package.council_reaction) if package.council_reaction else None,
        reaction_on=package.council_reaction_on,
        reaction_text=package.council_reaction_text or "",
        decided_on=package.college_decision_on,
        decision_reference=package.college_decision_reference)


def signatory_capacity(package: Package):
    """The signer's SignatoryCapacity (packages from before it was recorded: by kind)."""
    from app.domain.signatory import SignatoryCapacity

    if package.signatory_capacity:
        return SignatoryCapacity(package.signatory_capacity)
    if package.organisation.kind == OrgKind.GEMEENTE.value:
        return SignatoryCapacity.BURGEMEESTER
    return SignatoryCapacity.STATUTAIR


def volmacht_of(package: Package):
    from app.domain.signatory import Volmacht

    if package.volmacht_on is None:
        return None
    return Volmacht(package.volmacht_on, package.volmacht_reference or "")
