"""Report delivery log and publication dates.

- `deliveries`: one row per (kind, period, recipient) ever — the e-mail of a monthly report to one
  person. `status` is `pendiente` while a run holds it, then `enviado` or `fallido` (with the
  error); a re-run sends only what is not `enviado`. The unique key is what makes two runs (or two
  schedulers) unable to send the same message twice.
- `publications`: the local date each month's FINAL bundle was published — recorded the first
  time `cac311 export publication` or the Publicación page produces it, or marked by an admin
  with a reason.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("delivery_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("entity_id", sa.String(40)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.String(1000)),
        sa.Column("claimed_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
        sa.UniqueConstraint("kind", "period", "recipient", name="uq_deliveries_message"),
        sa.CheckConstraint(
            "status in ('pendiente', 'enviado', 'fallido')", name="ck_deliveries_status"
        ),
    )
    op.create_table(
        "publications",
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("published_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("recorded_by", sa.String(320)),
        sa.Column("reason", sa.String(1000)),
        sa.CheckConstraint("source in ('cli', 'pagina', 'manual')", name="ck_publications_source"),
    )


def downgrade() -> None:
    op.drop_table("publications")
    op.drop_table("deliveries")
