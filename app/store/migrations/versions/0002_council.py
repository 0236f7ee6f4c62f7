"""council procedure (issue 9): the raad step, who signs (art. 171), document versions

Revision ID: 0002_council
Revises: 54ae5967c40c
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_council'
down_revision = '54ae5967c40c'
branch_labels = None
depends_on = None

PACKAGE_COLUMNS = (
    ("council_started_on", sa.Date()),
    ("council_sent_on", sa.Date()),
    ("council_reaction", sa.String(40)),
    ("council_reaction_on", sa.Date()),
    ("council_reaction_text", sa.Text()),
    ("council_letter_key", sa.String(300)),
    ("council_letter_sha256", sa.String(64)),
    ("council_letter_filename", sa.String(200)),
    ("council_reminder_sent_on", sa.Date()),
    ("attention", sa.Text()),
    ("signatory_capacity", sa.String(20)),
    ("volmacht_on", sa.Date()),
    ("volmacht_reference", sa.String(200)),
    ("volmacht_key", sa.String(300)),
    ("volmacht_sha256", sa.String(64)),
    ("volmacht_filename", sa.String(200)),
)


def upgrade():
    with op.batch_alter_table("package") as batch:
        for name, type_ in PACKAGE_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        batch.add_column(sa.Column("second_signatory_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_package_second_signatory", "contact_person",
                                 ["second_signatory_id"], ["id"])
    op.create_table(
        "document_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("template_version", sa.String(64)),
        sa.Column("template_number", sa.Integer()),
        sa.Column("docx_key", sa.String(300)),
        sa.Column("docx_sha256", sa.String(64)),
        sa.Column("pdf_key", sa.String(300)),
        sa.Column("pdf_sha256", sa.String(64)),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("made_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("sent_to", sa.String(200)),
        sa.UniqueConstraint("document_id", "number"),
    )
    op.create_index("ix_document_version_document_id", "document_version", ["document_id"])
    # Documents made before versions existed become their own version 1.
    op.execute(
        "INSERT INTO document_version (document_id, number, template_version, docx_key, "
        "docx_sha256, pdf_key, pdf_sha256, made_at, made_by, reason, sent_at, sent_to) "
        "SELECT id, 1, template_version, docx_key, docx_sha256, pdf_key, pdf_sha256, made_at, "
        "'systeem', '', sent_at, CASE WHEN sent_at IS NULL THEN NULL ELSE 'ondertekendienst' "
        "END FROM document WHERE made_at IS NOT NULL")
    # A package already waiting for the raad started the day its deadline was set.
    op.execute(
        "UPDATE package SET council_started_on = CAST(created_at AS DATE) "
        "WHERE needs_council AND state IN ('wacht_op_raad', 'besluit_genomen')")
    # Who signs: gemeenten the burgemeester, others under their statuten.
    op.execute(
        "UPDATE package SET signatory_capacity = CASE WHEN organisation_id IN "
        "(SELECT id FROM organisation WHERE kind = 'gemeente') THEN 'burgemeester' "
        "ELSE 'statutair' END")


def downgrade():
    op.drop_index("ix_document_version_document_id", table_name="document_version")
    op.drop_table("document_version")
    with op.batch_alter_table("package") as batch:
        batch.drop_constraint("fk_package_second_signatory", type_="foreignkey")
        batch.drop_column("second_signatory_id")
        for name, _type in reversed(PACKAGE_COLUMNS):
            batch.drop_column(name)
