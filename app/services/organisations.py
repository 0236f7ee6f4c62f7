"""Organisations as records: edit the details and address, put a contact person or signer on
file (the one replaced stays, with the moment it was replaced: packages keep the people they
were made with), keep every change as history, and say what a new package starts from.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.records import Details
from app.domain.records import OnFileRole
from app.domain.records import Source
from app.domain.records import describe_details
from app.domain.records import describe_person
from app.domain.records import starting_point
from app.domain.signatory import SignatoryCapacity
from app.extensions import db
from app.runtime import runtime
from app.services.errors import NotFound
from app.services.intake import OrganisationInput
from app.services.packages import on_file_for
from app.store.models import ContactPerson
from app.store.models import Organisation
from app.store.models import OrganisationEvent
from app.store.models import Package
from app.store.models import utcnow


def get_organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("Deze organisatie bestaat niet.")
    return organisation


def details_of(organisation: Organisation) -> Details:
    from app.domain.organisations import Address

    return Details(organisation.name, organisation.kvk or None, organisation.oin or None,
                   Address(organisation.street or "", organisation.postcode or "",
                           organisation.city or ""))


def edit_details(organisation_id: int, given: OrganisationInput, actor: str) -> list[str]:
    """Store the organisation's new name (not for a gemeente: its CBS name stays), KvK, OIN
    and address; keep what changed in its history. Return the Dutch change lines ([] when
    nothing changed)."""
    organisation = get_organisation(organisation_id)
    name = organisation.name if organisation.kind == OrgKind.GEMEENTE.value else given.name
    after = Details(name, given.kvk, given.oin, given.address)
    changes = describe_details(details_of(organisation), after)
    if not changes:
        return []
    organisation.name, organisation.kvk, organisation.oin = name, given.kvk, given.oin
    organisation.street = given.address.street
    organisation.postcode = given.address.postcode
    organisation.city = given.address.city
    _record(organisation, actor, "Gegevens gewijzigd. " + " ".join(changes), changes=changes)
    db.session.commit()
    return changes


def on_file(organisation: Organisation, role: OnFileRole) -> ContactPerson | None:
    """The person on file as `role` now, or None."""
    current = [c for c in organisation.contacts
               if c.on_file_as == role.value and c.replaced_at is None]
    return current[-1] if current else None


def put_on_file(organisation_id: int, role: OnFileRole, person: Person, actor: str,
                capacity: SignatoryCapacity | None = None) -> str | None:
    """Put `person` on file as the organisation's contact or signer; the one before stays in
    the history (replaced now). Return the Dutch history line, or None when nothing changed."""
    organisation = get_organisation(organisation_id)
    before = on_file(organisation, role)
    old = _person(before) if before is not None else None
    old_capacity = before.signatory_capacity if before is not None else None
    new_capacity = capacity.value if capacity else None
    if old == person and old_capacity == new_capacity:
        return None
    line = describe_person(role, old, person, capacity)
    now = utcnow()
    if before is not None:
        before.replaced_at = now
    db.session.add(ContactPerson(
        organisation=organisation, name=person.name, function=person.function,
        email=person.email, phone=person.phone or "", on_file_as=role.value,
        signatory_capacity=new_capacity, created_at=now))
    _record(organisation, actor, line, role=role.value)
    db.session.commit()
    return line


def history(organisation: Organisation) -> list[OrganisationEvent]:
    """The organisation's changes, newest first."""
    return sorted(organisation.events, key=lambda e: (e.at, e.id), reverse=True)


def new_package_start(organisation: Organisation) -> tuple[dict[str, str], list[str]]:
    """The 'Nieuw pakket' fields for this organisation from what is on file, and what was
    taken from where: the contact and signer on file (else those of its latest package),
    the membership and the agreements."""
    contact = _source(organisation, OnFileRole.CONTACT)
    signatory = _source(organisation, OnFileRole.SIGNATORY)
    fields, said = starting_point(on_file_for(organisation.agreements), contact, signatory,
                                  runtime().reference)
    return fields | {"org_source": "bestaand", "organisation_id": str(organisation.id)}, said


def _source(organisation: Organisation, role: OnFileRole) -> Source | None:
    person = on_file(organisation, role)
    if person is not None:
        capacity = (SignatoryCapacity(person.signatory_capacity)
                    if person.signatory_capacity else None)
        return Source(_person(person), "het dossier van de organisatie", capacity)
    latest = db.session.scalar(
        sa.select(Package).where(Package.organisation_id == organisation.id)
        .order_by(Package.created_at.desc(), Package.id.desc()).limit(1))
    if latest is None:
        return None
    if role is OnFileRole.CONTACT:
        return Source(_person(latest.contact), f"pakket {latest.reference_number}")
    capacity = (SignatoryCapacity(latest.signatory_capacity)
                if latest.signatory_capacity else None)
    return Source(_person(latest.signatory), f"pakket {latest.reference_number}", capacity)


def _person(contact: ContactPerson) -> Person:
    return Person(contact.name, contact.function, contact.email, contact.phone or "")


def _record(organisation: Organisation, actor: str, message: str, **details) -> None:
    db.session.add(OrganisationEvent(organisation=organisation, actor=actor, message=message,
                                     details=details, at=utcnow()))
