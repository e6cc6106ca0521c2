"""Age on a date X: the aging buckets of the open cases and the case lists an enlace acts on.

The database computes each open case's age on X (`queries/include/age_on_as_of.sql`) and returns
a histogram of ages, or the short list of one entity's cases in an age window.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.common import ordinal
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.filters import NO_FILTERS, CaseFilters
from metrics import aging as aging_metrics
from metrics.period import DayMode


def _age_params(settings: Settings, as_of: date, mode: DayMode) -> dict[str, Any]:
    return {"as_of_on": as_of, "as_of_ordinal": ordinal(settings, as_of, mode), "mode": mode}


def aging_buckets(
    engine: Engine,
    settings: Settings,
    *,
    as_of: date,
    mode: DayMode,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    """Open cases on `as_of` per aging bucket: tramo, orden, casos, vencido (always 6 rows)."""
    ages = run_query(
        engine,
        "cases__aging_histogram",
        {**_age_params(settings, as_of, mode), **filters.as_params()},
        {"edad": pl.Int64(), "casos": pl.Int64()},
    )
    return aging_metrics.aging_buckets(ages, settings.legal_limit_days)


def open_cases(
    engine: Engine,
    settings: Settings,
    *,
    entity_id: str,
    as_of: date,
    mode: DayMode,
    which: str,
) -> pl.DataFrame:
    """One entity's open cases on `as_of`: which = vencidos (age > L), por_vencer (25..L) or
    abiertos (all). Columns `metrics.aging.OPEN_CASES_SCHEMA`, oldest first.

    Case-level: the page guard decides who may call it. ValueError for an unknown `which`.
    """
    min_age, max_age = aging_metrics.age_window(
        which, settings.legal_limit_days, settings.por_vencer_min_age
    )
    rows = run_query(
        engine,
        "open_cases__list",
        {
            **_age_params(settings, as_of, mode),
            "min_age": min_age,
            "max_age": max_age,
            **CaseFilters(entity_ids=(entity_id,)).as_params(),
        },
        aging_metrics.OPEN_ROWS_SCHEMA,
    )
    return aging_metrics.open_case_list(rows)
