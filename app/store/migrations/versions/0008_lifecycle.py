"""package lifecycle, organisations as records, outgoing webhooks (issue 13)

Revision ID: 0008_lifecycle
Revises: 0007_staff
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_lifecycle'
down_revision = '0007_staff'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
