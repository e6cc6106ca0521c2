"""Monthly summaries of the cases: what the monthly family of figures reads at scale.

Three tables, one per aggregate of `cac311.analytics.monthly` (received, closed per day count,
open at month end), each at two levels in the same table: `detalle` rows per (entity, case type,
channel, province, month) and rollup rows per (entity, month) with case type, channel and
province null. Every write path keeps them equal to the cases for the months it touches, in its
own transaction (`cac311.db.summaries`); `cac311 db check` compares them with the cases.
A fourth, `summary_values`, holds the sidebar's choices (distinct case type, channel, province).

The cohort and month-end overdue counts depend on the legal limit, so both day-count modes are
stored for the limit recorded in `app_settings` (`resumenes_limite_dias`); the closed-case
histogram keeps every pair of day counts (calendar, working days) and serves any limit and both
modes from one row set (45 % fewer rows than one row set per mode on the demo data).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _grain() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.Column("case_type", sa.String(20)),
        sa.Column("channel", sa.String(40)),
        sa.Column("province", sa.String(10)),
        sa.Column("detalle", sa.Boolean, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "summary_received",
        *_grain(),
        sa.Column("mes", sa.Integer, nullable=False),
        sa.Column("recibidos", sa.Integer, nullable=False),
        sa.Column("cohorte_en_plazo_calendario", sa.Integer, nullable=False),
        sa.Column("cohorte_en_plazo_habiles", sa.Integer, nullable=False),
    )
    op.create_index("ix_summary_received_mes", "summary_received", ["detalle", "mes"])
    op.create_table(
        "summary_closed",
        *_grain(),
        sa.Column("mes", sa.Integer, nullable=False),
        sa.Column("dias_calendario", sa.Integer, nullable=False),
        sa.Column("dias_habiles", sa.Integer, nullable=False),
        sa.Column("casos", sa.Integer, nullable=False),
    )
    op.create_index("ix_summary_closed_mes", "summary_closed", ["detalle", "mes"])
    op.create_table(
        "summary_open",
        *_grain(),
        sa.Column("fin_mes", sa.Date, nullable=False),
        sa.Column("abiertos_fin_mes", sa.Integer, nullable=False),
        sa.Column("vencidos_calendario", sa.Integer, nullable=False),
        sa.Column("vencidos_habiles", sa.Integer, nullable=False),
    )
    op.create_index("ix_summary_open_fin_mes", "summary_open", ["detalle", "fin_mes"])
    # The sidebar's choices: every (case type, channel, province) of a non-anulado case, a few
    # hundred rows at most (a scan of summary_received's detail rows cost every cold page).
    op.create_table(
        "summary_values",
        sa.Column("case_type", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(40)),
        sa.Column("province", sa.String(10)),
    )


def downgrade() -> None:
    for table in ("summary_values", "summary_open", "summary_closed", "summary_received"):
        op.drop_table(table)
    op.execute("delete from app_settings where key = 'resumenes_limite_dias'")
