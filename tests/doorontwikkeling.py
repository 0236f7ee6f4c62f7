"""Test data for the doorontwikkeling: organisations that use a solution (lid or participant,
with the gebruiksovereenkomst on file) and their contact persons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from app.domain.states import AgreementKind
from app.extensions import db
from app.store.models import Agreement
from app.store.models import ContactPerson
from app.store.models import KasEntry
from app.store.models import Organisation

SOLUTION = "wijkteamdossier"
SIGNED = dt.date(2025, 3, 1)


def make_user_of(app, name: str, contact: str, solution: str = SOLUTION,
                 involvement: AgreementKind = AgreementKind.REGISTRATIE_LID) -> tuple[int, int]:
    """An organisation that uses `solution`, with a contact person on file; (org id, person id)."""
    with app.app_context():
        organisation = Organisation(name=name, kind="maatschappelijke_organisatie")
        db.session.add(organisation)
        db.session.flush()
        db.session.add_all([
            Agreement(organisation_id=organisation.id, kind=involvement.value, signed_on=SIGNED),
            Agreement(organisation_id=organisation.id,
                      kind=AgreementKind.GEBRUIKSOVEREENKOMST.value, solution_code=solution,
                      signed_on=SIGNED),
        ])
        person = ContactPerson(organisation_id=organisation.id, name=contact,
                               function="adviseur", email=f"{contact.split()[0].lower()}@example.nl",
                               phone="0201234567", on_file_as="contactpersoon")
        db.session.add(person)
        db.session.commit()
        return organisation.id, person.id


def ledger(app, solution: str = SOLUTION) -> list[tuple[str, Decimal, Decimal]]:
    """The kas's lines as (kind, amount, balance after), oldest first."""
    with app.app_context():
        return [(e.kind, e.amount, e.balance_after) for e in db.session.scalars(
            sa.select(KasEntry).where(KasEntry.solution_code == solution)
            .order_by(KasEntry.id))]
