"""An organisation's record: who is on file (its contact person and its signer), what changed
(in Dutch), and what a new package starts from and where each part came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.domain.formatting import format_date
from app.domain.organisations import Address
from app.domain.organisations import Involvement
from app.domain.organisations import Person
from app.domain.reference import ReferenceData
from app.domain.rules import OnFile
from app.domain.signatory import SignatoryCapacity


class OnFileRole(enum.StrEnum):
    CONTACT = "contactpersoon"
    SIGNATORY = "ondertekenaar"

    @property
    def label(self) -> str:
        return "Contactpersoon" if self is OnFileRole.CONTACT else "Ondertekenaar"


@dataclass(frozen=True)
class Details:
    """The organisation's own details that staff can edit."""

    name: str
    kvk: str | None
    oin: str | None
    address: Address


def _address(address: Address) -> str:
    parts = [address.street, f"{address.postcode} {address.city}".strip()]
    return ", ".join(part for part in parts if part) or "onbekend"


def describe_details(before: Details, after: Details) -> list[str]:
    """What an edit of the details changes, one Dutch sentence each."""
    changes = []
    if before.name != after.name:
        changes.append(f"Naam: {before.name} wordt {after.name}.")
    for label, old, new in (("KvK-nummer", before.kvk, after.kvk),
                            ("OIN", before.oin, after.oin)):
        if (old or None) != (new or None):
            changes.append(f"{label}: {old or 'geen'} wordt {new or 'geen'}.")
    if before.address != after.address:
        changes.append(f"Adres: {_address(before.address)} wordt {_address(after.address)}.")
    return changes


def person_text(person: Person) -> str:
    return ", ".join(part for part in (person.name, person.function, person.email,
                                       person.phone) if part)


def describe_person(role: OnFileRole, before: Person | None, after: Person,
                    capacity: SignatoryCapacity | None = None) -> str:
    """The history line for a person put on file as `role`."""
    what = person_text(after) + (f" ({capacity.label.lower()})" if capacity else "")
    if before is None:
        return f"{role.label} vastgelegd: {what}."
    return f"{role.label}: {person_text(before)} wordt {what}."


@dataclass(frozen=True)
class Source:
    """A person on file and where they come from (Dutch: "het dossier", "pakket NVSI-…")."""

    person: Person
    source: str
    capacity: SignatoryCapacity | None = None


def starting_point(on_file: OnFile, contact: Source | None, signatory: Source | None,
                   reference: ReferenceData) -> tuple[dict[str, str], list[str]]:
    """The fields a new package for this organisation starts from, and one Dutch line per
    part saying what was taken from where. Membership decides the involvement (a lid stays
    lid; a participant stays participant); agreements on file are named (the rules leave
    their documents out)."""
    fields: dict[str, str] = {}
    said: list[str] = []
    if contact is not None:
        person = contact.person
        fields |= {"contact_name": person.name, "contact_function": person.function,
                   "contact_email": person.email, "contact_phone": person.phone}
        said.append(f"Contactpersoon {person.name}: uit {contact.source}.")
    if signatory is not None:
        person = signatory.person
        fields |= {"signatory_name": person.name, "signatory_function": person.function,
                   "signatory_email": person.email}
        if signatory.capacity is not None:
            fields["signatory_capacity"] = signatory.capacity.value
        said.append(f"Ondertekenaar {person.name}: uit {signatory.source}.")
    if on_file.registered_as is not None:
        fields["involvement"] = on_file.registered_as.value
        what = "lid" if on_file.registered_as is Involvement.LID else "participant"
        said.append(f"Betrokkenheid {what}: de organisatie is {what} sinds "
                    f"{format_date(on_file.registered_on)} (aanmelding op dossier).")
    agreements = []
    if on_file.verwerkersovereenkomst_on:
        agreements.append("verwerkersovereenkomst van "
                          + format_date(on_file.verwerkersovereenkomst_on))
    for code, signed_on in sorted(on_file.contracted.items()):
        name = reference.solutions[code].name if code in reference.solutions else code
        agreements.append(f"gebruiksovereenkomst {name} van {format_date(signed_on)}")
    if agreements:
        said.append("Op dossier: " + "; ".join(agreements) + ". Deze documenten komen niet "
                    "opnieuw in het pakket.")
    return fields, said
