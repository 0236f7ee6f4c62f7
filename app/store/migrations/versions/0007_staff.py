"""dashboard, reminders, wet-ink bookkeeping (issue 14)

Revision ID: 0007_staff
Revises: 0006_templates
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_staff'
down_revision = '0006_templates'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("package") as batch:
        batch.add_column(sa.Column("reminders_paused", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("package_id", sa.Integer(), sa.ForeignKey("package.id"), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("package_id", "step", "number", name="uq_reminder_sent_step"),
    )
    op.create_index("ix_reminder_sent_package_id", "reminder_sent", ["package_id"])


def downgrade():
    op.drop_index("ix_reminder_sent_package_id", table_name="reminder_sent")
    op.drop_table("reminder_sent")
    with op.batch_alter_table("package") as batch:
        batch.drop_column("reminders_paused")
