"""The monthly summaries computed from case rows in memory, for loads into an empty `cases`.

A first load (the demo, or an import copied straight into an empty table) holds every case it
writes in Polars frames already. Grouping a million rows by entity, case type, channel and
province costs PostgreSQL seconds of single-core hash aggregation (an `insert ... select` gets
no parallel workers); Polars does it in a fraction, batch by batch while the load streams, and
the rows are then copied in. Same rows as the SQL rows queries (`queries/summaries__*_rows.sql`,
the reference `cac311 db check` uses): `tests/db/test_summary_frames.py` compares the two on
random data.

Counts are additive across batches, so each batch is reduced on arrival: received and closed
to their detail rows, the cases open at some month end to one row per (grain, created and
closed month, created ordinals). The month ends are only known at the end (the horizon is the
month of datos_al of the whole load), when those rows are expanded over them.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cac311.db.bulk import copy_into
from cac311.db.summaries import (
    DIMENSIONS,
    GRAIN,
    TABLES,
    SummaryTable,
    data_horizon,
    summary_limit,
)
from metrics.period import Month

log = logging.getLogger(__name__)

_OPEN_KEYS: Final = (*GRAIN, "created_month", "closed_month", "created_day", "created_bday")


def _month_index(column: str) -> pl.Expr:
    month = pl.col(column).cast(pl.Int64)
    return (month // 100) * 12 + month % 100 - 1


class SummaryBuilder:
    """Accumulates case rows (`cases` columns, derived ones included) into summary rows."""

    def __init__(self, legal_limit: int) -> None:
        self.limit = legal_limit
        self._received: list[pl.DataFrame] = []
        self._closed: list[pl.DataFrame] = []
        self._open: list[pl.DataFrame] = []

    def add(self, rows: pl.DataFrame) -> None:
        """Reduce one batch of written cases (anulado ones count nowhere)."""
        live = rows.lazy().filter(pl.col("status") != "anulado")
        limit = self.limit
        cal = pl.col("closed_day") - pl.col("created_day")
        hab = pl.col("closed_bday") - pl.col("created_bday")
        received = live.group_by(*GRAIN, pl.col("created_month").alias("mes")).agg(
            pl.len().alias("recibidos"),
            (cal <= limit).fill_null(False).sum().alias("cohorte_en_plazo_calendario"),
            (hab <= limit).fill_null(False).sum().alias("cohorte_en_plazo_habiles"),
        )
        closed = (
            live.filter(pl.col("closed_month").is_not_null())
            .group_by(
                *GRAIN,
                pl.col("closed_month").alias("mes"),
                cal.alias("dias_calendario"),
                hab.alias("dias_habiles"),
            )
            .agg(pl.len().alias("casos"))
        )
        opened = (
            live.filter(
                pl.col("closed_month").is_null()
                | (pl.col("closed_month") > pl.col("created_month"))
            )
            .group_by(*_OPEN_KEYS)
            .agg(pl.len().alias("n"))
        )
        found = pl.collect_all([received, closed, opened])
        self._received.append(found[0])
        self._closed.append(found[1])
        self._open.append(found[2])

    def first_month(self) -> Month | None:
        """The first month any added case was received in (None before any)."""
        firsts = [int(f["mes"].min()) for f in self._received if f.height]  # type: ignore[arg-type]
        return Month(min(firsts)) if firsts else None

    def _combined(self, parts: list[pl.DataFrame], keys: list[str]) -> pl.DataFrame:
        frame = pl.concat(parts)
        measures = [c for c in frame.columns if c not in keys]
        return frame.group_by(keys).agg(pl.col(m).sum() for m in measures)

    def detail_frames(self, horizon: Month, month_ends: pl.DataFrame) -> dict[str, pl.DataFrame]:
        """The detail rows of each table up to `horizon`; `month_ends`: fin_mes (Date), end_day,
        end_bday of every month end the open cases may reach (from the `calendar` table)."""
        if not self._received:
            return {}
        received = self._combined(self._received, [*GRAIN, "mes"])
        closed = self._combined(self._closed, [*GRAIN, "mes", "dias_calendario", "dias_habiles"])
        opened = self._combined(self._open, list(_OPEN_KEYS))
        last = (horizon.yyyymm // 100) * 12 + horizon.yyyymm % 100 - 1
        open_rows = _open_rows(opened, month_ends, last, self.limit)
        last_month = horizon.yyyymm
        return {
            "summary_received": received.filter(pl.col("mes") <= last_month),
            "summary_closed": closed.filter(pl.col("mes") <= last_month),
            "summary_open": open_rows,
        }


_OPEN_SCHEMA: Final = {
    **{c: pl.String for c in GRAIN},
    "fin_mes": pl.Date,
    "abiertos_fin_mes": pl.Int64,
    "vencidos_calendario": pl.Int64,
    "vencidos_habiles": pl.Int64,
}


def _open_rows(
    opened: pl.DataFrame, month_ends: pl.DataFrame, last: int, limit: int
) -> pl.DataFrame:
    """`summary_open`'s detail rows from the open-case groups (`_OPEN_KEYS` + n), as running
    sums: a group is open at the ends of the months [created, closed − 1] (to the horizon) and
    overdue from the first month end more than `limit` days (calendar / working) after its
    creation; +n where an interval starts, −n after it ends, summed along the months. Exploding
    every group over its months instead made 4.6 million rows at 1M cases."""
    ends = month_ends.sort("fin_mes").with_columns(
        (pl.col("fin_mes").dt.year() * 12 + pl.col("fin_mes").dt.month() - 1)
        .cast(pl.Int64)
        .alias("month_index")
    )
    if ends.height == 0 or opened.height == 0:
        return pl.DataFrame(schema=_OPEN_SCHEMA)
    grains = opened.select(GRAIN).unique().with_row_index("gid")
    spans = _spans(
        opened.join(grains, on=list(GRAIN), how="left", nulls_equal=True), ends, last, limit
    )
    running = _running_sums(_events(spans), last)
    return (
        running.join(ends.select("month_index", "fin_mes"), on="month_index", how="inner")
        .join(grains, on="gid", how="left")
        .select(
            *GRAIN,
            "fin_mes",
            pl.col("a").alias("abiertos_fin_mes"),
            pl.col("c").alias("vencidos_calendario"),
            pl.col("h").alias("vencidos_habiles"),
        )
    )


def _spans(opened: pl.DataFrame, ends: pl.DataFrame, last: int, limit: int) -> pl.DataFrame:
    """Per group (`gid`) its month-index intervals: open from `s` to `e`, overdue (calendar /
    working days) from `vc` / `vh`; groups closed before their first month end are left out."""
    first_end = int(ends["month_index"][0])
    start = _month_index("created_month")
    stop = pl.min_horizontal((_month_index("closed_month") - 1).fill_null(last), pl.lit(last))

    def overdue_from(ordinal: str, end_column: str) -> pl.Expr:
        position = pl.lit(ends[end_column]).search_sorted(pl.col(ordinal) + limit, side="right")
        return pl.max_horizontal(start, position.cast(pl.Int64) + first_end)

    return opened.select(
        "gid",
        "n",
        start.alias("s"),
        stop.alias("e"),
        overdue_from("created_day", "end_day").alias("vc"),
        overdue_from("created_bday", "end_bday").alias("vh"),
    ).filter(pl.col("s") <= pl.col("e"))


def _events(spans: pl.DataFrame) -> pl.DataFrame:
    """The intervals as changes per group and month: open (`a`), overdue calendar (`c`) and
    working (`h`) rise by n where their interval starts and fall by n the month after `e`."""
    n = pl.col("n").cast(pl.Int64)
    zero = pl.lit(0, dtype=pl.Int64)

    def event(at: str, rows: pl.DataFrame, a: pl.Expr, c: pl.Expr, h: pl.Expr) -> pl.DataFrame:
        month = (pl.col("e") + 1) if at == "after" else pl.col(at)
        return rows.select(
            "gid", month.alias("month_index"), a.alias("a"), c.alias("c"), h.alias("h")
        )

    overdue_cal = spans.filter(pl.col("vc") <= pl.col("e"))
    overdue_hab = spans.filter(pl.col("vh") <= pl.col("e"))
    return (
        pl.concat(
            [
                event("s", spans, n, zero, zero),
                event("after", spans, -n, zero, zero),
                event("vc", overdue_cal, zero, n, zero),
                event("after", overdue_cal, zero, -n, zero),
                event("vh", overdue_hab, zero, zero, n),
                event("after", overdue_hab, zero, zero, -n),
            ]
        )
        .group_by("gid", "month_index")
        .agg(pl.col("a").sum(), pl.col("c").sum(), pl.col("h").sum())
    )


def _running_sums(events: pl.DataFrame, last: int) -> pl.DataFrame:
    """The changes summed along each group's months, from its first event to the horizon
    `last`; only the months where the group has open cases are kept."""
    months = (
        events.group_by("gid")
        .agg(pl.col("month_index").min().alias("from"))
        .select("gid", pl.int_ranges("from", last + 1, dtype=pl.Int64).alias("month_index"))
        .explode("month_index")
        .drop_nulls("month_index")
    )
    return (
        months.join(events, on=["gid", "month_index"], how="left")
        .with_columns(pl.col(c).fill_null(0) for c in ("a", "c", "h"))
        .sort("gid", "month_index")
        .with_columns(pl.col(c).cum_sum().over("gid") for c in ("a", "c", "h"))
        .filter(pl.col("a") > 0)
    )


def rollup(table: SummaryTable, details: pl.DataFrame) -> pl.DataFrame:
    """The rollup rows (one per entity, month and further keys) of detail rows."""
    return (
        details.group_by("entity_id", table.month_column, *table.keys)
        .agg(pl.col(m).sum() for m in table.measures)
        .with_columns(pl.lit(None, dtype=pl.String).alias(d) for d in DIMENSIONS)
    )


def month_ends(conn: Connection, first: Month, last: Month) -> pl.DataFrame:
    """fin_mes, end_day, end_bday of the months first..last, from the `calendar` table."""
    days = [m.last_day for m in first.through(last)]
    rows = conn.execute(
        sa.text("select dia, day_num, bday_num from calendar where dia in :days").bindparams(
            sa.bindparam("days", expanding=True)
        ),
        {"days": [d.isoformat() if conn.dialect.name == "sqlite" else d for d in days]},
    ).all()
    return pl.DataFrame(
        [
            (r[0] if isinstance(r[0], date) else date.fromisoformat(str(r[0])), r[1], r[2])
            for r in rows
        ],
        schema={"fin_mes": pl.Date, "end_day": pl.Int64, "end_bday": pl.Int64},
        orient="row",
    )


def _drop_indexes(conn: Connection) -> list[str]:
    """PostgreSQL: drop the (now empty) summary tables' indexes for the copy; their definitions,
    to create them again after it (one sort each instead of 1.4 million index inserts)."""
    if conn.dialect.name != "postgresql":
        return []
    rows = conn.execute(
        sa.text(
            "select indexname, indexdef from pg_indexes"
            " where schemaname = current_schema() and tablename in :tables"
        ).bindparams(sa.bindparam("tables", expanding=True)),
        {"tables": [t.name for t in TABLES]},
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for name, _ in rows:
        conn.execute(sa.text(f"drop index {quote(str(name))}"))
    return [str(ddl) for _, ddl in rows]


def write_built(conn: Connection, builder: SummaryBuilder, horizon: Month | None) -> None:
    """Replace every summary row with the builder's (the load filled an empty `cases`)."""
    for name in (*(t.name for t in TABLES), "summary_values"):
        conn.execute(sa.text(f"delete from {name}"))  # noqa: S608 - fixed identifiers
    first = builder.first_month()
    if horizon is None or first is None:
        return
    started = time.perf_counter()
    frames = builder.detail_frames(horizon, month_ends(conn, first, horizon))
    computed = time.perf_counter()
    indexes = _drop_indexes(conn)
    for table in TABLES:
        details = frames.get(table.name)
        if details is None or details.height == 0:
            continue
        if table.name == "summary_received":
            copy_into(conn, "summary_values", details.select(DIMENSIONS).unique())
        order = [*GRAIN, table.month_column, *table.keys, *table.measures]
        for part, detalle in ((details, True), (rollup(table, details), False)):
            copy_into(
                conn,
                table.name,
                part.select(order).with_columns(pl.lit(detalle).alias("detalle")),
            )
    for ddl in indexes:
        conn.execute(sa.text(ddl))
    copied = time.perf_counter()
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("analyze " + ", ".join(t.name for t in TABLES)))
    log.info(
        "summaries of a first load: computed in %.2f s, copied in %.2f s, analyzed in %.2f s",
        computed - started,
        copied - computed,
        time.perf_counter() - copied,
    )


def write_summaries_from(conn: Connection, cases: pl.DataFrame) -> None:
    """After loading `cases` (every case there is) into an empty `cases` table: its summaries.
    A no-op while the summaries are not built (`prepare_database` builds them)."""
    limit = summary_limit(conn)
    if limit is None:
        return
    builder = SummaryBuilder(limit)
    builder.add(cases)
    write_built(conn, builder, data_horizon(conn))
