"""Import warnings, their count per batch, and the transfers' idempotence key.

- `import_warnings`: one row per descriptive value of an accepted case that was stored
  differently from how the file wrote it (unknown province or invalid `sla_days` stored as
  missing, text cut to its column size, NUL characters removed). The case itself is imported;
  the warning says what was changed, on which line, and what was stored (issue 13, SPEC §6).
- `import_batches.warnings`: how many such warnings the batch recorded (like `quarantined`).
- `uq_transfers_key`: a transfer is identified by (case_id, from_entity_id, to_entity_id,
  transferred_at), so importing the same transfers file twice changes nothing; the unique index
  makes the database refuse a second copy whatever writes it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_warnings",
        sa.Column("warning_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.batch_id"), nullable=False),
        sa.Column("line_number", sa.Integer, nullable=False),
        sa.Column("record_id", sa.String(200)),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("original", sa.Text),
        sa.Column("stored", sa.Text),
    )
    op.create_index("ix_import_warnings_batch", "import_warnings", ["batch_id"])
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("warnings", sa.Integer, nullable=False, server_default="0"))
    op.create_index(
        "uq_transfers_key",
        "transfers",
        ["case_id", "from_entity_id", "to_entity_id", "transferred_at"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_transfers_key", table_name="transfers")
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_column("warnings")
    op.drop_index("ix_import_warnings_batch", table_name="import_warnings")
    op.drop_table("import_warnings")
