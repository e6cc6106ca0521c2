"""`cac311 db check`: are the monthly summaries equal to the cases?

Every stored summary row is compared with the row the cases give now: the detail rows with a
fresh run of the summaries' own row queries over every month from the first case's to the
horizon (`queries/summaries__*_rows.sql`), six months at a time, the rollup rows with the sums
of those per entity; a row outside those months is a difference too.
A row missing on either side counts as zeros there. One Spanish line per difference, naming
the table, the month and the grain, and the stored and expected counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.db.queries import _bind_value, coerce, run_query
from cac311.db.summaries import (
    DIMENSIONS,
    GRAIN,
    TABLES,
    SummaryTable,
    all_months,
    month_runs,
    summary_limit,
)
from metrics.period import Month

_TYPES: dict[str, pl.DataType] = {
    "entity_id": pl.String(),
    "case_type": pl.String(),
    "channel": pl.String(),
    "province": pl.String(),
    "detalle": pl.Boolean(),
    "mes": pl.Int64(),
    "fin_mes": pl.Date(),
    "dias_calendario": pl.Int64(),
    "dias_habiles": pl.Int64(),
}


@dataclass(frozen=True)
class CheckResult:
    """The differences found (one line each) and how many rows were compared."""

    differences: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.differences


def _schema(table: SummaryTable, *, with_detalle: bool) -> dict[str, pl.DataType]:
    keys = [c for c in table.key_columns if with_detalle or c != "detalle"]
    return {**{c: _TYPES[c] for c in keys}, **{m: pl.Int64() for m in table.measures}}


def expected_rows(
    conn: Connection, table: SummaryTable, legal_limit: int, first: Month, last: Month
) -> pl.DataFrame:
    """The rows `table` should hold for the months first..last, from the cases (detail and
    rollup)."""
    schema = _schema(table, with_detalle=False)
    details = run_query(conn, table.rows_query, table.window(first, last, legal_limit), schema)
    group = ["entity_id", table.month_column, *table.keys]
    rollups = (
        details.group_by(group)
        .agg(pl.col(m).sum() for m in table.measures)
        .with_columns(pl.lit(None, dtype=pl.String).alias(d) for d in DIMENSIONS)
    )
    order = [*GRAIN, table.month_column, *table.keys, *table.measures]
    return pl.concat(
        [
            details.select(order).with_columns(pl.lit(True).alias("detalle")),
            rollups.select(order).with_columns(pl.lit(False).alias("detalle")),
        ]
    ).select(list(_schema(table, with_detalle=True)))


def stored_rows(
    conn: Connection, table: SummaryTable, first: Month | None, last: Month | None
) -> pl.DataFrame:
    """The rows of `table` for the months first..last; (None, None): the rows outside every
    month with cases (there should be none)."""
    schema = _schema(table, with_detalle=True)
    columns = ", ".join(schema)
    month = table.month_column
    if first is not None and last is not None:
        where = f"{month} between :lo and :hi"
        params = {"lo": table.month_value(first), "hi": table.month_value(last)}
    else:
        months = all_months(conn)
        if not months:
            where, params = "1 = 1", {}
        else:
            where = f"{month} < :lo or {month} > :hi"
            params = {"lo": table.month_value(months[0]), "hi": table.month_value(months[-1])}
    dialect = conn.dialect.name
    frame = pl.read_database(
        sa.text(f"select {columns} from {table.name} where {where}"),  # noqa: S608 - fixed names
        conn,
        execute_options={"parameters": {k: _bind_value(v, dialect) for k, v in params.items()}},
        infer_schema_length=None,
    )
    if frame.height == 0:
        return pl.DataFrame(schema=schema)
    return coerce(frame, schema)


def _label(table: SummaryTable, row: dict[str, object]) -> str:
    month = row[table.month_column]
    when = month.isoformat() if isinstance(month, date) else str(Month(int(str(month))))
    if row["detalle"]:
        grain = "/".join(str(row[c]) if row[c] is not None else "(sin dato)" for c in GRAIN)
    else:
        grain = f"{row['entity_id']} (total de la entidad)"
    extra = "".join(f" {k}={row[k]}" for k in table.keys)
    return f"{table.name} {when} {grain}{extra}"


def compare(table: SummaryTable, stored: pl.DataFrame, expected: pl.DataFrame) -> list[str]:
    """One line per row whose counts differ (a missing row counts as zeros)."""
    keys = list(table.key_columns)
    joined = stored.join(
        expected, on=keys, how="full", coalesce=True, nulls_equal=True, suffix="_casos"
    ).with_columns(pl.col(m).fill_null(0) for m in table.measures)
    joined = joined.with_columns(pl.col(f"{m}_casos").fill_null(0) for m in table.measures)
    differs = pl.any_horizontal(pl.col(m) != pl.col(f"{m}_casos") for m in table.measures)
    lines = []
    for row in joined.filter(differs).sort(keys, nulls_last=True).iter_rows(named=True):
        counts = "; ".join(
            f"{m} {row[m]} en el resumen, {row[m + '_casos']} en los casos"
            for m in table.measures
            if row[m] != row[m + "_casos"]
        )
        lines.append(f"{_label(table, row)}: {counts}")
    return lines


def check_summaries(engine: Engine) -> CheckResult:
    """Compare every summary row with the cases (read only; one transaction, one snapshot)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("set transaction isolation level repeatable read"))
            conn.execute(sa.text("set local work_mem = '256MB'"))  # hash aggregates in memory
        limit = summary_limit(conn)
        if limit is None:
            return CheckResult(
                ["Los resúmenes mensuales no están construidos: ejecute cac311 db upgrade."]
            )
        differences: list[str] = []
        rows = 0
        # Run by run (six months at most), so memory stays bounded whatever the data's size.
        for table in TABLES:
            outside = stored_rows(conn, table, None, None)
            differences.extend(compare(table, outside, outside.clear()))
            rows += outside.height
            for first, last in month_runs(all_months(conn)):
                stored = stored_rows(conn, table, first, last)
                expected = expected_rows(conn, table, limit, first, last)
                rows += max(stored.height, expected.height)
                differences.extend(compare(table, stored, expected))
        differences.extend(_compare_values(conn))
    return CheckResult(differences, rows)


def _compare_values(conn: Connection) -> list[str]:
    """`summary_values` against the cases' distinct (case type, channel, province)."""
    schema = {c: pl.String() for c in DIMENSIONS}
    stored = run_query(conn, "summaries__filter_values", {}, schema)
    expected = run_query(conn, "cases__filter_values", {}, schema)
    keys = list(DIMENSIONS)
    lines = []
    for frame, where in ((stored, "en el resumen"), (expected, "en los casos")):
        other = expected if frame is stored else stored
        extra = frame.join(other, on=keys, how="anti", nulls_equal=True).unique()
        for row in extra.sort(keys, nulls_last=True).iter_rows():
            shown = "/".join(v if v is not None else "(sin dato)" for v in row)
            lines.append(f"summary_values {shown}: solo {where}")
    return lines
