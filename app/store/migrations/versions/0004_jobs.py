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
    pass


def downgrade():
    pass
