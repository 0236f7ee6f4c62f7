"""doorontwikkeling: regiegroepen, verbeterwensen and the innovatiekas (issue 16)

Revision ID: improvements
Revises: 0010_alv
"""
from alembic import op
import sqlalchemy as sa


revision = 'improvements'
down_revision = '0010_alv'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(12, 2)


def upgrade():
    op.create_table(
        "regiegroep_member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("solution_code", sa.String(60), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("contact_person_id", sa.Integer(), sa.ForeignKey("contact_person.id"),
                  nullable=False),
        sa.Column("is_chair", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("solution_code", "contact_person_id", name="uq_regiegroep_member"),
    )
    op.create_index("ix_regiegroep_member_solution_code", "regiegroep_member", ["solution_code"])
    op.create_table(
        "improvement_wish",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(30), nullable=False, unique=True),
        sa.Column("solution_code", sa.String(60), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisation.id"),
                  nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("estimate", MONEY, nullable=True),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("funding", sa.String(30), nullable=True),
        sa.Column("cover_description", sa.Text(), nullable=True),
        sa.Column("cover_amount", MONEY, nullable=True),
        sa.Column("committed", MONEY, nullable=False),
        sa.Column("needs_alv", sa.Boolean(), nullable=False),
        sa.Column("alv_decision_number", sa.String(100), nullable=True),
        sa.Column("alv_decision_on", sa.Date(), nullable=True),
        sa.Column("actual_cost", MONEY, nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_improvement_wish_solution_code", "improvement_wish", ["solution_code"])
    op.create_index("ix_improvement_wish_organisation_id", "improvement_wish",
                    ["organisation_id"])
    op.create_index("ix_improvement_wish_state", "improvement_wish", ["state"])
    op.create_table(
        "wish_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("wish_id", sa.Integer(), sa.ForeignKey("improvement_wish.id"),
                  nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("state_from", sa.String(30), nullable=True),
        sa.Column("state_to", sa.String(30), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_wish_event_wish_id", "wish_event", ["wish_id"])
    op.create_table(
        "wish_document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("wish_id", sa.Integer(), sa.ForeignKey("improvement_wish.id"),
                  nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("docx_key", sa.String(300), nullable=False),
        sa.Column("docx_sha256", sa.String(64), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_wish_document_wish_id", "wish_document", ["wish_id"])
    op.create_table(
        "innovatiekas",
        sa.Column("solution_code", sa.String(60), primary_key=True),
        sa.Column("balance", MONEY, nullable=False),
    )
    op.create_table(
        "kas_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("solution_code", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("balance_after", MONEY, nullable=False),
        sa.Column("wish_id", sa.Integer(), sa.ForeignKey("improvement_wish.id"), nullable=True),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_kas_entry_solution_code", "kas_entry", ["solution_code"])


def downgrade():
    op.drop_index("ix_kas_entry_solution_code", "kas_entry")
    op.drop_table("kas_entry")
    op.drop_table("innovatiekas")
    op.drop_index("ix_wish_document_wish_id", "wish_document")
    op.drop_table("wish_document")
    op.drop_index("ix_wish_event_wish_id", "wish_event")
    op.drop_table("wish_event")
    for column in ("state", "organisation_id", "solution_code"):
        op.drop_index(f"ix_improvement_wish_{column}", "improvement_wish")
    op.drop_table("improvement_wish")
    op.drop_index("ix_regiegroep_member_solution_code", "regiegroep_member")
    op.drop_table("regiegroep_member")
