"""Local date and day ordinals of each transfer (issue 16: who owns a breach).

Like the cases (migration 0001), a transfer now stores next to its naive-UTC `transferred_at`
the local date `transferred_on`, its month `transferred_month` (yyyymm) and its ordinals
`transferred_day` (days since 2000-01-01) and `transferred_bday` (working days since then, from
the `calendar` table), so the days a case was held before a transfer and the days left when it
was received are a subtraction in portable SQL in both day-count modes (docs/metrics.md §15).

Every write path fills them (`cac311 import transfers` through `add_local_columns`, the demo);
rows written before this migration are filled here from the database's stored time zone, and
`cac311.db.setup.refresh_calendar` recomputes `transferred_bday` when the days off change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

EPOCH = date(2000, 1, 1)  # metrics.daycount.EPOCH (a migration does not import the app)
DEFAULT_TIMEZONE = "America/Panama"


def _as_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _backfill(conn: sa.Connection) -> None:
    zone_row = conn.execute(
        sa.text("select value from app_settings where key = 'zona_horaria'")
    ).first()
    zone = ZoneInfo(str(zone_row[0]) if zone_row else DEFAULT_TIMEZONE)
    rows = conn.execute(sa.text("select transfer_id, transferred_at from transfers")).all()
    sqlite = conn.dialect.name == "sqlite"
    updates = []
    for transfer_id, transferred_at in rows:
        local = _as_datetime(transferred_at).replace(tzinfo=UTC).astimezone(zone).date()
        updates.append(
            {
                "id": transfer_id,
                "on": local.isoformat() if sqlite else local,
                "month": local.year * 100 + local.month,
                "day": (local - EPOCH).days,
            }
        )
    if updates:
        conn.execute(
            sa.text(
                "update transfers set transferred_on = :on, transferred_month = :month,"
                " transferred_day = :day where transfer_id = :id"
            ),
            updates,
        )
        conn.execute(
            sa.text(
                "update transfers set transferred_bday ="
                " (select c.bday_num from calendar as c where c.dia = transfers.transferred_on)"
            )
        )


def upgrade() -> None:
    with op.batch_alter_table("transfers") as batch:
        batch.add_column(sa.Column("transferred_on", sa.Date))
        batch.add_column(sa.Column("transferred_month", sa.Integer))
        batch.add_column(sa.Column("transferred_day", sa.Integer))
        batch.add_column(sa.Column("transferred_bday", sa.Integer))
    _backfill(op.get_bind())
    op.create_index("ix_transfers_on", "transfers", ["transferred_on"])


def downgrade() -> None:
    op.drop_index("ix_transfers_on", table_name="transfers")
    with op.batch_alter_table("transfers") as batch:
        batch.drop_column("transferred_bday")
        batch.drop_column("transferred_day")
        batch.drop_column("transferred_month")
        batch.drop_column("transferred_on")
