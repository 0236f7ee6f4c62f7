"""The innovatiekas of a solution: deposits by staff, commitments and releases by the wish
lifecycle, each a ledger line with the balance after it. The kas row is locked while a line
is written (SELECT … FOR UPDATE on PostgreSQL; SQLite writes one at a time), so two
commitments at once cannot take the balance below zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from app.domain.innovatiekas import LedgerKind
from app.domain.innovatiekas import Overspend
from app.domain.innovatiekas import apply
from app.extensions import db
from app.services.errors import ServiceError
from app.services.regiegroepen import solution_name
from app.store.models import ImprovementWish
from app.store.models import Innovatiekas
from app.store.models import KasEntry

ZERO = Decimal("0.00")


def balance(code: str) -> Decimal:
    """The kas's balance now (€ 0,00 for a kas without lines)."""
    kas = db.session.get(Innovatiekas, code)
    return kas.balance if kas is not None else ZERO


def history(code: str, year: int | None = None) -> list[KasEntry]:
    """The kas's ledger lines, oldest first (of one calendar year when `year` is given)."""
    query = sa.select(KasEntry).where(KasEntry.solution_code == code)
    if year is not None:
        query = query.where(KasEntry.booked_on >= dt.date(year, 1, 1),
                            KasEntry.booked_on <= dt.date(year, 12, 31))
    return list(db.session.scalars(query.order_by(KasEntry.id)))


def deposit(code: str, amount: Decimal, booked_on: dt.date, description: str,
            actor: str) -> KasEntry:
    """Put money in the kas (committed at once)."""
    entry = book(code, LedgerKind.STORTING, amount, booked_on, description, actor)
    db.session.commit()
    return entry


def book(code: str, kind: LedgerKind, amount: Decimal, booked_on: dt.date, description: str,
         actor: str, wish: ImprovementWish | None = None) -> KasEntry:
    """Write one ledger line in the caller's transaction (not committed). Raises ServiceError
    (Dutch, field `amount`) for an overspend; then nothing is written."""
    name = solution_name(code)
    kas = db.session.scalars(sa.select(Innovatiekas).where(Innovatiekas.solution_code == code)
                             .with_for_update()).one_or_none()
    if kas is None:
        kas = Innovatiekas(solution_code=code, balance=ZERO)
        db.session.add(kas)
    try:
        after = apply(kas.balance if kas.balance is not None else ZERO, kind, amount, name)
    except Overspend as exc:
        raise ServiceError(exc.message, "amount") from None
    kas.balance = after
    entry = KasEntry(solution_code=code, kind=kind.value, amount=amount, balance_after=after,
                     wish=wish, booked_on=booked_on, description=description, actor=actor)
    db.session.add(entry)
    db.session.flush()
    return entry
