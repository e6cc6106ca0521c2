"""Monthly summaries of the cases, kept equal to them by every write path.

What the monthly family of figures (`cac311.analytics.monthly`) reads instead of the cases, so a
page costs entities × months, not cases. Three tables, one per aggregate, each with detail rows
per (entity, case type, channel, province, month) and rollup rows per (entity, month)
(`detalle` false, the three dimensions null):

- `summary_received`: cases received in the month, and the cohort closed within the legal limit
  in each day-count mode (`queries/summaries__received_rows.sql`);
- `summary_closed`: cases closed in the month per pair of day counts (calendar, working days)
  (`queries/summaries__closed_rows.sql`) — any legal limit, median and p90 of either mode
  follow exactly;
- `summary_open`: cases open at the month's last day E, and overdue at E in each mode
  (`queries/summaries__open_rows.sql`).

Beside them `summary_values` holds the distinct (case type, channel, province) of the detail
rows: the sidebar's choices.

The cohort and overdue counts depend on the legal limit: the summaries are built for the limit
recorded in `app_settings` (`resumenes_limite_dias`, set by `prepare_database`), and the
analytics read them only when the settings ask for that limit (else they read the cases).

**Which months a write touches.** A non-anulado case whose local creation month is `cm` and
closing month `km` (null while open) counts in `summary_received` at `cm`, in `summary_closed`
at `km`, and in `summary_open` at every month end from `cm`'s to the one before `km`'s (to the
horizon H, the month of datos_al, while open). Its rows therefore lie in the months
`[cm, km]`, or `[cm, H]` when open. A write touches, for every case whose summary-relevant
values (entity, case type, channel, province, status, local dates and ordinals) it changes, the
months of the old version and of the new one; and, when it moves H forward, every month after
the old H (cases it never changed become open at those new month ends). Months after the new H
hold no rows. `summary_changes.touched_months` is that rule, `summary_changes.SummaryChanges`
collects it around a write, and `refresh_summaries` recomputes exactly those months from the
cases, in the caller's transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.db.queries import _bind_value, bound_statement, run_query
from metrics.period import Month

log = logging.getLogger(__name__)

LIMIT_KEY: Final = "resumenes_limite_dias"
DIMENSIONS: Final = ("case_type", "channel", "province")
GRAIN: Final = ("entity_id", *DIMENSIONS)


@dataclass(frozen=True)
class SummaryTable:
    """One summary table: the query giving its detail rows, its month column, its columns."""

    name: str
    rows_query: str
    month_column: str  # "mes" (yyyymm) or "fin_mes" (the month's last day)
    keys: tuple[str, ...]  # further key columns besides the grain and the month
    measures: tuple[str, ...]

    @property
    def key_columns(self) -> tuple[str, ...]:
        return (*GRAIN, "detalle", self.month_column, *self.keys)

    def month_value(self, month: Month) -> int | date:
        return month.yyyymm if self.month_column == "mes" else month.last_day

    def window(self, first: Month, last: Month, legal_limit: int) -> dict[str, Any]:
        """The rows query's parameters for the months `first`..`last`."""
        if self.month_column == "fin_mes":
            ends = [m.last_day for m in first.through(last)]
            return {
                "end_dates": ends,
                "first_end_on": ends[0],
                "last_end_on": ends[-1],
                "legal_limit": legal_limit,
            }
        params: dict[str, Any] = {"start_on": first.first_day, "end_on": last.last_day}
        if "cohorte_en_plazo_calendario" in self.measures:
            params["legal_limit"] = legal_limit
        return params


TABLES: Final = (
    SummaryTable(
        "summary_received",
        "summaries__received_rows",
        "mes",
        (),
        ("recibidos", "cohorte_en_plazo_calendario", "cohorte_en_plazo_habiles"),
    ),
    SummaryTable(
        "summary_closed",
        "summaries__closed_rows",
        "mes",
        ("dias_calendario", "dias_habiles"),
        ("casos",),
    ),
    SummaryTable(
        "summary_open",
        "summaries__open_rows",
        "fin_mes",
        (),
        ("abiertos_fin_mes", "vencidos_calendario", "vencidos_habiles"),
    ),
)
_DATE_RANGE_SCHEMA = {
    "first_created_on": pl.Date,
    "last_created_on": pl.Date,
    "last_closed_on": pl.Date,
}


# --- state ------------------------------------------------------------------------------------


def summary_limit(bind: Engine | Connection) -> int | None:
    """The legal limit the summaries were built for; None when they are not built."""
    frame = run_query(bind, "summaries__state", {}, {"value": pl.String()})
    if frame.height == 0 or frame["value"][0] is None:
        return None
    return int(frame["value"][0])


def _date_range(conn: Connection) -> tuple[date | None, date | None]:
    """(first local creation date, datos_al) over every case, anulado included."""
    row = run_query(conn, "cases__date_range", {}, _DATE_RANGE_SCHEMA).row(0, named=True)
    last = [d for d in (row["last_created_on"], row["last_closed_on"]) if d is not None]
    return row["first_created_on"], (max(last) if last else None)


def summary_horizon(bind: Engine | Connection) -> Month | None:
    """The last month the summaries describe (the month of datos_al); None without cases."""
    row = run_query(bind, "cases__date_range", {}, _DATE_RANGE_SCHEMA).row(0, named=True)
    last = [d for d in (row["last_created_on"], row["last_closed_on"]) if d is not None]
    return Month.of(max(last)) if last else None


def data_horizon(conn: Connection) -> Month | None:
    """H: the month of datos_al (the last month any summary row may be in); None when empty."""
    return summary_horizon(conn)


# --- which months -----------------------------------------------------------------------------


RUN_MONTHS: Final = 6


def month_runs(months: Sequence[Month], longest: int = RUN_MONTHS) -> list[tuple[Month, Month]]:
    """Consecutive months grouped into (first, last) runs of at most `longest` months: one set
    of statements per run. Bounded because the open-at-month-end rows join every case open
    somewhere in the run with each of its month ends: a 37-month run joins the long-open cases
    with 37 ends, six-month runs with at most six."""
    runs: list[tuple[Month, Month]] = []
    for month in sorted(set(months)):
        if runs and runs[-1][1].shift(1) == month and len(runs[-1][0].through(month)) <= longest:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


# --- writing ----------------------------------------------------------------------------------


def _execute(conn: Connection, sql: str, params: dict[str, Any]) -> None:
    dialect = conn.dialect.name
    conn.execute(sa.text(sql), {k: _bind_value(v, dialect) for k, v in params.items()})


def _delete(conn: Connection, table: SummaryTable, first: Month | None, last: Month | None) -> None:
    """Delete the rows of months first..last (None: unbounded on that side)."""
    column = table.month_column
    conditions, params = [], {}
    if first is not None:
        conditions.append(f"{column} >= :lo")
        params["lo"] = table.month_value(first)
    if last is not None:
        conditions.append(f"{column} <= :hi")
        params["hi"] = table.month_value(last)
    where = f" where {' and '.join(conditions)}" if conditions else ""
    _execute(conn, f"delete from {table.name}{where}", params)  # noqa: S608 - fixed identifiers


def _insert_details(conn: Connection, table: SummaryTable, params: dict[str, Any]) -> None:
    """Insert the detail rows the table's rows query returns for a window of months."""
    columns = (*GRAIN, table.month_column, *table.keys, *table.measures)
    selected = ", ".join(f"q.{c}" for c in columns)
    template = (
        f"insert into {table.name} ({', '.join(columns)}, detalle) "  # noqa: S608 - fixed names
        f"select {selected}, true from ({{query}}) as q"
    )
    statement, bound = bound_statement(conn, table.rows_query, params, template)
    conn.execute(statement, bound)


def _insert_rollups(conn: Connection, table: SummaryTable, first: Month, last: Month) -> None:
    """Insert one rollup row per entity (and further keys) from the detail rows of the run."""
    month = table.month_column
    group = ("entity_id", month, *table.keys)
    sums = ", ".join(f"sum(s.{m})" for m in table.measures)
    columns = (*group, *table.measures)
    nulls = ", ".join("null" for _ in DIMENSIONS)
    _execute(
        conn,
        f"insert into {table.name} ({', '.join(columns)}, {', '.join(DIMENSIONS)}, detalle) "  # noqa: S608
        f"select {', '.join(f's.{c}' for c in group)}, {sums}, {nulls}, false "
        f"from {table.name} as s where s.detalle = true and s.{month} between :lo and :hi "
        f"group by {', '.join(f's.{c}' for c in group)}",
        {"lo": table.month_value(first), "hi": table.month_value(last)},
    )


def refresh_summaries(conn: Connection, months: Iterable[Month]) -> None:
    """Recompute the summary rows of `months` from the cases, in the caller's transaction.

    Also removes any row after the horizon H (months past datos_al hold nothing). A no-op while
    the summaries are not built (`prepare_database` builds them).
    """
    limit = summary_limit(conn)
    if limit is None:
        return
    horizon = data_horizon(conn)
    wanted = sorted(m for m in set(months) if horizon is not None and m <= horizon)
    if conn.dialect.name == "postgresql" and wanted:
        # The detail rows are grouped by hash: with the default 4 MB a first load's aggregates
        # (hundreds of thousands of groups) spill to disk. Only for this transaction.
        conn.execute(sa.text("set local work_mem = '256MB'"))
    for table in TABLES:
        if horizon is None:
            _delete(conn, table, None, None)
        else:
            _delete(conn, table, horizon.shift(1), None)
    for first, last in month_runs(wanted):
        for table in TABLES:
            started = time.perf_counter()
            _delete(conn, table, first, last)
            _insert_details(conn, table, table.window(first, last, limit))
            _insert_rollups(conn, table, first, last)
            log.info(
                "%s %s..%s refreshed in %.2f s",
                table.name,
                first,
                last,
                time.perf_counter() - started,
            )
    if wanted or horizon is None:
        refresh_values(conn)
    if conn.dialect.name == "postgresql" and wanted:
        conn.execute(sa.text("analyze " + ", ".join(t.name for t in TABLES)))


def refresh_values(conn: Connection) -> None:
    """`summary_values`: the distinct (case type, channel, province) of the detail rows."""
    conn.execute(sa.text("delete from summary_values"))
    conn.execute(
        sa.text(
            "insert into summary_values (case_type, channel, province)"
            " select distinct s.case_type, s.channel, s.province"
            " from summary_received as s where s.detalle = true"
        )
    )


def all_months(conn: Connection) -> list[Month]:
    """Every month from the first case's to the horizon (empty without cases)."""
    first, datos_al = _date_range(conn)
    if first is None or datos_al is None:
        return []
    return Month.of(first).through(Month.of(datos_al))


def rebuild_summaries(conn: Connection, legal_limit: int) -> None:
    """Build every summary row from scratch for `legal_limit` and record that limit."""
    conn.execute(sa.text("delete from app_settings where key = :key"), {"key": LIMIT_KEY})
    conn.execute(
        sa.text("insert into app_settings (key, value) values (:key, :value)"),
        {"key": LIMIT_KEY, "value": str(legal_limit)},
    )
    for table in TABLES:
        _delete(conn, table, None, None)
    refresh_summaries(conn, all_months(conn))
