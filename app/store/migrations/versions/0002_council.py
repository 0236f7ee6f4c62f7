"""council procedure (issue 9)

Revision ID: 0002_council
Revises: 54ae5967c40c
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_council'
down_revision = '54ae5967c40c'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
