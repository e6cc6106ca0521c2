"""Time to close including open cases: Kaplan–Meier per entity (docs/metrics.md §17).

The cohort of period M is the cases received in the COHORT_MONTHS calendar months ending at M
(`metrics.survival.COHORT_MONTHS`). The database returns one histogram row per entity and day
count — closed cases at their `dias`, open cases at their age on `datos_al` — and
`metrics.survival` turns it into the curve, the median and the share closed within L.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.analytics.common import month_window, ordinal
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.filters import NO_FILTERS, CaseFilters
from metrics import survival as km
from metrics.period import Period


def cohort_histogram(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    datos_al: date | None,
    filters: CaseFilters = NO_FILTERS,
    months: int = km.COHORT_MONTHS,
) -> pl.DataFrame:
    """entidad_id, dias, cerrados, abiertos (`metrics.survival.HISTOGRAM_SCHEMA`) of the cases
    received in the window; empty when the database has no data (no datos_al)."""
    if datos_al is None:
        return pl.DataFrame(schema=km.HISTOGRAM_SCHEMA)
    first, last = km.cohort_window(period.month, months)
    params = {
        **month_window(first, last),
        "mode": period.mode,
        "as_of_ordinal": ordinal(settings, datos_al, period.mode),
        **filters.as_params(),
    }
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # ~0.9M cohort cases at 10M: with the default 4 MB of work_mem PostgreSQL scans the
            # whole table in parallel and sorts to group (1.6 s); with 64 MB it reads the cohort
            # through the created_on index and groups in a hash (0.67 s). This query's
            # transaction only (docs/benchmarks.md, "Accountability figures at 10M cases").
            conn.execute(sa.text("set local work_mem = '64MB'"))
        return run_query(conn, "survival__cohort_histogram", params, km.HISTOGRAM_SCHEMA)


def survival_by_entity(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    datos_al: date | None,
    filters: CaseFilters = NO_FILTERS,
    months: int = km.COHORT_MONTHS,
) -> pl.DataFrame:
    """Per entity with cases in the window: `metrics.survival.SUMMARY_SCHEMA` (the estimated
    median including open cases, its status, the share closed within L), by entidad_id."""
    histogram = cohort_histogram(
        engine, settings, period=period, datos_al=datos_al, filters=filters, months=months
    )
    return km.survival_summary(histogram, settings.legal_limit_days)


def survival_curve(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    datos_al: date | None,
    filters: CaseFilters = NO_FILTERS,
    months: int = km.COHORT_MONTHS,
) -> pl.DataFrame:
    """The curve (`metrics.survival.CURVE_SCHEMA`) of every filtered case of the window (with
    one entity in `filters`: that entity's curve)."""
    histogram = cohort_histogram(
        engine, settings, period=period, datos_al=datos_al, filters=filters, months=months
    )
    return km.survival_curve(histogram)
