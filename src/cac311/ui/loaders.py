"""Every cached data access of the dashboard (the only module with `st.cache_*`).

A loader takes plain hashable values only — a `Source` (database URL, settings and the data's
facts: dates and import stamp), a `Period`, `CaseFilters`, dates — never engines or widgets, so
the cache key is exactly the question asked *of that state of the data*. The page guard reads the
facts once per run (`data_facts`, not cached: two queries answered from indexes) and every figure
of the page is asked with them: after an import the key changes, so a page never mixes new
figures with an old "Datos al" stamp or the other way round.

Each loader opens nothing itself: it gets the shared read-only engine of the URL (`read_engine`,
one per process) and calls `cac311.analytics`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from cac311.analytics import closures, directory, imports, monthly, open_cases
from cac311.analytics import early_warning as early_warning_family
from cac311.analytics.dates import DataDates, DataFacts, data_facts
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.queries import run_query
from cac311.db.summaries import summary_limit
from cac311.export.publication import Bundle, build_bundle
from cac311.filters import CaseFilters
from cac311.publishing.calendar_view import CalendarView, calendar_view
from cac311.ui import bootstrap
from metrics.funnel import funnel_limits as _funnel_limits
from metrics.period import DayMode, Month, Period

TTL_SECONDS = 600


@dataclass(frozen=True)
class Source:
    """Which data a figure is computed from: the database, the rules, and its state."""

    url: str
    settings: Settings
    facts: DataFacts

    @property
    def dates(self) -> DataDates:
        return self.facts.dates

    @property
    def datos_al(self) -> date | None:
        return self.facts.datos_al


@dataclass(frozen=True)
class FilterOptions:
    """The values the sidebar offers: (code, name, sector) entities and the distinct codes."""

    entities: tuple[tuple[str, str, str], ...] = ()
    sectors: tuple[str, ...] = ()
    case_types: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()

    def entity_name(self, entity_id: str) -> str:
        for code, name, _sector in self.entities:
            if code == entity_id:
                return name
        return entity_id

    def entity_sector(self, entity_id: str) -> str:
        for code, _name, sector in self.entities:
            if code == entity_id:
                return sector
        return ""


@st.cache_resource(ttl=3600, show_spinner=False)
def read_engine(url: str) -> Engine:
    """The dashboard's read-only engine for `url` (one per process and URL)."""
    return make_engine(url, read_only=True, application_name="cac311-tablero")


def clear_all() -> None:
    """Forget every cached frame (after the first-start demo fill)."""
    st.cache_data.clear()


@st.cache_data(ttl=60, show_spinner=False)
def schema_ready(url: str) -> bool:
    """True when the database has been migrated (never migrates: that is the CLI's job on PG)."""
    return bootstrap.has_schema(read_engine(url))


def current_facts(url: str) -> DataFacts:
    """The data's dates and import stamp, read afresh on every page run (not cached)."""
    return data_facts(read_engine(url))


_FILTER_VALUES_SCHEMA: dict[str, pl.DataType] = {
    "case_type": pl.String(),
    "channel": pl.String(),
    "province": pl.String(),
}


def _distinct(values: pl.DataFrame, column: str) -> tuple[str, ...]:
    return tuple(sorted(v for v in values[column].unique().to_list() if v is not None))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def filter_options(source: Source) -> FilterOptions:
    engine = read_engine(source.url)
    entities = monthly.entities(engine)
    # The summaries hold every combination in a few thousand rows; the cases need a full scan.
    built = summary_limit(engine) is not None
    query = "summaries__filter_values" if built else "cases__filter_values"
    values = run_query(engine, query, {}, _FILTER_VALUES_SCHEMA)
    return FilterOptions(
        entities=tuple(
            (str(r["entity_id"]), str(r["name"]), str(r["sector"] or ""))
            for r in entities.iter_rows(named=True)
        ),
        sectors=tuple(sorted({str(s) for s in entities["sector"].to_list() if s})),
        case_types=_distinct(values, "case_type"),
        channels=_distinct(values, "channel"),
        provinces=_distinct(values, "province"),
    )


# --- the monthly family (publication table, ranking, trends, deltas, breakdowns) ------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def trend_and_deltas(
    source: Source, period: Period, filters: CaseFilters
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The 13-month trend and the KPI deltas of `period`, from one set of aggregates."""
    return monthly.trend_and_deltas(
        read_engine(source.url),
        source.settings,
        period=period,
        dates=source.dates,
        filters=filters,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def monthly_table(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    return monthly.monthly_table(
        read_engine(source.url), source.settings, period=period, dates=source.dates, filters=filters
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def ranking(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    return monthly.ranking(read_engine(source.url), source.settings, period=period, filters=filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def monthly_trend(
    source: Source, period: Period, months: int, filters: CaseFilters, split_by: str | None
) -> pl.DataFrame:
    """`months` months ending at the period's month, split by a column (None: one total)."""
    if months == monthly.KPI_TREND_MONTHS and split_by is None:
        return trend_and_deltas(source, period, filters)[0]
    return monthly.monthly_trend(
        read_engine(source.url),
        source.settings,
        period=period,
        months=months,
        dates=source.dates,
        filters=filters,
        split_by=split_by,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def early_warning(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    """Early-warning flags per entity and month up to the period's month (docs/metrics.md §16)."""
    return early_warning_family.entity_flags(
        read_engine(source.url), source.settings, period=period, dates=source.dates, filters=filters
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def breakdown(source: Source, period: Period, by: str, filters: CaseFilters) -> pl.DataFrame:
    return monthly.breakdown(
        read_engine(source.url), source.settings, period=period, by=by, filters=filters
    )


def funnel_limits(rate: float, n_max: int) -> pl.DataFrame:
    """Pure and cheap: not cached."""
    return _funnel_limits(rate, n_max)


# --- age on a date, closures ---------------------------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def aging_buckets(source: Source, as_of: date, mode: DayMode, filters: CaseFilters) -> pl.DataFrame:
    return open_cases.aging_buckets(
        read_engine(source.url), source.settings, as_of=as_of, mode=mode, filters=filters
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def open_case_list(
    source: Source, entity_id: str, as_of: date, mode: DayMode, which: str
) -> pl.DataFrame:
    """Case-level: the page must check `identity.can_see_cases_of(entity_id)` first."""
    return open_cases.open_cases(
        read_engine(source.url),
        source.settings,
        entity_id=entity_id,
        as_of=as_of,
        mode=mode,
        which=which,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def days_distribution(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    return closures.days_distribution(read_engine(source.url), period=period, filters=filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def sla_clock(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    return closures.sla_clock(read_engine(source.url), period=period, filters=filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def same_minute_closures(source: Source, month: Month) -> pl.DataFrame:
    return closures.same_minute_closures(read_engine(source.url), month=month)


# --- directory and press releases ------------------------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def directory_freshness(source: Source, as_of: date) -> pl.DataFrame:
    return directory.directory_freshness(read_engine(source.url), source.settings, as_of=as_of)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def entity_freshness(source: Source, as_of: date) -> pl.DataFrame:
    return directory.entity_freshness(read_engine(source.url), source.settings, as_of=as_of)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def stale_and_breaching(source: Source, period: Period, as_of: date) -> pl.DataFrame:
    return directory.stale_and_breaching(
        read_engine(source.url), source.settings, period=period, as_of=as_of
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def press_releases(source: Source, month: Month, filters: CaseFilters) -> pl.DataFrame:
    return directory.press_releases(read_engine(source.url), month=month, filters=filters)


# --- imports and the publication -------------------------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def import_batches(source: Source) -> pl.DataFrame:
    return imports.import_batches(read_engine(source.url))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def quarantine_by_reason(source: Source, batch_id: int | None) -> pl.DataFrame:
    return imports.quarantine_by_reason(read_engine(source.url), batch_id=batch_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def quarantine_rows(source: Source, batch_id: int) -> pl.DataFrame:
    return imports.quarantine_rows(read_engine(source.url), batch_id=batch_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def publication_bundle(source: Source, period: Period, allow_partial: bool) -> Bundle:
    """The publication of `period` — the same `build_bundle` the CLI writes (same bytes)."""
    return build_bundle(
        read_engine(source.url),
        source.settings,
        period=period,
        allow_partial=allow_partial,
        dates=source.dates,
    )


# --- publication calendar (issue 15) ------------------------------------------------------------


@st.cache_data(ttl=60, show_spinner=False)
def publication_calendar(source: Source, today: date) -> CalendarView:
    """The 12-month publication calendar on `today` (cleared when a publication is recorded)."""
    first = source.facts.months[0] if source.facts.months else None
    return calendar_view(read_engine(source.url), source.settings, today, first)


# --- import warnings (descriptive values stored differently from the file) -------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def import_warnings_by_code(source: Source, batch_id: int | None) -> pl.DataFrame:
    return imports.warnings_by_code(read_engine(source.url), batch_id=batch_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def import_warning_rows(source: Source, batch_id: int) -> pl.DataFrame:
    return imports.warning_rows(read_engine(source.url), batch_id=batch_id)
