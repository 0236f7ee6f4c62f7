"""outgoing webhooks: endpoints of NVSI's other systems, package events, deliveries, attempts

Revision ID: outgoing_webhooks
Revises: improvements
"""
from alembic import op
import sqlalchemy as sa


revision = 'outgoing_webhooks'
down_revision = 'improvements'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outgoing_endpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(120), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "outgoing_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("webhook_id", sa.String(40), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("package_id", sa.Integer(), sa.ForeignKey("package.id"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_outgoing_event_package_id", "outgoing_event", ["package_id"])
    op.create_table(
        "outgoing_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("endpoint_id", sa.Integer(), sa.ForeignKey("outgoing_endpoint.id"),
                  nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("outgoing_event.id"), nullable=False),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("job_run.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("endpoint_id", "event_id"),
    )
    op.create_index("ix_outgoing_delivery_endpoint_id", "outgoing_delivery", ["endpoint_id"])
    op.create_index("ix_outgoing_delivery_event_id", "outgoing_delivery", ["event_id"])
    op.create_table(
        "outgoing_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_id", sa.Integer(), sa.ForeignKey("outgoing_delivery.id"),
                  nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
    )
    op.create_index("ix_outgoing_attempt_delivery_id", "outgoing_attempt", ["delivery_id"])


def downgrade():
    op.drop_index("ix_outgoing_attempt_delivery_id", "outgoing_attempt")
    op.drop_table("outgoing_attempt")
    op.drop_index("ix_outgoing_delivery_event_id", "outgoing_delivery")
    op.drop_index("ix_outgoing_delivery_endpoint_id", "outgoing_delivery")
    op.drop_table("outgoing_delivery")
    op.drop_index("ix_outgoing_event_package_id", "outgoing_event")
    op.drop_table("outgoing_event")
    op.drop_table("outgoing_endpoint")
