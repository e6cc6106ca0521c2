"""Early-warning flags per entity (docs/metrics.md §16): the monthly family's índice counts per
entity and month, through `metrics.early_warning`.

The counts are the monthly trend split by entity (`monthly.monthly_trend`: the summaries when
they can answer, so entities × months, never the cases) over every month from the first month
with data to M, in M's day-count mode — the índice, and so every flag, depends on the mode. The
state machine starts at the first month with data, so an entity's state in a month does not
depend on which month is being looked at.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.dates import DataDates
from cac311.analytics.monthly import monthly_trend
from cac311.config import Settings
from cac311.filters import NO_FILTERS, CaseFilters
from metrics.early_warning import EARLY_WARNING_SCHEMA, early_warning
from metrics.months import parse_month
from metrics.period import Month, Period


def _first_month(dates: DataDates) -> Month | None:
    months = dates.months
    return months[0] if months else None


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
    span = len(first.through(period.month))
    trend = monthly_trend(
        engine,
        settings,
        period=period,
        months=span,
        dates=dates,
        filters=filters,
        split_by="entity_id",
    )
    complete = {m.yyyymm: m.is_complete(dates.datos_al) for m in first.through(period.month)}
    counts = trend.select(
        pl.col("grupo").alias("entidad_id"),
        pl.col("periodo").map_elements(parse_month, return_dtype=pl.Int64).alias("mes"),
        (pl.col("cerrados") + pl.col("vencidos_fin_mes")).alias("n"),
        pl.col("cerrados_en_plazo").alias("x"),
    ).with_columns(pl.col("mes").replace_strict(complete, return_dtype=pl.Boolean).alias("madura"))
    return early_warning(counts)
