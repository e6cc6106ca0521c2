"""Early-warning flags per entity (docs/metrics.md §16): the índice counts per entity and
month, through `metrics.early_warning`.

The counts are the monthly family's (the summaries when they can answer, else the cases) over
every month from the first month with data to M, in M's day-count mode — the índice, and so every
flag, depends on the mode. Only what the índice needs travels: cerrados and cerrados en plazo
summed in the database (`*__closed_in_time_by_month`), vencidos at each month end, and the
received counts for the set of entities — the day histogram `monthly_trend` would read is ~170,000
rows at 10M cases (docs/benchmarks.md). The state machine starts at the first month with data,
so an entity's state in a month does not depend on which month is being looked at.
"""

from __future__ import annotations

from typing import Any, Final

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics import monthly
from cac311.analytics.common import group_month_grid, month_window
from cac311.analytics.dates import DataDates
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.filters import NO_FILTERS, CaseFilters
from metrics.early_warning import EARLY_WARNING_SCHEMA, early_warning
from metrics.period import DayMode, Month, Period

CLOSED_IN_TIME_SCHEMA: Final[dict[str, pl.DataType]] = {
    "grupo": pl.String(),
    "mes": pl.Int64(),
    "cerrados": pl.Int64(),
    "cerrados_en_plazo": pl.Int64(),
}


def _first_month(dates: DataDates) -> Month | None:
    months = dates.months
    return months[0] if months else None


def index_counts(
    engine: Engine,
    settings: Settings,
    *,
    months: list[Month],
    mode: DayMode,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    """Per entity with any case received, closed or open at a month end in `months`, and per
    month: entidad_id, mes, cerrados, cerrados_en_plazo, vencidos_fin_mes (zeros where nothing
    happened) — the same counts `monthly.monthly_trend(split_by="entity_id")` gives."""
    first, last = months[0], months[-1]
    limit = settings.legal_limit_days
    source = monthly.source_for(engine, limit, filters, "entity_id", last)
    params = {**source.params(filters, "entity_id"), "mode": mode}
    window: dict[str, Any]
    if source.summaries:
        name, window = "summaries__closed_in_time_by_month", monthly.summary_months(first, last)
    else:
        name, window = "cases__closed_in_time_by_month", dict(month_window(first, last))
    closed = run_query(
        engine, name, {**params, **window, "legal_limit": limit}, CLOSED_IN_TIME_SCHEMA
    )
    received = monthly.received_counts(engine, source, params, first=first, last=last, limit=limit)
    ends = monthly.open_end_counts(engine, source, params, first=first, last=last, limit=limit)
    groups = sorted(set(received["grupo"]) | set(closed["grupo"]) | set(ends["grupo"]))
    counts = (
        group_month_grid(groups, months)
        .join(closed, on=["grupo", "mes"], how="left")
        .join(ends.select("grupo", "mes", "vencidos_fin_mes"), on=["grupo", "mes"], how="left")
    )
    return counts.select(
        pl.col("grupo").alias("entidad_id"),
        "mes",
        *(pl.col(c).fill_null(0) for c in ("cerrados", "cerrados_en_plazo", "vencidos_fin_mes")),
    )


def entity_flags(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    dates: DataDates,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    """The early-warning frame (`metrics.early_warning.EARLY_WARNING_SCHEMA`) of every entity
    with activity, for each month from the first month with data to M (sorted by entidad_id,
    mes); empty when there is no data up to M."""
    first = _first_month(dates)
    if first is None or first > period.month:
        return pl.DataFrame(schema=EARLY_WARNING_SCHEMA)
    months = first.through(period.month)
    complete = {m.yyyymm: m.is_complete(dates.datos_al) for m in months}
    found = index_counts(engine, settings, months=months, mode=period.mode, filters=filters)
    counts = found.select(
        "entidad_id",
        "mes",
        (pl.col("cerrados") + pl.col("vencidos_fin_mes")).alias("n"),
        pl.col("cerrados_en_plazo").alias("x"),
    ).with_columns(pl.col("mes").replace_strict(complete, return_dtype=pl.Boolean).alias("madura"))
    return early_warning(counts)
