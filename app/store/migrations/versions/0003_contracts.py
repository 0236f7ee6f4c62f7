"""contract texts, template versions, contacts (issue 10)

Revision ID: 0003_contracts
Revises: 0002_council
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_contracts'
down_revision = '0002_council'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
