"""the ALV register and the fee schedules it sets, seeded once from fees.toml (issue 16)

ALV meetings (date, place and/or online) and their decisions (number, date, subject, text);
per calendar year a fee schedule set by a decision: the surcharge for office costs/general
services and every solution's licence and management fee.

A new installation (and an installation that still priced from config/data/fees.toml) gets
the years of fees.toml as its first schedules, each with its decision and meeting, here and
only here: from then on the schedules live in the database and fees.toml is not read for
prices. `flask db upgrade --sql` writes the tables without the seed rows.

Revision ID: 0010_alv
Revises: correction
"""
from alembic import context
from alembic import op
import sqlalchemy as sa


revision = '0010_alv'
down_revision = 'correction'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "alv_meeting",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(200), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_alv_meeting_held_on", "alv_meeting", ["held_on"])
    op.create_table(
        "alv_decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("alv_meeting.id"), nullable=False),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_alv_decision_meeting_id", "alv_decision", ["meeting_id"])
    op.create_table(
        "fee_schedule",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False, unique=True),
        sa.Column("decision_id", sa.Integer(), sa.ForeignKey("alv_decision.id"),
                  nullable=False),
        sa.Column("surcharge_kind", sa.String(20), nullable=False),
        sa.Column("surcharge_value", sa.Numeric(12, 2), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_fee_schedule_decision_id", "fee_schedule", ["decision_id"])
    op.create_table(
        "fee_schedule_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("schedule_id", sa.Integer(), sa.ForeignKey("fee_schedule.id"),
                  nullable=False),
        sa.Column("solution_code", sa.String(60), nullable=False),
        sa.Column("licence", sa.Numeric(12, 2), nullable=False),
        sa.Column("management", sa.Numeric(12, 2), nullable=False),
        sa.UniqueConstraint("schedule_id", "solution_code",
                            name="uq_fee_schedule_line_solution"),
    )
    op.create_index("ix_fee_schedule_line_schedule_id", "fee_schedule_line", ["schedule_id"])
    if not context.is_offline_mode():
        _seed()


def _seed() -> None:
    """The years of fees.toml (checked at start, app.domain.reference) as the first
    schedules, each with its decision and that decision's meeting."""
    from flask import current_app

    from app.store.seed import seed_fee_schedules

    seed_fee_schedules(op.get_bind(), current_app.extensions["tekenklaar"].reference.fee_seed)


def downgrade():
    op.drop_index("ix_fee_schedule_line_schedule_id", "fee_schedule_line")
    op.drop_table("fee_schedule_line")
    op.drop_index("ix_fee_schedule_decision_id", "fee_schedule")
    op.drop_table("fee_schedule")
    op.drop_index("ix_alv_decision_meeting_id", "alv_decision")
    op.drop_table("alv_decision")
    op.drop_index("ix_alv_meeting_held_on", "alv_meeting")
    op.drop_table("alv_meeting")
