"""security hardening (issue 12)

Revision ID: 0005_security
Revises: 0004_jobs
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_security'
down_revision = '0004_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("role", sa.String(length=20), nullable=False,
                                   server_default="medewerker"))


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("role")
