"""Editing a package before it is sent: what may change, what did change (in Dutch), and the
rules an edit must keep beyond those of a new package (no start date moved into the past).

Whether a package may be edited at all is the one rule's answer (app.domain.lifecycle,
Action.EDIT); the planning rules are app.domain.rules, as for a new package.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.formatting import format_date
from app.domain.organisations import Involvement
from app.domain.organisations import Person
from app.domain.reference import ReferenceData
from app.domain.rules import RuleError
from app.domain.rules import SolutionRequest
from app.domain.signatory import SignatoryCapacity
from app.domain.signatory import Volmacht


@dataclass(frozen=True)
class PackageTerms:
    """What staff may change in a package before it is sent."""

    involvement: Involvement
    contact: Person
    signatory: Person
    solutions: tuple[SolutionRequest, ...]
    participant_warning_acknowledged: bool
    signatory_capacity: SignatoryCapacity | None = None
    volmacht: Volmacht | None = None
    second_signatory: Person | None = None


def check_start_dates(before: PackageTerms, after: PackageTerms, today: dt.date) -> None:
    """Raise RuleError (field solutions-N-start) for a start date that the edit sets or moves
    into the past. A date that stays as it was is not refused: it was right when the package
    was made, and the documents print it as agreed."""
    kept = set(before.solutions)
    for index, item in enumerate(after.solutions):
        if item.start < today and item not in kept:
            raise RuleError(
                f"Ingangsdatum: {format_date(item.start)} ligt in het verleden. Kies vandaag "
                "of een latere datum.", field=f"solutions-{index}-start")


def _person(person: Person | None) -> str:
    if person is None:
        return "geen"
    return ", ".join(part for part in (person.name, person.function, person.email,
                                       person.phone) if part)


def describe_changes(before: PackageTerms, after: PackageTerms,
                     reference: ReferenceData) -> list[str]:
    """What the edit changes, one Dutch sentence each; [] when nothing changes."""
    changes = []
    if before.involvement is not after.involvement:
        changes.append(f"Betrokkenheid: {before.involvement.label} wordt "
                       f"{after.involvement.label}.")
    if before.contact != after.contact:
        changes.append(f"Contactpersoon: {_person(before.contact)} wordt "
                       f"{_person(after.contact)}.")
    if before.signatory != after.signatory:
        changes.append(f"Ondertekenaar: {_person(before.signatory)} wordt "
                       f"{_person(after.signatory)}.")
    if (before.signatory_capacity or None) != (after.signatory_capacity or None):
        old = before.signatory_capacity.label if before.signatory_capacity else "standaard"
        new = after.signatory_capacity.label if after.signatory_capacity else "standaard"
        changes.append(f"Hoedanigheid van de ondertekenaar: {old} wordt {new}.")
    if before.volmacht != after.volmacht:
        new = (f"van {format_date(after.volmacht.granted_on)} ({after.volmacht.reference})"
               if after.volmacht else "geen")
        changes.append(f"Volmacht: nu {new}.")
    if before.second_signatory != after.second_signatory:
        changes.append(f"Tweede ondertekenaar: {_person(before.second_signatory)} wordt "
                       f"{_person(after.second_signatory)}.")
    old = {item.code: item.start for item in before.solutions}
    new = {item.code: item.start for item in after.solutions}
    for code, start in new.items():
        name = reference.solution(code).name
        if code not in old:
            changes.append(f"Oplossing toegevoegd: {name}, ingangsdatum {format_date(start)}.")
        elif old[code] != start:
            changes.append(f"Ingangsdatum van {name}: {format_date(old[code])} wordt "
                           f"{format_date(start)}.")
    for code in old:
        if code not in new:
            changes.append(f"Oplossing verwijderd: {reference.solution(code).name}.")
    if before.participant_warning_acknowledged != after.participant_warning_acknowledged:
        changes.append("Waarschuwing voor een participant met oplossingen: "
                       + ("besproken met de organisatie."
                          if after.participant_warning_acknowledged else "niet meer aangevinkt."))
    return changes
