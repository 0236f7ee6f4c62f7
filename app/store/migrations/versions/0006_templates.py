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
    op.create_table(
        "template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=12), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("store_key", sa.String(length=300), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "number", name="uq_template_version_number"),
    )
    with op.batch_alter_table("template_version") as batch:
        batch.create_index("ix_template_version_kind", ["kind"], unique=False)
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("template_number", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("document") as batch:
        batch.drop_column("template_number")
    with op.batch_alter_table("template_version") as batch:
        batch.drop_index("ix_template_version_kind")
    op.drop_table("template_version")
