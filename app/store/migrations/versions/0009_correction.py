"""correct and resend (issue 13): a package is replaced by one package at most

The link itself (`package.replaces_id`) came with 0003_contracts; a correction after sending
makes a new version that points at the withdrawn one. The unique index makes the link one to
one ("Vervangen door" names one package) and stops two corrections of the same package
that run at once from both making a new version.

Revision ID: correction
Revises: 0008_lifecycle
"""
from alembic import op


revision = 'correction'
down_revision = '0008_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_package_replaces_id", "package", ["replaces_id"], unique=True)


def downgrade():
    op.drop_index("ix_package_replaces_id", "package")
