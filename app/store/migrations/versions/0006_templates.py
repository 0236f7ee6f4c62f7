"""template versions uploaded by staff (issue 10, template tooling)

Revision ID: 0006_templates
Revises: 0005_security
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_templates'
down_revision = '0005_security'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
