"""built-in signing: the signing links with the evidence of each signature (issue 15)

Revision ID: builtin_signing
Revises: outgoing_webhooks
"""
from alembic import op
import sqlalchemy as sa


revision = 'builtin_signing'
down_revision = 'outgoing_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signing_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("package_id", sa.Integer(), sa.ForeignKey("package.id"), nullable=False),
        sa.Column("signer_id", sa.Integer(), sa.ForeignKey("signer.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("code_hmac", sa.String(64), nullable=True),
        sa.Column("code_sent_at", sa.DateTime(), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(), nullable=True),
        sa.Column("codes_sent", sa.Integer(), nullable=False),
        sa.Column("code_failures", sa.Integer(), nullable=False),
        sa.Column("code_verified_at", sa.DateTime(), nullable=True),
        sa.Column("session_nonce", sa.String(64), nullable=True),
        sa.Column("ip_address", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(500), nullable=True),
        sa.Column("viewed_at", sa.DateTime(), nullable=True),
        sa.Column("typed_name", sa.String(200), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_signing_link_package_id", "signing_link", ["package_id"])
    op.create_index("ix_signing_link_signer_id", "signing_link", ["signer_id"])


def downgrade():
    op.drop_index("ix_signing_link_signer_id", table_name="signing_link")
    op.drop_index("ix_signing_link_package_id", table_name="signing_link")
    op.drop_table("signing_link")
