"""Regiegroepen: per solution, representatives of the members and participants that use it.

A member is a contact person (not replaced) of an organisation that is lid or participant and
has the solution's gebruiksovereenkomst on file. One member may chair the group.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.domain.organisations import Involvement
from app.extensions import db
from app.runtime import runtime
from app.services.bulk import select_users_of
from app.services.errors import NotFound
from app.services.errors import ServiceError
from app.services.packages import on_file_for
from app.store.models import ContactPerson
from app.store.models import Organisation
from app.store.models import RegiegroepMember


@dataclass(frozen=True)
class Candidate:
    """A person who may join the regiegroep, with the organisation they represent."""

    person: ContactPerson
    organisation: Organisation
    involvement: Involvement


def solution_name(code: str) -> str:
    """The solution's name; NotFound (Dutch) for a code the catalogue does not have."""
    solutions = runtime().reference.solutions
    if code not in solutions:
        raise NotFound("Deze oplossing staat niet in de catalogus.")
    return solutions[code].name


def users_of(code: str) -> list[tuple[Organisation, Involvement]]:
    """The organisations that use the solution (gebruiksovereenkomst on file) and are lid or
    participant, by name."""
    solution_name(code)
    ids = select_users_of(code)
    organisations = db.session.scalars(
        sa.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name))
    found = []
    for organisation in organisations:
        involvement = on_file_for(organisation.agreements).registered_as
        if involvement is not None:
            found.append((organisation, involvement))
    return found


def candidates(code: str) -> list[Candidate]:
    """The contact persons (not replaced) of the solution's users who are not yet members."""
    taken = {m.contact_person_id for m in members(code)}
    found = []
    for organisation, involvement in users_of(code):
        seen: set[str] = set()
        for person in reversed(organisation.contacts):  # newest first, one per address
            key = person.email.casefold()
            if person.replaced_at is None and key not in seen and person.id not in taken:
                seen.add(key)
                found.append(Candidate(person, organisation, involvement))
    return found


def members(code: str) -> list[RegiegroepMember]:
    """The regiegroep of the solution: the chair first, then by name."""
    rows = db.session.scalars(
        sa.select(RegiegroepMember).where(RegiegroepMember.solution_code == code))
    return sorted(rows, key=lambda m: (not m.is_chair, m.person.name.casefold(), m.id))


def chair(code: str) -> RegiegroepMember | None:
    return next((m for m in members(code) if m.is_chair), None)


def add_member(code: str, contact_person_id: int, actor: str,
               as_chair: bool = False) -> RegiegroepMember:
    """Add a contact person of a user of the solution to its regiegroep (as chair: the chair
    before becomes a member). ServiceError (Dutch) for anyone else, or someone already in."""
    name = solution_name(code)
    allowed = {c.person.id: c for c in candidates(code)}
    if contact_person_id not in allowed:
        if any(m.contact_person_id == contact_person_id for m in members(code)):
            raise ServiceError(f"Deze persoon zit al in de regiegroep van {name}.", "person")
        raise ServiceError(f"Kies een contactpersoon van een lid of participant dat {name} "
                           "gebruikt.", "person")
    candidate = allowed[contact_person_id]
    if as_chair:
        _drop_chair(code)
    member = RegiegroepMember(solution_code=code, organisation=candidate.organisation,
                              person=candidate.person, is_chair=as_chair, added_by=actor)
    db.session.add(member)
    db.session.commit()
    return member


def make_chair(code: str, member_id: int) -> RegiegroepMember:
    """Make the member the chair; the chair before stays as a member."""
    member = _member(code, member_id)
    _drop_chair(code)
    member.is_chair = True
    db.session.commit()
    return member


def remove_member(code: str, member_id: int) -> str:
    """Take the member out of the regiegroep; return their name."""
    member = _member(code, member_id)
    name = member.person.name
    db.session.delete(member)
    db.session.commit()
    return name


def _drop_chair(code: str) -> None:
    for member in members(code):
        member.is_chair = False
    db.session.flush()


def _member(code: str, member_id: int) -> RegiegroepMember:
    member = db.session.get(RegiegroepMember, member_id)
    if member is None or member.solution_code != code:
        raise NotFound("Dit lid van de regiegroep bestaat niet.")
    return member
