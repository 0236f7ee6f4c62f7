"""Editing a package before it is sent (states concept and klaar; the one rule decides).

`edit_package` takes the same checked input as a new package (a NewPackage for the package's
own organisation), plans the package again by the rules, stores what changed, makes the
documents again when they were made (each changed document gets a new version; the earlier
versions stay with their SHA-256), and writes on the timeline what changed and who changed it.
A refused edit (a rule broken, a start date moved into the past, a state that does not allow
it) changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.edits import PackageTerms
from app.domain.edits import check_start_dates
from app.domain.edits import describe_changes
from app.domain.lifecycle import Action
from app.domain.organisations import Involvement
from app.domain.organisations import OrgKind
from app.domain.organisations import Person
from app.domain.rules import PackageRequest
from app.domain.rules import SolutionRequest
from app.domain.rules import plan_package
from app.domain.states import PackageState
from app.extensions import db
from app.services import timeline
from app.services.intake import NewPackage
from app.services.fee_schedules import priced_reference
from app.services.lifecycle import require
from app.services.packages import get_package
from app.services.packages import on_file_for
from app.services.packages import signatory_capacity
from app.services.packages import signatory_capacity_for
from app.services.packages import store_plan
from app.services.packages import volmacht_of
from app.store.models import Package


@dataclass(frozen=True)
class EditResult:
    package: Package
    changes: list[str]  # Dutch, one sentence per change; [] when nothing changed
    remade: list[str]  # the new document versions ("<title>, versie 2")


def _person(contact) -> Person:
    return Person(contact.name, contact.function, contact.email, contact.phone or "")


def terms_of(package: Package) -> PackageTerms:
    """What may be edited in the package, as it is stored now."""
    second = package.second_signatory
    return PackageTerms(
        involvement=Involvement(package.involvement),
        contact=_person(package.contact),
        signatory=_person(package.signatory),
        solutions=tuple(SolutionRequest(s.solution_code, s.start_date)
                        for s in package.solutions),
        participant_warning_acknowledged=bool(package.participant_warning_acknowledged),
        signatory_capacity=signatory_capacity(package),
        volmacht=volmacht_of(package),
        second_signatory=_person(second) if second is not None else None,
    )


def fields_of(package: Package) -> dict[str, str]:
    """The package's editable values as the flat fields of the package form and API body."""
    terms = terms_of(package)
    fields = {
        "org_source": "bestaand", "organisation_id": str(package.organisation_id),
        "involvement": terms.involvement.value,
        "contact_name": terms.contact.name, "contact_function": terms.contact.function,
        "contact_email": terms.contact.email, "contact_phone": terms.contact.phone,
        "signatory_capacity": terms.signatory_capacity.value,
        "signatory_name": terms.signatory.name, "signatory_function": terms.signatory.function,
        "signatory_email": terms.signatory.email,
        "volmacht_on": terms.volmacht.granted_on.strftime("%d-%m-%Y") if terms.volmacht else "",
        "volmacht_reference": terms.volmacht.reference if terms.volmacht else "",
        "participant_warning_acknowledged": "ja" if terms.participant_warning_acknowledged
        else "",
    }
    second = terms.second_signatory
    for part in ("name", "function", "email"):
        fields[f"second_signatory_{part}"] = getattr(second, part) if second else ""
    for index, item in enumerate(terms.solutions):
        fields[f"solutions-{index}-code"] = item.code
        fields[f"solutions-{index}-start"] = item.start.strftime("%d-%m-%Y")
    return fields


def edit_package(package_id: int, new: NewPackage, actor: str,
                 today: dt.date | None = None) -> EditResult:
    """Apply the edit `new` (for the package's own organisation) and return what changed.

    Raises Refused (409: the package's state does not allow an edit), RuleError (a rule
    broken, with the field) or ServiceError (documents could not be made again); then nothing
    has changed. The same values again change nothing and write nothing.
    """
    from app.services.documents import remake_documents

    package = get_package(package_id)
    require(package, Action.EDIT)
    reference = priced_reference()
    organisation = package.organisation
    kind = OrgKind(organisation.kind)
    capacity = signatory_capacity_for(new, kind)  # RuleError
    before = terms_of(package)
    after = PackageTerms(new.involvement, new.contact, new.signatory, tuple(new.solutions),
                         new.participant_warning_acknowledged, capacity, new.volmacht,
                         new.second_signatory)
    changes = describe_changes(before, after, reference)
    if not changes:
        return EditResult(package, [], [])
    check_start_dates(before, after, today or dt.date.today())
    # what the organisation has on file, without what this package itself would add
    on_file = on_file_for((a for a in organisation.agreements if a.package_id != package.id),
                          [p for p in organisation.packages if p.id != package.id])
    plan = plan_package(PackageRequest(kind, new.involvement, tuple(new.solutions),
                                       new.participant_warning_acknowledged),
                        on_file, reference)  # RuleError
    try:
        removed = store_plan(package, new, plan)
        package.signatory_capacity = capacity.value
        package.volmacht_on = new.volmacht.granted_on if new.volmacht else None
        package.volmacht_reference = new.volmacht.reference if new.volmacht else None
        db.session.flush()
        remade = []
        if package.state == PackageState.KLAAR:
            remade = remake_documents(package, {d.kind for d in package.documents}, actor,
                                      "Pakket gewijzigd: " + " ".join(changes))
        message = "Pakket gewijzigd. " + " ".join(changes)
        if removed:
            message += " Vervallen: " + "; ".join(removed) + "."
        if remade:
            message += " Nieuwe versies: " + "; ".join(remade) + "."
        timeline.record(package, actor, "gewijzigd", message, changes=changes,
                        removed=removed, versions=remade)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return EditResult(get_package(package_id), changes, remade)
