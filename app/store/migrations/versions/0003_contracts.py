"""contract texts, template versions, contacts (issue 10)

Organisation: privacy officer (FG) and breach contact. Agreement: the NVSI Voorwaarden version
a gebruiksovereenkomst named. Package: the Voorwaarden version, and the open package it
replaced.

Revision ID: 0003_contracts
Revises: 0002_council
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_contracts'
down_revision = '0002_council'
branch_labels = None
depends_on = None

ORGANISATION_COLUMNS = (
    ("fg_name", 200), ("fg_email", 320), ("fg_phone", 40),
    ("breach_name", 200), ("breach_email", 320), ("breach_phone", 40),
)


def upgrade():
    with op.batch_alter_table("organisation") as batch:
        for name, length in ORGANISATION_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))
    with op.batch_alter_table("agreement") as batch:
        batch.add_column(sa.Column("voorwaarden_version", sa.String(40), nullable=True))
    with op.batch_alter_table("package") as batch:
        batch.add_column(sa.Column("voorwaarden_version", sa.String(40), nullable=True))
        batch.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_package_replaces_id_package", "package",
                                 ["replaces_id"], ["id"])


def downgrade():
    with op.batch_alter_table("package") as batch:
        batch.drop_constraint("fk_package_replaces_id_package", type_="foreignkey")
        batch.drop_column("replaces_id")
        batch.drop_column("voorwaarden_version")
    with op.batch_alter_table("agreement") as batch:
        batch.drop_column("voorwaarden_version")
    with op.batch_alter_table("organisation") as batch:
        for name, _ in reversed(ORGANISATION_COLUMNS):
            batch.drop_column(name)
