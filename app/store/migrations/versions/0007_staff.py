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
    pass


def downgrade():
    pass
