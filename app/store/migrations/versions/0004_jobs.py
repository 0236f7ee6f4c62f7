"""durable jobs (issue 11)

Revision ID: 0004_jobs
Revises: 0003_contracts
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_jobs'
down_revision = '0003_contracts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job_run") as batch:
        batch.add_column(sa.Column("key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("max_attempts", sa.Integer(), nullable=False,
                                   server_default="6"))
        batch.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("dispatched_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.String(120), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
    op.execute("UPDATE job_run SET due_at = created_at")
    with op.batch_alter_table("job_run") as batch:
        batch.alter_column("due_at", existing_type=sa.DateTime(), nullable=False)
        batch.create_index("ix_job_run_due", ["state", "due_at"])
        batch.create_index("uq_job_run_waiting_key", ["key"], unique=True,
                           sqlite_where=sa.text("state = 'wachtend'"),
                           postgresql_where=sa.text("state = 'wachtend'"))
    with op.batch_alter_table("package") as batch:
        batch.add_column(sa.Column("send_unknown_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("webhook_delivery") as batch:
        batch.create_index("ix_webhook_delivery_package_id", ["package_id"])


def downgrade():
    with op.batch_alter_table("webhook_delivery") as batch:
        batch.drop_index("ix_webhook_delivery_package_id")
    with op.batch_alter_table("package") as batch:
        batch.drop_column("send_unknown_at")
    with op.batch_alter_table("job_run") as batch:
        batch.drop_index("uq_job_run_waiting_key")
        batch.drop_index("ix_job_run_due")
        for column in ("lease_until", "lease_owner", "dispatched_at", "due_at",
                       "max_attempts", "key"):
            batch.drop_column(column)
