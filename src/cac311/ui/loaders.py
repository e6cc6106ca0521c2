"""Every cached data access of the dashboard (the only module with `st.cache_*`).

Loaders take plain values only — the database URL (str), month ("YYYY-MM"), day-count mode (str),
`CaseFilters` (a hashable frozen dataclass), dates — never engines or widgets, so the cache key is
exactly the question asked. Each one opens nothing itself: it gets the shared read-only engine of
the URL (`read_engine`, one per process) and calls `cac311.analytics` / `analytics_ops`. Results are
kept for `TTL_SECONDS`; after an import the admin page calls `clear_all()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from cac311 import analytics, analytics_ops, import_quality
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.queries import run_query
from cac311.export.publication import Bundle, build_bundle
from cac311.filters import CaseFilters
from cac311.ui import bootstrap

TTL_SECONDS = 600


@dataclass(frozen=True)
class DatabaseFacts:
    """What every page needs to know about the data before asking anything else."""

    datos_al: date | None
    months: tuple[str, ...]
    is_demo: bool
    has_batches: bool

    @property
    def has_cases(self) -> bool:
        return self.datos_al is not None and bool(self.months)


@dataclass(frozen=True)
class FilterOptions:
    """The values the sidebar offers: (code, name, sector) entities and the distinct codes."""

    entities: tuple[tuple[str, str, str], ...]
    sectors: tuple[str, ...]
    case_types: tuple[str, ...]
    channels: tuple[str, ...]
    provinces: tuple[str, ...]

    def entity_name(self, entity_id: str) -> str:
        for code, name, _sector in self.entities:
            if code == entity_id:
                return name
        return entity_id


def settings() -> Settings:
    """The product settings (environment; cheap, so not cached)."""
    return Settings.from_env()


@st.cache_resource(ttl=3600, show_spinner=False)
def read_engine(url: str) -> Engine:
    """The dashboard's read-only engine for `url` (one per process and URL)."""
    return make_engine(url, read_only=True, application_name="cac311-tablero")


def clear_all() -> None:
    """Forget every cached frame (after an import or the first-start demo fill)."""
    st.cache_data.clear()


@st.cache_data(ttl=60, show_spinner=False)
def schema_ready(url: str) -> bool:
    """True when the database has been migrated (never migrates: that is the CLI's job on PG)."""
    return bootstrap.has_schema(read_engine(url))


@st.cache_data(ttl=60, show_spinner=False)
def database_facts(url: str) -> DatabaseFacts:
    engine = read_engine(url)
    batches = analytics_ops.import_batches(engine)
    dates = analytics.data_dates(engine)
    return DatabaseFacts(
        datos_al=dates.datos_al,
        months=tuple(dates.months),
        is_demo=bool(batches.height and batches["is_demo"].any()),
        has_batches=batches.height > 0,
    )


_FILTER_VALUES_SCHEMA: dict[str, pl.DataType] = {
    "case_type": pl.String(),
    "channel": pl.String(),
    "province": pl.String(),
}


def _distinct(values: pl.DataFrame, column: str) -> tuple[str, ...]:
    return tuple(sorted(v for v in values[column].unique().to_list() if v is not None))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def filter_options(url: str) -> FilterOptions:
    engine = read_engine(url)
    entities = run_query(
        engine,
        "entities__list",
        {},
        {
            "entity_id": pl.String(),
            "name": pl.String(),
            "sector": pl.String(),
            "active": pl.Boolean(),
        },
    )
    facts = database_facts(url)
    case_types: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    if facts.has_cases:
        values = run_query(engine, "cases__filter_values", {}, _FILTER_VALUES_SCHEMA)
        case_types = _distinct(values, "case_type")
        channels = _distinct(values, "channel")
        provinces = _distinct(values, "province")
    return FilterOptions(
        entities=tuple(
            (str(r["entity_id"]), str(r["name"]), str(r["sector"] or ""))
            for r in entities.iter_rows(named=True)
        ),
        sectors=tuple(sorted({str(s) for s in entities["sector"].to_list() if s})),
        case_types=case_types,
        channels=channels,
        provinces=provinces,
    )


# --- analytics (national / per entity figures) ---------------------------------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _trend_and_deltas(
    url: str, month: str, mode: str, filters: CaseFilters
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The 13-month national trend and the KPI deltas from one set of aggregates (both are on
    Resumen; computing the 13 months once halves its cold time — docs/benchmarks.md)."""
    return analytics.trend_and_deltas(read_engine(url), settings(), month, mode, filters)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def kpi_deltas(url: str, month: str, mode: str, filters: CaseFilters) -> pl.DataFrame:
    return _trend_and_deltas(url, month, mode, filters)[1]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def monthly_table(url: str, month: str, mode: str, filters: CaseFilters) -> pl.DataFrame:
    return analytics.monthly_table(read_engine(url), settings(), month, mode, filters)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def ranking(url: str, month: str, mode: str, filters: CaseFilters) -> pl.DataFrame:
    return analytics.ranking(read_engine(url), settings(), month, mode, filters)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def monthly_trend(  # noqa: PLR0917 - mirrors analytics.monthly_trend
    url: str,
    end_month: str,
    months: int,
    mode: str,
    filters: CaseFilters,
    split_by: str | None = None,
) -> pl.DataFrame:
    if months == analytics.KPI_TREND_MONTHS and split_by is None:
        return _trend_and_deltas(url, end_month, mode, filters)[0]
    return analytics.monthly_trend(
        read_engine(url),
        settings(),
        end_month,
        months,
        mode,  # type: ignore[arg-type]
        filters,
        split_by=split_by,
    )


def funnel_limits(rate: float, n_max: int) -> pl.DataFrame:
    """Pure and cheap: not cached."""
    return analytics.funnel_limits(rate, n_max)


# --- operations (aging, lists, breakdowns, directory, releases, quality) --------------------


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def aging_buckets(url: str, as_of: date, mode: str, filters: CaseFilters) -> pl.DataFrame:
    return analytics_ops.aging_buckets(read_engine(url), settings(), as_of, mode, filters)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def open_cases(url: str, entity_id: str, as_of: date, mode: str, which: str) -> pl.DataFrame:
    """Case-level: the page must check `identity.can_see_cases_of(entity_id)` first."""
    return analytics_ops.open_cases(read_engine(url), settings(), entity_id, as_of, mode, which)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def days_distribution(url: str, month: str, mode: str, filters: CaseFilters) -> pl.DataFrame:
    return analytics_ops.days_distribution(read_engine(url), settings(), month, mode, filters)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def breakdown(url: str, month: str, mode: str, by: str, filters: CaseFilters) -> pl.DataFrame:
    return analytics_ops.breakdown(read_engine(url), settings(), month, mode, by, filters)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def sla_clock(url: str, month: str, mode: str, filters: CaseFilters) -> pl.DataFrame:
    return analytics_ops.sla_clock(read_engine(url), settings(), month, mode, filters)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def directory_freshness(url: str, as_of: date) -> pl.DataFrame:
    return analytics_ops.directory_freshness(read_engine(url), settings(), as_of)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def entity_freshness(url: str, as_of: date) -> pl.DataFrame:
    return analytics_ops.entity_freshness(read_engine(url), settings(), as_of)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def stale_and_breaching(url: str, month: str, mode: str, as_of: date) -> pl.DataFrame:
    return analytics_ops.stale_and_breaching(read_engine(url), settings(), month, mode, as_of)  # type: ignore[arg-type]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def press_releases(url: str, month: str, filters: CaseFilters) -> pl.DataFrame:
    return analytics_ops.press_releases(read_engine(url), settings(), month, filters)


@st.cache_data(ttl=60, show_spinner=False)
def import_batches(url: str) -> pl.DataFrame:
    return analytics_ops.import_batches(read_engine(url))


@st.cache_data(ttl=60, show_spinner=False)
def quarantine_by_reason(url: str, batch_id: int | None) -> pl.DataFrame:
    return analytics_ops.quarantine_by_reason(read_engine(url), batch_id)


@st.cache_data(ttl=60, show_spinner=False)
def quarantine_rows(url: str, batch_id: int) -> pl.DataFrame:
    return analytics_ops.quarantine_rows(read_engine(url), batch_id)


@st.cache_data(ttl=60, show_spinner=False)
def import_warnings_by_code(url: str, batch_id: int | None) -> pl.DataFrame:
    return import_quality.warnings_by_code(read_engine(url), batch_id)


@st.cache_data(ttl=60, show_spinner=False)
def import_warning_rows(url: str, batch_id: int) -> pl.DataFrame:
    return import_quality.warning_rows(read_engine(url), batch_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def same_minute_closures(url: str, month: str) -> pl.DataFrame:
    return analytics_ops.same_minute_closures(read_engine(url), settings(), month)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def publication_bundle(url: str, month: str, mode: str, allow_partial: bool) -> Bundle:
    """The publication of `month` — the same `build_bundle` the CLI writes (same bytes)."""
    return build_bundle(read_engine(url), settings(), month, mode, allow_partial)


# --- admin pages (Calidad de datos) ---------------------------------------------------------


@st.cache_data(ttl=60, show_spinner=False)
def data_dates(url: str) -> analytics.DataDates:
    """First/last local creation date and last local closing date (Calidad de datos)."""
    return analytics.data_dates(read_engine(url))
