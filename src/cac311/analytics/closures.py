"""Cases closed in a month: distribution of days, service SLA clock, same-minute closures."""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.common import month_window
from cac311.analytics.monthly import closed_histogram
from cac311.db.queries import run_query
from cac311.filters import NO_FILTERS, CaseFilters
from metrics import quality as quality_metrics
from metrics import sla as sla_metrics
from metrics.period import Month, Period

DAYS_SCHEMA: dict[str, pl.DataType] = {"dias": pl.Int64(), "casos": pl.Int64()}


def days_distribution(
    engine: Engine, *, period: Period, filters: CaseFilters = NO_FILTERS
) -> pl.DataFrame:
    """Cases closed in M per day count: dias, casos (only day counts with cases), by dias.

    The closed-cases histogram of the monthly family, in one group."""
    histogram = closed_histogram(
        engine,
        first=period.month,
        last=period.month,
        mode=period.mode,
        filters=filters,
        group_by=None,
    )
    return histogram.select(list(DAYS_SCHEMA)).sort("dias")


def sla_clock(engine: Engine, *, period: Period, filters: CaseFilters = NO_FILTERS) -> pl.DataFrame:
    """Service SLA clock for cases closed in M: entidad_id, cerrados_con_sla, dentro_sla,
    pct_dentro_sla (cases without sla_days left out; never mixed with the legal limit)."""
    counts = run_query(
        engine,
        "cases__sla_closed_by_entity",
        {**month_window(period.month), "mode": period.mode, **filters.as_params()},
        {"entidad_id": pl.String(), "cerrados_con_sla": pl.Int64(), "dentro_sla": pl.Int64()},
    )
    return sla_metrics.sla_clock(counts)


def same_minute_closures(engine: Engine, *, month: Month) -> pl.DataFrame:
    """Cases closed in M less than 60 s after creation, per entity with closures in M:
    entidad_id, entidad, cerrados, mismo_minuto, pct_mismo_minuto."""
    counts = run_query(
        engine,
        "quality__same_minute_closures",
        month_window(month),
        {
            "entidad_id": pl.String(),
            "entidad": pl.String(),
            "cerrados": pl.Int64(),
            "mismo_minuto": pl.Int64(),
        },
    )
    return quality_metrics.same_minute_share(counts)
