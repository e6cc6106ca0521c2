"""Initial schema: entities, cases, transfers, reviews, releases, batches, quarantine, users.

Timestamps are stored as naive UTC (`timestamp without time zone` / SQLite text), so both
databases hold identical values. Every metric keys on the local dates and day ordinals stored next
to them (created_on, created_day, created_bday, created_month, ...), computed at import in the
product's time zone, so the queries stay portable and can use indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("batch_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("source_sha256", sa.String(64)),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("imported_by", sa.String(200)),
        sa.Column("rows_read", sa.Integer, nullable=False, server_default="0"),
        sa.Column("inserted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("quarantined", sa.Integer, nullable=False, server_default="0"),
        sa.Column("is_demo", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "entities",
        sa.Column("entity_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("sector", sa.String(30), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.batch_id")),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(80), primary_key=True),
        sa.Column("entity_id", sa.String(40), sa.ForeignKey("entities.entity_id"), nullable=False),
        sa.Column("case_type", sa.String(20), nullable=False),
        sa.Column("category", sa.String(200)),
        sa.Column("channel", sa.String(40)),
        sa.Column("province", sa.String(10)),
        sa.Column("district", sa.String(120)),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("sla_days", sa.Integer),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("created_on", sa.Date, nullable=False),
        sa.Column("closed_on", sa.Date),
        sa.Column("created_month", sa.Integer, nullable=False),
        sa.Column("closed_month", sa.Integer),
        sa.Column("created_day", sa.Integer, nullable=False),
        sa.Column("closed_day", sa.Integer),
        sa.Column("created_bday", sa.Integer, nullable=False),
        sa.Column("closed_bday", sa.Integer),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.batch_id")),
        sa.CheckConstraint("status in ('abierto', 'cerrado', 'anulado')", name="ck_cases_status"),
    )
    op.create_index("ix_cases_created_on_entity", "cases", ["created_on", "entity_id"])
    op.create_index("ix_cases_closed_on_entity", "cases", ["closed_on", "entity_id"])
    op.create_index("ix_cases_entity_created_on", "cases", ["entity_id", "created_on"])
    op.create_index("ix_cases_entity_closed_on", "cases", ["entity_id", "closed_on"])
    op.create_table(
        "transfers",
        sa.Column("transfer_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(80), nullable=False),
        sa.Column("from_entity_id", sa.String(40), nullable=False),
        sa.Column("to_entity_id", sa.String(40), nullable=False),
        sa.Column("transferred_at", sa.DateTime, nullable=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.batch_id")),
    )
    op.create_index("ix_transfers_case_id", "transfers", ["case_id"])
    op.create_table(
        "directory_reviews",
        sa.Column("review_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity_id", sa.String(40), sa.ForeignKey("entities.entity_id"), nullable=False),
        sa.Column("item", sa.String(30), nullable=False),
        sa.Column("reviewed_at", sa.DateTime, nullable=False),
        sa.Column("reviewed_on", sa.Date, nullable=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.batch_id")),
        sa.UniqueConstraint("entity_id", "item", "reviewed_at", name="uq_directory_reviews"),
        sa.CheckConstraint(
            "item in ('directorio', 'sla', 'base_conocimiento')", name="ck_reviews_item"
        ),
    )
    op.create_table(
        "press_releases",
        sa.Column("release_id", sa.String(80), primary_key=True),
        sa.Column("entity_id", sa.String(40), sa.ForeignKey("entities.entity_id"), nullable=False),
        sa.Column("title", sa.String(500)),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("published_at", sa.DateTime),
        sa.Column("received_month", sa.Integer, nullable=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.batch_id")),
    )
    op.create_table(
        "quarantine",
        sa.Column("quarantine_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("import_batches.batch_id"), nullable=False),
        sa.Column("line_number", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("detail", sa.String(500)),
        sa.Column("raw_row", sa.Text, nullable=False),
    )
    op.create_index("ix_quarantine_batch", "quarantine", ["batch_id"])
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(40), sa.ForeignKey("entities.entity_id")),
        sa.Column("password_hash", sa.String(300)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("role in ('admin', 'director', 'enlace')", name="ck_users_role"),
    )
    op.create_table(
        "audit_log",
        sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(1000)),
    )
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "calendar",
        sa.Column("dia", sa.Date, primary_key=True),
        sa.Column("day_num", sa.Integer, nullable=False),
        sa.Column("bday_num", sa.Integer, nullable=False),
        sa.Column("es_habil", sa.Boolean, nullable=False),
        sa.Column("feriado", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "calendar",
        "app_settings",
        "audit_log",
        "users",
        "quarantine",
        "press_releases",
        "directory_reviews",
        "transfers",
        "cases",
        "entities",
        "import_batches",
    ):
        op.drop_table(table)
