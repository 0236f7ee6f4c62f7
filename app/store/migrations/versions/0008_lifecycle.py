"""package lifecycle, organisations as records, outgoing webhooks (issue 13)

Organisations as records: a contact person can be on file as the organisation's contact or
signer (with the signer's capacity); a person replaced stays (packages keep pointing at the
people they were made with) with the moment it was replaced; every change to an organisation
is kept in `organisation_event`.

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
    with op.batch_alter_table("contact_person") as batch:
        batch.add_column(sa.Column("on_file_as", sa.String(20), nullable=True))
        batch.add_column(sa.Column("signatory_capacity", sa.String(20), nullable=True))
        batch.add_column(sa.Column("replaced_at", sa.DateTime(), nullable=True))
    op.create_table(
        "organisation_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
    )
    op.create_index("ix_organisation_event_organisation_id", "organisation_event",
                    ["organisation_id"])


def downgrade():
    op.drop_index("ix_organisation_event_organisation_id", "organisation_event")
    op.drop_table("organisation_event")
    with op.batch_alter_table("contact_person") as batch:
        batch.drop_column("replaced_at")
        batch.drop_column("signatory_capacity")
        batch.drop_column("on_file_as")
