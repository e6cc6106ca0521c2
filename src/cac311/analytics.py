"""Analytics API (docs: team ANALYTICS_API.md, `cac311.analytics`): SQL aggregates + pure metrics.

Every function takes the engine and settings first, then plain values, and never reads the clock.
The database filters and groups (`queries/cases__*.sql`: counts by month received, histograms of
day counts by month closed, open/overdue counts at month ends); `metrics` turns those small
frames into the figures of SPEC §3.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy.engine import Engine

from cac311.arguments import mode_arg, month_arg, working_calendar
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.filters import CaseFilters
from metrics.daycount import DayMode
from metrics.deltas import kpi_changes
from metrics.funnel import funnel_limits
from metrics.monthly import cohort_is_mature, collapse_groups, monthly_figures
from metrics.months import (
    add_months,
    first_day,
    last_day,
    month_label,
    month_of,
    month_range,
)
from metrics.publication import (
    PUBLICATION_COLUMNS,
    PUBLICATION_SCHEMA,
    RANKING_COLUMNS,
    TOTAL_ID,
    TOTAL_NAME,
    TREND_COLUMNS,
    publication_table,
    ranking_table,
    trend_table,
)
from metrics.ranking import rank_entities

__all__ = [
    "KPI_TREND_MONTHS",
    "PUBLICATION_COLUMNS",
    "PUBLICATION_SCHEMA",
    "RANKING_COLUMNS",
    "SPLIT_BY_OPTIONS",
    "TOTAL_ID",
    "TOTAL_NAME",
    "TREND_COLUMNS",
    "DataDates",
    "available_months",
    "data_as_of",
    "data_dates",
    "funnel_limits",
    "kpi_deltas",
    "month_bounds",
    "month_is_complete",
    "monthly_table",
    "monthly_trend",
    "ranking",
    "trend_and_deltas",
]

MISSING_GROUP = "(sin dato)"
KPI_TREND_MONTHS = 13  # M−12..M: what kpi_deltas needs, and the Resumen trend charts' span
SPLIT_BY_OPTIONS: tuple[str | None, ...] = (
    None,
    "case_type",
    "channel",
    "province",
    "sector",
    "entity_id",
)

_DATE_RANGE_SCHEMA = {
    "first_created_on": pl.Date,
    "last_created_on": pl.Date,
    "last_closed_on": pl.Date,
}
_ENTITY_SCHEMA = {
    "entity_id": pl.String,
    "name": pl.String,
    "sector": pl.String,
    "active": pl.Boolean,
}
_RECEIVED_SCHEMA = {
    "grupo": pl.String,
    "mes": pl.Int64,
    "recibidos": pl.Int64,
    "cohorte_en_plazo": pl.Int64,
}
_HISTOGRAM_SCHEMA = {"grupo": pl.String, "mes": pl.Int64, "dias": pl.Int64, "casos": pl.Int64}
_OPEN_SCHEMA = {
    "grupo": pl.String,
    "fin_mes": pl.Date,
    "abiertos_fin_mes": pl.Int64,
    "vencidos_fin_mes": pl.Int64,
}


# --- months and data cutoff ----------------------------------------------------------------


@dataclass(frozen=True)
class DataDates:
    """The data's local dates over every case, anulado included (one query)."""

    first_created_on: date | None
    last_created_on: date | None
    last_closed_on: date | None

    @property
    def datos_al(self) -> date | None:
        """SPEC datos_al: the latest local date of any created_at or closed_at."""
        last = [d for d in (self.last_created_on, self.last_closed_on) if d is not None]
        return max(last) if last else None

    @property
    def months(self) -> list[str]:
        """Months from the first month with data to the month of datos_al, ascending."""
        datos_al = self.datos_al
        if self.first_created_on is None or datos_al is None:
            return []
        return [
            month_label(m) for m in month_range(month_of(self.first_created_on), month_of(datos_al))
        ]


def data_dates(engine: Engine) -> DataDates:
    """First and last local creation date and last local closing date (None when empty)."""
    row = run_query(engine, "cases__date_range", {}, _DATE_RANGE_SCHEMA).row(0, named=True)
    return DataDates(row["first_created_on"], row["last_created_on"], row["last_closed_on"])


def data_as_of(engine: Engine) -> date | None:
    """SPEC datos_al: the latest local date of any created_at or closed_at (None when empty)."""
    return data_dates(engine).datos_al


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day (E) of a "YYYY-MM" month."""
    value = month_arg(month)
    return first_day(value), last_day(value)


def month_is_complete(month: str, datos_al: date | None) -> bool:
    """A month is complete when its last day E ≤ datos_al."""
    return datos_al is not None and month_bounds(month)[1] <= datos_al


def available_months(engine: Engine) -> list[str]:
    """Months from the first month with data to the month of datos_al, ascending."""
    return data_dates(engine).months


# --- aggregates from the database -------------------------------------------------------------


def _aggregates(
    engine: Engine,
    settings: Settings,
    *,
    first_month: int,
    last_month: int,
    mode: DayMode,
    filters: CaseFilters,
    group_by: str,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(received, histogram, open_ends) frames of `metrics.monthly` for the month range.

    The three queries are independent, so they run at the same time on three pooled
    connections: a page waits for the slowest instead of the sum (docs/benchmarks.md).
    """
    filter_params = filters.as_params()
    common: dict[str, Any] = {"group_by": group_by, "mode": mode, **filter_params}
    window = {"start_on": first_day(first_month), "end_on": last_day(last_month)}
    ends = [last_day(m) for m in month_range(first_month, last_month)]
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="cac311-aggregates") as pool:
        received_job = pool.submit(
            run_query,
            engine,
            "cases__received_by_month",
            {**common, **window, "legal_limit": settings.legal_limit_days},
            _RECEIVED_SCHEMA,
        )
        histogram_job = pool.submit(
            run_query,
            engine,
            "cases__closed_histogram_by_month",
            {**common, **window},
            _HISTOGRAM_SCHEMA,
        )
        open_job = pool.submit(
            run_query,
            engine,
            "cases__open_at_month_end",
            {
                **common,
                "end_dates": ends,
                "first_end_on": ends[0],
                "last_end_on": ends[-1],
                "legal_limit": settings.legal_limit_days,
            },
            _OPEN_SCHEMA,
        )
        received, histogram = received_job.result(), histogram_job.result()
        open_raw = open_job.result()
    open_ends = open_raw.select(
        pl.col("grupo"),
        (pl.col("fin_mes").dt.year() * 100 + pl.col("fin_mes").dt.month())
        .cast(pl.Int64)
        .alias("mes"),
        pl.col("abiertos_fin_mes"),
        pl.col("vencidos_fin_mes"),
    )
    named = pl.col("grupo").fill_null(MISSING_GROUP)
    return (
        received.with_columns(named),
        histogram.with_columns(named),
        open_ends.with_columns(named),
    )


def _groups_with_activity(*frames: pl.DataFrame) -> set[str]:
    return {g for frame in frames for g in frame["grupo"].to_list()}


def _entities(engine: Engine, filters: CaseFilters) -> pl.DataFrame:
    entities = run_query(engine, "entities__list", {}, _ENTITY_SCHEMA)
    if filters.entity_ids:
        entities = entities.filter(pl.col("entity_id").is_in(list(filters.entity_ids)))
    if filters.sectors:
        entities = entities.filter(pl.col("sector").is_in(list(filters.sectors)))
    return entities


def _names(entities: pl.DataFrame) -> pl.DataFrame:
    return entities.select(
        pl.col("entity_id").alias("entidad_id"), pl.col("name").alias("entidad"), pl.col("sector")
    )


def _maturity(settings: Settings, month: int, mode: DayMode, datos_al: date | None) -> str:
    calendar = working_calendar(tuple(settings.extra_days_off))
    end_ordinal = calendar.ordinal(last_day(month), mode)
    datos_ordinal = calendar.ordinal(datos_al, mode) if datos_al is not None else None
    return "si" if cohort_is_mature(end_ordinal, datos_ordinal, settings.legal_limit_days) else "no"


def _entity_figures(
    engine: Engine,
    settings: Settings,
    *,
    months: list[int],
    mode: DayMode,
    filters: CaseFilters,
    entities: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(per-entity figures, national figures) for the months; entity rows: active or active in M."""
    received, histogram, open_ends = _aggregates(
        engine,
        settings,
        first_month=months[0],
        last_month=months[-1],
        mode=mode,
        filters=filters,
        group_by="entity_id",
    )
    shown = set(entities.filter(pl.col("active"))["entity_id"].to_list())
    shown |= _groups_with_activity(received, histogram, open_ends)
    keys = pl.DataFrame(
        [(g, m) for g in sorted(shown) for m in months],
        schema={"grupo": pl.String, "mes": pl.Int64},
        orient="row",
    )
    figures = monthly_figures(keys, received, histogram, open_ends, settings.legal_limit_days)
    total_keys = pl.DataFrame({"grupo": [TOTAL_ID] * len(months), "mes": months})
    total = monthly_figures(
        total_keys,
        *collapse_groups(received, histogram, open_ends, TOTAL_ID),
        settings.legal_limit_days,
    )
    return figures, total


def _ranked(figures: pl.DataFrame, month: int, settings: Settings) -> pl.DataFrame:
    counts = figures.filter(pl.col("mes") == month).select(
        pl.col("grupo").alias("entidad_id"),
        (pl.col("cerrados") + pl.col("vencidos_fin_mes")).alias("n"),
        pl.col("cerrados_en_plazo").alias("s"),
    )
    return rank_entities(counts, settings.ranking_min_n)


# --- public API ---------------------------------------------------------------------------------


def monthly_table(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: DayMode,
    filters: CaseFilters = CaseFilters(),  # noqa: B008 - frozen dataclass, immutable default
) -> pl.DataFrame:
    """The publication table of SPEC §5 for month M: one row per entity, then TOTAL."""
    value, day_mode = month_arg(month), mode_arg(mode)
    datos_al = data_as_of(engine)
    entities = _entities(engine, filters)
    figures, total = _entity_figures(
        engine, settings, months=[value], mode=day_mode, filters=filters, entities=entities
    )
    positions = _ranked(figures, value, settings)
    madura = _maturity(settings, value, day_mode, datos_al)
    return publication_table(figures, total, _names(entities), positions, madura)


def ranking(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: DayMode,
    filters: CaseFilters = CaseFilters(),  # noqa: B008
) -> pl.DataFrame:
    """Entities with n ≥ 1 in M, ranked by Wilson score, with the change against M−1."""
    value, day_mode = month_arg(month), mode_arg(mode)
    previous = add_months(value, -1)
    entities = _entities(engine, filters)
    figures, _ = _entity_figures(
        engine,
        settings,
        months=[previous, value],
        mode=day_mode,
        filters=filters,
        entities=entities,
    )
    current = _ranked(figures, value, settings)
    earlier = _ranked(figures, previous, settings)
    month_figures = figures.filter(pl.col("mes") == value)
    return ranking_table(current, earlier, _names(entities), month_figures)


def _trend_figures(
    engine: Engine,
    settings: Settings,
    *,
    end: int,
    months: int,
    mode: DayMode,
    filters: CaseFilters,
    split_by: str | None,
) -> pl.DataFrame:
    if months < 1:
        raise ValueError("months must be at least 1")
    if split_by not in SPLIT_BY_OPTIONS:
        raise ValueError(f"split_by not allowed: {split_by!r}")
    wanted = month_range(add_months(end, -(months - 1)), end)
    received, histogram, open_ends = _aggregates(
        engine,
        settings,
        first_month=wanted[0],
        last_month=wanted[-1],
        mode=mode,
        filters=filters,
        group_by=split_by or "none",
    )
    groups = (
        sorted(_groups_with_activity(received, histogram, open_ends))
        if split_by is not None
        else ["Total"]
    )
    keys = pl.DataFrame(
        [(g, m) for g in groups for m in wanted],
        schema={"grupo": pl.String, "mes": pl.Int64},
        orient="row",
    )
    return monthly_figures(keys, received, histogram, open_ends, settings.legal_limit_days)


def monthly_trend(  # noqa: PLR0917 - positional signature fixed by the API contract
    engine: Engine,
    settings: Settings,
    end_month: str,
    months: int,
    mode: DayMode,
    filters: CaseFilters = CaseFilters(),  # noqa: B008
    split_by: str | None = None,
) -> pl.DataFrame:
    """One row per month (end_month and the months−1 before) and group; sorted by group, month."""
    if split_by not in SPLIT_BY_OPTIONS:
        raise ValueError(f"split_by not allowed: {split_by!r}")
    end, day_mode = month_arg(end_month), mode_arg(mode)
    datos_al = data_as_of(engine)
    figures = _trend_figures(
        engine,
        settings,
        end=end,
        months=months,
        mode=day_mode,
        filters=filters,
        split_by=split_by,
    )
    maturity = {
        m: _maturity(settings, m, day_mode, datos_al) for m in figures["mes"].unique().to_list()
    }
    datos_month = month_of(datos_al) if datos_al is not None else None
    return trend_table(figures, maturity, datos_month)


def kpi_deltas(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: DayMode,
    filters: CaseFilters = CaseFilters(),  # noqa: B008
) -> pl.DataFrame:
    """National KPIs of M with their change vs M−1 and M−12 (SPEC §3 MoM/YoY)."""
    return trend_and_deltas(engine, settings, month, mode, filters)[1]


def trend_and_deltas(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: DayMode,
    filters: CaseFilters = CaseFilters(),  # noqa: B008
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(`monthly_trend(month, KPI_TREND_MONTHS, ...)`, `kpi_deltas(month, ...)`) from ONE set of
    aggregates: the Resumen page shows both, and the 13-month aggregates are its costliest
    queries (docs/benchmarks.md), so computing them once halves its cold time."""
    value, day_mode = month_arg(month), mode_arg(mode)
    dates = data_dates(engine)
    first, datos_al = dates.first_created_on, dates.datos_al
    figures = _trend_figures(
        engine,
        settings,
        end=value,
        months=KPI_TREND_MONTHS,
        mode=day_mode,
        filters=filters,
        split_by=None,
    )
    deltas = kpi_changes(
        figures,
        value,
        month_of(datos_al) if datos_al is not None else None,
        month_of(first) if first is not None else None,
    )
    maturity = {
        m: _maturity(settings, m, day_mode, datos_al) for m in figures["mes"].unique().to_list()
    }
    datos_month = month_of(datos_al) if datos_al is not None else None
    return trend_table(figures, maturity, datos_month), deltas
