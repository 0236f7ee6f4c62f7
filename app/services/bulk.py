"""Bulk packages: make and send a package for each of a set of organisations.

Staff choose the organisations (every municipality that is not yet a member, or every user
of a solution) and what to offer; each organisation becomes a BulkItem and its own job, so
one organisation's failure does not stop the others and is listed with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from app.domain.organisations import Involvement
from app.domain.organisations import Person
from app.domain.lifecycle import SENDABLE
from app.domain.lifecycle import Action
from app.domain.rules import RuleError
from app.domain.states import AgreementKind
from app.domain.states import BulkItemState
from app.domain.states import PackageState as S
from app.domain.rules import SolutionRequest
from app.extensions import db
from app.jobs import enqueue
from app.services.errors import ServiceError
from app.services.intake import NewPackage
from app.services.lifecycle import allowed_actions
from app.services.packages import signatory_capacity
from app.services.packages import volmacht_of
from app.store.models import Agreement
from app.store.models import BulkItem
from app.store.models import BulkRun
from app.store.models import Organisation
from app.store.models import Package


@dataclass(frozen=True)
class BulkOffer:
    """What every organisation in the run is offered."""

    involvement: Involvement
    solutions: tuple[SolutionRequest, ...]
    participant_warning_acknowledged: bool = False
    provider: str | None = None  # None: the default provider
    send: bool = True


def select_not_members(kind: str = "gemeente") -> list[int]:
    """Ids of the organisations of `kind` without a membership on file."""
    members = sa.select(Agreement.organisation_id).where(Agreement.kind == AgreementKind.REGISTRATIE_LID.value)
    return list(db.session.scalars(
        sa.select(Organisation.id).where(Organisation.kind == kind,
                                         Organisation.id.not_in(members))
        .order_by(Organisation.name)))


def select_users_of(solution_code: str) -> list[int]:
    """Ids of the organisations with a gebruiksovereenkomst for the solution on file."""
    return list(db.session.scalars(
        sa.select(Agreement.organisation_id).where(Agreement.kind == AgreementKind.GEBRUIKSOVEREENKOMST.value,
                                                   Agreement.solution_code == solution_code)
        .distinct()))


def start_bulk(organisation_ids: list[int], offer: BulkOffer, description: str,
               actor: str) -> BulkRun:
    """Record the run with an item per organisation and queue a job for each; return the run.

    Raises ServiceError when no organisation was chosen.
    """
    if not organisation_ids:
        raise ServiceError("Kies ten minste één organisatie.", "organisations")
    run = BulkRun(description=description[:300], created_by=actor, total=len(organisation_ids))
    names = dict(db.session.execute(
        sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids))
    ).all())
    for organisation_id in organisation_ids:
        run.items.append(BulkItem(organisation_id=organisation_id,
                                  organisation_label=names.get(organisation_id, f"#{organisation_id}")))
    db.session.add(run)
    db.session.commit()
    for item in run.items:
        enqueue(make_bulk_item, item.id, _offer_args(offer), bulk_id=run.id, background=True)
    return run


def _offer_args(offer: BulkOffer) -> dict:
    return {
        "involvement": offer.involvement.value,
        "solutions": [[s.code, s.start.isoformat()] for s in offer.solutions],
        "ack": offer.participant_warning_acknowledged,
        "provider": offer.provider,
        "send": offer.send,
    }


def make_bulk_item(item_id: int, offer: dict) -> None:
    """A job: make (or find) the item's package, make its documents and send it.

    Safe to run twice: a package made before is reused, and each step is skipped when done.
    A failure is recorded on the item with its reason and not raised, so the run goes on.
    """
    from app.services.documents import make_documents
    from app.services.packages import create_package
    from app.services.packages import get_package
    from app.services.sending import send_package

    item = db.session.get(BulkItem, item_id)
    if item is None or item.state == BulkItemState.KLAAR:
        return
    actor = f"bulk:{item.bulk_id}"
    try:
        if item.package_id is None:
            package = create_package(_new_package(item.organisation_id, offer), actor=actor)
            item = db.session.get(BulkItem, item_id)
            item.package_id = package.id
            db.session.commit()
        package = get_package(item.package_id)
        if package.state in {S.CONCEPT, S.MISLUKT} and not package.envelope_id:
            package = make_documents(package.id, actor)
            if package.state == S.MISLUKT:
                raise ServiceError(package.last_error or "Documenten maken is mislukt.")
        if offer.get("send", True) and package.state in SENDABLE:
            if package.needs_council and package.college_decision_on is None:
                from app.services.council import start_council_procedure

                if Action.COUNCIL_START in allowed_actions(package):
                    start_council_procedure(package.id, actor)
            else:
                package = send_package(package.id, offer.get("provider"), actor)
                if package.state == S.MISLUKT:
                    raise ServiceError(package.last_error or "Verzenden is mislukt.")
    except (ServiceError, RuleError) as exc:
        db.session.rollback()
        _fail(item_id, exc.message)
        return
    item = db.session.get(BulkItem, item_id)
    item.state, item.error = BulkItemState.KLAAR.value, None
    db.session.commit()


def _fail(item_id: int, reason: str) -> None:
    item = db.session.get(BulkItem, item_id)
    item.state, item.error = BulkItemState.MISLUKT.value, reason
    db.session.commit()


def _new_package(organisation_id: int, offer: dict) -> NewPackage:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise ServiceError("Deze organisatie bestaat niet meer.")
    contact, signatory = _people(organisation)
    latest = organisation.packages[0] if organisation.packages else None
    return NewPackage(
        organisation_id=organisation.id, organisation=None,
        involvement=Involvement(offer["involvement"]), contact=contact, signatory=signatory,
        solutions=tuple(SolutionRequest(code, dt.date.fromisoformat(start))
                        for code, start in offer["solutions"]),
        participant_warning_acknowledged=offer["ack"],
        # the signer signs in the same capacity (art. 171) as in the latest package
        signatory_capacity=signatory_capacity(latest) if latest is not None else None,
        volmacht=volmacht_of(latest) if latest is not None else None,
    )


def no_people_message(name: str) -> str:
    """Why an organisation cannot get a bulk package (shown in the preview and per item)."""
    return (f"Van {name} zijn nog geen contactpersoon en ondertekenaar bekend; maak eerst "
            "een pakket met de hand.")


def _people(organisation: Organisation) -> tuple[Person, Person]:
    """The contact and signatory of the organisation's latest package."""
    latest = db.session.scalar(
        sa.select(Package).where(Package.organisation_id == organisation.id)
        .order_by(Package.created_at.desc()).limit(1))
    if latest is None:
        raise ServiceError(no_people_message(organisation.name))
    c, s = latest.contact, latest.signatory
    return (Person(c.name, c.function, c.email, c.phone),
            Person(s.name, s.function, s.email, s.phone))
