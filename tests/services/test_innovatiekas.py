"""The innovatiekas under concurrent commitments (PostgreSQL, row lock): while one commitment
is written but not yet committed, a second one waits for it and then sees the lower balance;
exactly one is committed and the balance never goes below zero."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.domain.innovatiekas import LedgerKind
from app.extensions import db
from app.services.errors import ServiceError
from tests.doorontwikkeling import SOLUTION
from tests.doorontwikkeling import ledger

DAY = dt.date(2026, 2, 1)
WAITING = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND wait_event_type = 'Lock'")


def test_a_second_commitment_waits_for_the_first_and_is_refused(app, app_settings):
    if not app_settings["database_url"].startswith("postgresql"):
        pytest.skip("the row lock is PostgreSQL's; SQLite writes one at a time")
    from app.services import innovatiekas

    with app.app_context():
        innovatiekas.deposit(SOLUTION, Decimal("10000.00"), DAY, "Bijdrage", "test")
    first_booked, second_waits = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def commit(name: str) -> None:
        with app.app_context():
            try:
                if name == "tweede":
                    first_booked.wait(60)
                innovatiekas.book(SOLUTION, LedgerKind.VASTLEGGING, Decimal("6000.00"), DAY,
                                  name, "test")
                if name == "eerste":
                    first_booked.set()
                    second_waits.wait(60)  # the second is blocked on the kas row by now
                db.session.commit()
                outcomes[name] = "vastgelegd"
            except ServiceError as exc:
                db.session.rollback()
                outcomes[name] = exc.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=commit, args=(n,)) for n in ("eerste", "tweede")]
    for thread in threads:
        thread.start()
    with app.app_context():
        for _ in range(600):  # until the second transaction waits for a lock (at most 60 s)
            if db.session.scalar(WAITING):
                break
            db.session.rollback()
            time.sleep(0.1)
        db.session.remove()
    second_waits.set()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes["eerste"] == "vastgelegd"
    assert "er komt € 2.000,00 tekort" in outcomes["tweede"]
    assert ledger(app) == [("storting", Decimal("10000.00"), Decimal("10000.00")),
                           ("vastlegging", Decimal("6000.00"), Decimal("4000.00"))]
