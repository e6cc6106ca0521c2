"""Short calls of the analytics API for tests: months and modes written as text, the data's dates
read from the database, the keyword-only arguments of `cac311.analytics` filled in.

The product parses a month once at its boundary (URL, command line) and passes `Period` values;
tests write "2026-10" and "habiles" inline, so this module parses them for the test bodies.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics import closures, directory, imports, monthly, open_cases
from cac311.analytics.dates import data_dates
from cac311.config import Settings
from cac311.filters import NO_FILTERS, CaseFilters
from metrics.period import DayMode, Month, Period


def period(month: str, mode: str = "calendario") -> Period:
    return Period(Month.parse(month), DayMode.parse(mode))


def monthly_table(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: str = "calendario",
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    return monthly.monthly_table(
        engine, settings, period=period(month, mode), dates=data_dates(engine), filters=filters
    )


def ranking(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: str = "calendario",
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    return monthly.ranking(engine, settings, period=period(month, mode), filters=filters)


def monthly_trend(  # noqa: PLR0917 - mirrors the page's question in one line
    engine: Engine,
    settings: Settings,
    end_month: str,
    months: int,
    mode: str = "calendario",
    filters: CaseFilters = NO_FILTERS,
    split_by: str | None = None,
) -> pl.DataFrame:
    return monthly.monthly_trend(
        engine,
        settings,
        period=period(end_month, mode),
        months=months,
        dates=data_dates(engine),
        filters=filters,
        split_by=split_by,
    )


def trend_and_deltas(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: str = "calendario",
    filters: CaseFilters = NO_FILTERS,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    return monthly.trend_and_deltas(
        engine, settings, period=period(month, mode), dates=data_dates(engine), filters=filters
    )


def kpi_deltas(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: str = "calendario",
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    return monthly.trend_and_deltas(
        engine, settings, period=period(month, mode), dates=data_dates(engine), filters=filters
    )[1]


def breakdown(  # noqa: PLR0917
    engine: Engine,
    settings: Settings,
    month: str,
    mode: str,
    by: str,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    return monthly.breakdown(engine, settings, period=period(month, mode), by=by, filters=filters)


def aging_buckets(
    engine: Engine,
    settings: Settings,
    as_of: date,
    mode: str,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    return open_cases.aging_buckets(
        engine, settings, as_of=as_of, mode=DayMode.parse(mode), filters=filters
    )


def open_case_list(  # noqa: PLR0917
    engine: Engine, settings: Settings, entity_id: str, as_of: date, mode: str, which: str
) -> pl.DataFrame:
    return open_cases.open_cases(
        engine, settings, entity_id=entity_id, as_of=as_of, mode=DayMode.parse(mode), which=which
    )


def days_distribution(
    engine: Engine, month: str, mode: str, filters: CaseFilters = NO_FILTERS
) -> pl.DataFrame:
    return closures.days_distribution(engine, period=period(month, mode), filters=filters)


def sla_clock(
    engine: Engine, month: str, mode: str, filters: CaseFilters = NO_FILTERS
) -> pl.DataFrame:
    return closures.sla_clock(engine, period=period(month, mode), filters=filters)


def same_minute_closures(engine: Engine, month: str) -> pl.DataFrame:
    return closures.same_minute_closures(engine, month=Month.parse(month))


def directory_freshness(engine: Engine, settings: Settings, as_of: date) -> pl.DataFrame:
    return directory.directory_freshness(engine, settings, as_of=as_of)


def entity_freshness(engine: Engine, settings: Settings, as_of: date) -> pl.DataFrame:
    return directory.entity_freshness(engine, settings, as_of=as_of)


def stale_and_breaching(
    engine: Engine, settings: Settings, month: str, mode: str, as_of: date
) -> pl.DataFrame:
    return directory.stale_and_breaching(engine, settings, period=period(month, mode), as_of=as_of)


def press_releases(engine: Engine, month: str, filters: CaseFilters = NO_FILTERS) -> pl.DataFrame:
    return directory.press_releases(engine, month=Month.parse(month), filters=filters)


def import_batches(engine: Engine) -> pl.DataFrame:
    return imports.import_batches(engine)


def quarantine_by_reason(engine: Engine, batch_id: int | None = None) -> pl.DataFrame:
    return imports.quarantine_by_reason(engine, batch_id=batch_id)


def quarantine_rows(engine: Engine, batch_id: int) -> pl.DataFrame:
    return imports.quarantine_rows(engine, batch_id=batch_id)
