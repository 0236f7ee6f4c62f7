"""The rows a new installation starts with: the first fee schedules, from fees.toml.

`seed_fee_schedules(connection, fee_seed)` writes each year of the seed (as checked by
app.domain.reference) as an ALV meeting, its decision, the year's fee schedule and its lines.
Migration 0010_alv calls it once; after that the schedules are the database's. It uses table
definitions of its own, as they were made by 0010_alv, so later model changes cannot change
what that migration wrote.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

SEEDED_BY = "fees.toml (eerste installatie)"
_MONEY = sa.Numeric(12, 2)

_meeting = sa.table("alv_meeting", sa.column("id"), sa.column("held_on", sa.Date), sa.column("place"),
                    sa.column("online", sa.Boolean), sa.column("created_by"), sa.column("created_at", sa.DateTime))
_decision = sa.table("alv_decision", sa.column("id"), sa.column("meeting_id"),
                     sa.column("number"), sa.column("decided_on", sa.Date), sa.column("subject"),
                     sa.column("text"), sa.column("created_by"), sa.column("created_at", sa.DateTime))
_schedule = sa.table("fee_schedule", sa.column("id"), sa.column("year"),
                     sa.column("decision_id"), sa.column("surcharge_kind"),
                     sa.column("surcharge_value", _MONEY), sa.column("created_by"),
                     sa.column("created_at", sa.DateTime))
_line = sa.table("fee_schedule_line", sa.column("schedule_id"), sa.column("solution_code"),
                 sa.column("licence", _MONEY), sa.column("management", _MONEY))


def seed_fee_schedules(connection: sa.Connection, fee_seed: dict) -> None:
    """Write the seed years (year -> app.domain.reference.SeedFeeYear) with their decisions
    and meetings (one meeting per date and place). No commit."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    meetings: dict[tuple, int] = {}
    for year in sorted(fee_seed):
        entry = fee_seed[year]
        alv = entry.alv_decision
        online = alv.meeting_place.strip().lower() == "online"
        key = (alv.date, alv.meeting_place)
        if key not in meetings:
            meetings[key] = connection.execute(_meeting.insert().values(
                held_on=alv.date, place=None if online else alv.meeting_place, online=online,
                created_by=SEEDED_BY, created_at=now).returning(_meeting.c.id)).scalar_one()
        decision_id = connection.execute(_decision.insert().values(
            meeting_id=meetings[key], number=alv.number, decided_on=alv.date,
            subject=alv.subject, text=alv.text, created_by=SEEDED_BY,
            created_at=now).returning(_decision.c.id)).scalar_one()
        schedule_id = connection.execute(_schedule.insert().values(
            year=year, decision_id=decision_id, surcharge_kind=entry.surcharge.kind.value,
            surcharge_value=entry.surcharge.value, created_by=SEEDED_BY,
            created_at=now).returning(_schedule.c.id)).scalar_one()
        connection.execute(_line.insert(), [
            {"schedule_id": schedule_id, "solution_code": code, "licence": fees.licence,
             "management": fees.management}
            for code, fees in entry.solutions.items()])
