"""The monthly family: received, closed and open-at-month-end aggregates → SPEC §3 figures.

Three queries give everything a month needs, per group (entity, sector, case type, category,
channel, province, or one national group) and month:

- `cases__received_by_month`: cases received and how many of them closed in time (cohort);
- `cases__closed_histogram_by_month`: closed cases per day count (cerrados, en plazo, median, p90);
- `cases__open_at_month_end`: open and overdue cases on each month's last day E.

They run at the same time on three pooled connections (a page waits for the slowest instead of
the sum, docs/benchmarks.md) and `metrics.monthly` turns them into the figures. The publication
table, the ranking, the trends with their MoM/YoY deltas and the breakdowns are all this one
family with a different group and month window.

Each of the three has two sources giving the same rows: the monthly summaries
(`queries/summaries__*_by_month.sql`, kept equal to the cases by every write path,
`cac311.db.summaries`), read whenever they can answer — built for the settings' legal limit and
a grouping they keep (not category) — and the cases themselves (`queries/cases__*.sql`), the
reference `cac311 db check` and the tests compare the summaries with. The summaries' rollup rows
(one per entity and month) answer when no case type, channel or province filter or group is
asked; their detail rows otherwise.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.common import group_month_grid, maturity, month_window
from cac311.analytics.dates import DataDates
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.db.summaries import summary_horizon, summary_limit
from cac311.filters import NO_FILTERS, CaseFilters
from metrics.definitions import MISSING_VALUE
from metrics.deltas import kpi_changes
from metrics.monthly import collapse_groups, monthly_figures
from metrics.period import DayMode, Month, Period
from metrics.publication import TOTAL_ID, publication_table, ranking_table, trend_table
from metrics.ranking import rank_entities

# The columns a case may be grouped by (the `group_key` SQL fragment lists the same, tested).
GROUP_BY_COLUMNS: Final[tuple[str, ...]] = (
    "entity_id",
    "sector",
    "case_type",
    "category",
    "channel",
    "province",
)
KPI_TREND_MONTHS: Final = 13  # M−12..M: what the deltas need, and the Resumen trends' span
BREAKDOWN_SCHEMA: Final[dict[str, pl.DataType]] = {
    "grupo": pl.String(),
    "recibidos": pl.Int64(),
    "cerrados": pl.Int64(),
    "cerrados_en_plazo": pl.Int64(),
    "vencidos_fin_mes": pl.Int64(),
    "indice_cumplimiento": pl.Float64(),
    "mediana_dias": pl.Float64(),
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


# The groupings the summaries keep (the `summary_group_key` SQL fragment lists the same, tested).
SUMMARY_GROUPS: Final[tuple[str, ...]] = tuple(c for c in GROUP_BY_COLUMNS if c != "category")
_DETAIL_GROUPS: Final = frozenset({"case_type", "channel", "province"})


@dataclass(frozen=True)
class AggregateSource:
    """Where the three aggregates come from: the summaries (at one level) or the cases."""

    summaries: bool
    detalle: bool = True

    def params(self, filters: CaseFilters, group_by: str | None) -> dict[str, Any]:
        common = {"group_by": group_key(group_by), **filters.as_params()}
        return {**common, "detalle": self.detalle} if self.summaries else common


CASES = AggregateSource(summaries=False)


def source_for(
    engine: Engine, limit: int | None, filters: CaseFilters, group_by: str | None, last: Month
) -> AggregateSource:
    """The summaries when they are built for `limit` (None: any limit, for the closed-case
    histogram, which keeps every day count), keep `group_by` and reach month `last` (they end
    at the month of datos_al; a later month end still has open cases); else the cases."""
    if group_by not in (None, *SUMMARY_GROUPS):
        return CASES
    built = summary_limit(engine)
    if built is None or (limit is not None and built != limit):
        return CASES
    horizon = summary_horizon(engine)
    if horizon is None or last > horizon:
        return CASES
    detail = bool(filters.case_types or filters.channels or filters.provinces)
    return AggregateSource(summaries=True, detalle=detail or group_by in _DETAIL_GROUPS)


def group_key(group_by: str | None) -> str:
    """The `:group_by` value of a grouping (None: one group); ValueError outside the allow-list."""
    if group_by is None:
        return "none"
    if group_by not in GROUP_BY_COLUMNS:
        raise ValueError(f"agrupación no permitida: {group_by!r} (use {GROUP_BY_COLUMNS})")
    return group_by


@dataclass(frozen=True)
class Aggregates:
    """The three frames `metrics.monthly.monthly_figures` reads, for a group and month window."""

    received: pl.DataFrame
    histogram: pl.DataFrame
    open_ends: pl.DataFrame

    def groups(self) -> set[str]:
        """Every group with a case received, closed or open at a month end in the window."""
        return {
            g for frame in (self.received, self.histogram, self.open_ends) for g in frame["grupo"]
        }

    def figures(self, groups: list[str], months: list[Month], legal_limit: int) -> pl.DataFrame:
        """`monthly_figures` for every (group, month) pair (zeros where nothing happened)."""
        keys = group_month_grid(groups, months)
        return monthly_figures(keys, self.received, self.histogram, self.open_ends, legal_limit)

    def national(self, months: list[Month], legal_limit: int) -> pl.DataFrame:
        """The figures of all groups together (TOTAL), computed over the counts, never averaged."""
        merged = Aggregates(
            *collapse_groups(self.received, self.histogram, self.open_ends, TOTAL_ID)
        )
        return merged.figures([TOTAL_ID], months, legal_limit)


def summary_months(first: Month, last: Month) -> dict[str, Any]:
    return {"start_month": first.yyyymm, "end_month": last.yyyymm}


def closed_histogram(
    engine: Engine,
    *,
    first: Month,
    last: Month,
    mode: DayMode,
    filters: CaseFilters,
    group_by: str | None,
    source: AggregateSource | None = None,
) -> pl.DataFrame:
    """Cases closed in months `first`..`last` per group, month closed and day count:
    grupo, mes, dias, casos. `source`: default the summaries when they can answer."""
    source = source or source_for(engine, None, filters, group_by, last)
    params = {**source.params(filters, group_by), "mode": mode}
    window: dict[str, Any]
    if source.summaries:
        name, window = "summaries__closed_histogram_by_month", summary_months(first, last)
    else:
        name, window = "cases__closed_histogram_by_month", dict(month_window(first, last))
    return run_query(engine, name, {**params, **window}, _HISTOGRAM_SCHEMA)


def received_counts(
    engine: Engine,
    source: AggregateSource,
    params: dict[str, Any],
    *,
    first: Month,
    last: Month,
    limit: int,
) -> pl.DataFrame:
    window: dict[str, Any]
    if source.summaries:
        query, window = "summaries__received_by_month", summary_months(first, last)
    else:
        query = "cases__received_by_month"
        window = {**month_window(first, last), "legal_limit": limit}
    return run_query(engine, query, {**params, **window}, _RECEIVED_SCHEMA)


def open_end_counts(
    engine: Engine,
    source: AggregateSource,
    params: dict[str, Any],
    *,
    first: Month,
    last: Month,
    limit: int,
) -> pl.DataFrame:
    """Open and overdue cases at each month end of `first`..`last` per group, keyed by the
    month (mes) the end closes: grupo, mes, abiertos_fin_mes, vencidos_fin_mes."""
    ends = [m.last_day for m in first.through(last)]
    window: dict[str, Any] = {"first_end_on": ends[0], "last_end_on": ends[-1]}
    if source.summaries:
        query = "summaries__open_at_month_end"
    else:
        query = "cases__open_at_month_end"
        window = {**window, "end_dates": ends, "legal_limit": limit}
    return run_query(engine, query, {**params, **window}, _OPEN_SCHEMA).select(
        "grupo",
        (pl.col("fin_mes").dt.year() * 100 + pl.col("fin_mes").dt.month())
        .cast(pl.Int64)
        .alias("mes"),
        "abiertos_fin_mes",
        "vencidos_fin_mes",
    )


def aggregates(
    engine: Engine,
    settings: Settings,
    *,
    first: Month,
    last: Month,
    mode: DayMode,
    filters: CaseFilters,
    group_by: str | None,
    source: AggregateSource | None = None,
) -> Aggregates:
    """The received, closed-histogram and open-at-end frames of months `first`..`last`.

    `source`: where to read them (default: the summaries when they can answer, else the cases).
    """
    limit = settings.legal_limit_days
    source = source or source_for(engine, limit, filters, group_by, last)
    params = {**source.params(filters, group_by), "mode": mode}
    window = {"first": first, "last": last}
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="cac311-aggregates") as pool:
        jobs = (
            pool.submit(received_counts, engine, source, params, **window, limit=limit),
            pool.submit(
                closed_histogram,
                engine,
                **window,
                mode=mode,
                filters=filters,
                group_by=group_by,
                source=source,
            ),
            pool.submit(open_end_counts, engine, source, params, **window, limit=limit),
        )
        received, histogram, open_ends = (job.result() for job in jobs)
    named = pl.col("grupo").fill_null(MISSING_VALUE)
    return Aggregates(
        received.with_columns(named), histogram.with_columns(named), open_ends.with_columns(named)
    )


def entities(engine: Engine, filters: CaseFilters = NO_FILTERS) -> pl.DataFrame:
    """The entities (entity_id, name, sector, active) the entity and sector filters keep."""
    frame = run_query(engine, "entities__list", {}, _ENTITY_SCHEMA)
    if filters.entity_ids:
        frame = frame.filter(pl.col("entity_id").is_in(list(filters.entity_ids)))
    if filters.sectors:
        frame = frame.filter(pl.col("sector").is_in(list(filters.sectors)))
    return frame


def _names(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        pl.col("entity_id").alias("entidad_id"), pl.col("name").alias("entidad"), pl.col("sector")
    )


def _entity_figures(
    engine: Engine,
    settings: Settings,
    *,
    months: list[Month],
    mode: DayMode,
    filters: CaseFilters,
    listed: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(per-entity figures, national figures); an entity has rows when it is active or had any
    activity in the window."""
    found = aggregates(
        engine,
        settings,
        first=months[0],
        last=months[-1],
        mode=mode,
        filters=filters,
        group_by="entity_id",
    )
    shown = set(listed.filter(pl.col("active"))["entity_id"]) | found.groups()
    limit = settings.legal_limit_days
    return found.figures(sorted(shown), months, limit), found.national(months, limit)


def _ranked(figures: pl.DataFrame, month: Month, settings: Settings) -> pl.DataFrame:
    counts = figures.filter(pl.col("mes") == month.yyyymm).select(
        pl.col("grupo").alias("entidad_id"),
        (pl.col("cerrados") + pl.col("vencidos_fin_mes")).alias("n"),
        pl.col("cerrados_en_plazo").alias("s"),
    )
    return rank_entities(counts, settings.ranking_min_n)


def monthly_table(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    dates: DataDates,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    """The publication table of SPEC §5 for M: one row per entity, then TOTAL."""
    listed = entities(engine, filters)
    figures, total = _entity_figures(
        engine, settings, months=[period.month], mode=period.mode, filters=filters, listed=listed
    )
    positions = _ranked(figures, period.month, settings)
    madura = maturity(settings, period.month, period.mode, dates.datos_al)
    return publication_table(figures, total, _names(listed), positions, madura)


def ranking(
    engine: Engine, settings: Settings, *, period: Period, filters: CaseFilters = NO_FILTERS
) -> pl.DataFrame:
    """Entities with n ≥ 1 in M, ranked by Wilson score, with the change against M−1."""
    previous = period.month.shift(-1)
    listed = entities(engine, filters)
    figures, _ = _entity_figures(
        engine,
        settings,
        months=[previous, period.month],
        mode=period.mode,
        filters=filters,
        listed=listed,
    )
    current = _ranked(figures, period.month, settings)
    earlier = _ranked(figures, previous, settings)
    month_figures = figures.filter(pl.col("mes") == period.month.yyyymm)
    return ranking_table(current, earlier, _names(listed), month_figures)


def _trend_figures(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    months: int,
    filters: CaseFilters,
    split_by: str | None,
) -> pl.DataFrame:
    if months < 1:
        raise ValueError("months must be at least 1")
    wanted = period.month.shift(-(months - 1)).through(period.month)
    found = aggregates(
        engine,
        settings,
        first=wanted[0],
        last=wanted[-1],
        mode=period.mode,
        filters=filters,
        group_by=split_by,
    )
    groups = sorted(found.groups()) if split_by is not None else ["Total"]
    return found.figures(groups, wanted, settings.legal_limit_days)


def _as_trend(
    figures: pl.DataFrame, settings: Settings, mode: DayMode, dates: DataDates
) -> pl.DataFrame:
    datos_al = dates.datos_al
    maturities = {
        m: maturity(settings, Month(m), mode, datos_al) for m in figures["mes"].unique().to_list()
    }
    datos_month = Month.of(datos_al).yyyymm if datos_al is not None else None
    return trend_table(figures, maturities, datos_month)


def monthly_trend(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    months: int,
    dates: DataDates,
    filters: CaseFilters = NO_FILTERS,
    split_by: str | None = None,
) -> pl.DataFrame:
    """One row per group and month (M and the months−1 before); sorted by group, month."""
    group_key(split_by)
    figures = _trend_figures(
        engine, settings, period=period, months=months, filters=filters, split_by=split_by
    )
    return _as_trend(figures, settings, period.mode, dates)


def trend_and_deltas(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    dates: DataDates,
    filters: CaseFilters = NO_FILTERS,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the KPI_TREND_MONTHS-month trend, the KPIs of M with their change vs M−1 and M−12)
    from ONE set of aggregates: Resumen and Entidad show both, and the 13-month aggregates are
    their costliest queries (docs/benchmarks.md)."""
    figures = _trend_figures(
        engine,
        settings,
        period=period,
        months=KPI_TREND_MONTHS,
        filters=filters,
        split_by=None,
    )
    datos_al, first = dates.datos_al, dates.first_created_on
    deltas = kpi_changes(
        figures,
        period.month.yyyymm,
        Month.of(datos_al).yyyymm if datos_al is not None else None,
        Month.of(first).yyyymm if first is not None else None,
    )
    return _as_trend(figures, settings, period.mode, dates), deltas


def breakdown(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    by: str,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    """M's figures per value of `by` (GROUP_BY_COLUMNS), one row per group with any case
    received, closed or open at E ("(sin dato)" for a missing value): BREAKDOWN_SCHEMA, by grupo."""
    found = aggregates(
        engine,
        settings,
        first=period.month,
        last=period.month,
        mode=period.mode,
        filters=filters,
        group_by=group_key(by),
    )
    figures = found.figures(sorted(found.groups()), [period.month], settings.legal_limit_days)
    return figures.select(
        [pl.col(name).cast(dtype).alias(name) for name, dtype in BREAKDOWN_SCHEMA.items()]
    ).sort("grupo")
