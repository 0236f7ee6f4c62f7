"""security hardening (issue 12)

Revision ID: 0005_security
Revises: 0004_jobs

Staff roles; a session nonce per user (changing it ends every session at once); failed
sign-ins counted per address and client in their own table (one atomic upsert), replacing the
per-user counter; signed-scan uploads kept as versions.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_security'
down_revision = '0004_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("role", sa.String(length=20), nullable=False,
                                   server_default="medewerker"))
        batch.add_column(sa.Column("session_nonce", sa.String(length=64), nullable=False,
                                   server_default="initial"))
        batch.add_column(sa.Column("deactivated_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
        batch.drop_column("failed_logins")
        batch.drop_column("locked_until")
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "signed_upload",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("document.id"), nullable=False,
                  index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("document_id", "version"),
    )
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("created_by", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("created_by")
    op.drop_table("signed_upload")
    op.drop_table("login_throttle")
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch.drop_column("password_changed_at")
        batch.drop_column("deactivated_at")
        batch.drop_column("session_nonce")
        batch.drop_column("role")
