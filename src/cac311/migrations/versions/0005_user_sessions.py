"""Server-side sessions of local accounts (issue 18): one row per sign-in, hashes only.

`token_hash` / `code_hash` hold the SHA-256 of the session token (the HttpOnly cookie) and of
the one-time code that the browser redeems for it; neither value is stored in clear. See
`cac311.auth.sessions`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("session_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.user_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("code_hash", sa.String(64), unique=True),
        sa.Column("code_expires_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("end_reason", sa.String(30)),
        sa.CheckConstraint(
            "end_reason is null or end_reason in ('sign_out', 'expired_idle', "
            "'expired_absolute', 'disabled', 'password_changed', 'unused')",
            name="ck_user_sessions_end_reason",
        ),
    )
    op.create_index("ix_user_sessions_user", "user_sessions", ["user_id", "ended_at"])


def downgrade() -> None:
    op.drop_index("ix_user_sessions_user", table_name="user_sessions")
    op.drop_table("user_sessions")
