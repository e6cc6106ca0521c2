"""Seconds of each analytics call behind the pages (no cache), for `bench/run.py`: the monthly
family from the summaries and from the cases, the case lists, and the issue-16 figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
from bench_pages import FILTER_SECTOR
from sqlalchemy.engine import Engine
from timing import timed

from cac311.analytics import early_warning, monthly, open_cases, survival, transfers
from cac311.analytics.closures import days_distribution
from cac311.analytics.dates import DataDates, data_dates, data_facts
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.queries import run_query
from cac311.filters import CaseFilters
from metrics.definitions import TOTAL_ID
from metrics.period import Month, Period


def loader_times(url: str, month: str) -> dict[str, float]:
    """Seconds of each analytics call behind Resumen, Ranking and Entidad (no cache)."""
    engine = make_engine(url, read_only=True)
    calls = _loader_calls(engine, Settings(), Period(Month.parse(month)))
    times = {name: round(timed(call)[0], 3) for name, call in calls.items()}
    engine.dispose()
    return times


def _loader_calls(
    engine: Engine, settings: Settings, period: Period
) -> dict[str, Callable[[], Any]]:
    """The calls, by name ("entidad": the one with the most vencidos at the month's end)."""
    nofilter = CaseFilters()
    dates = data_dates(engine)
    datos_al = dates.datos_al
    assert datos_al is not None
    mode = period.mode
    entity = _most_overdue_entity(engine, settings, period, dates)
    one = CaseFilters(entity_ids=(entity,))
    sector = CaseFilters(sectors=(FILTER_SECTOR,))

    def trend(filters: CaseFilters) -> Any:
        return monthly.trend_and_deltas(
            engine, settings, period=period, dates=dates, filters=filters
        )

    return {
        **_accountability_calls(engine, settings, period, dates, entity),
        "data_facts (every page run)": lambda: data_facts(engine),
        "trend_and_deltas (13 meses)": lambda: trend(nofilter),
        "monthly_table": lambda: monthly.monthly_table(
            engine, settings, period=period, dates=dates, filters=nofilter
        ),
        "trend_and_deltas sector": lambda: trend(sector),
        "monthly_table sector": lambda: monthly.monthly_table(
            engine, settings, period=period, dates=dates, filters=sector
        ),
        "ranking": lambda: monthly.ranking(engine, settings, period=period, filters=nofilter),
        "trend_and_deltas entidad": lambda: trend(one),
        "days_distribution entidad": lambda: days_distribution(engine, period=period, filters=one),
        "aging_buckets entidad": lambda: open_cases.aging_buckets(
            engine, settings, as_of=datos_al, mode=mode, filters=one
        ),
        "open_cases vencidos entidad": lambda: open_cases.open_cases(
            engine, settings, entity_id=entity, as_of=datos_al, mode=mode, which="vencidos"
        ),
        "breakdown case_type entidad": lambda: monthly.breakdown(
            engine, settings, period=period, by="case_type", filters=one
        ),
        "trend_and_deltas tipo queja (detalle)": lambda: trend(CaseFilters(case_types=("queja",))),
        "monthly_trend 13 meses por canal (detalle)": lambda: monthly.monthly_trend(
            engine, settings, period=period, months=13, dates=dates, split_by="channel"
        ),
        "filter_values (barra lateral)": lambda: run_query(
            engine, "summaries__filter_values", {}, None
        ),
        "trend_and_deltas (13 meses) desde los casos": lambda: monthly.aggregates(
            engine,
            settings,
            first=period.month.shift(-12),
            last=period.month,
            mode=mode,
            filters=nofilter,
            group_by=None,
            source=monthly.CASES,
        ),
    }


def _accountability_calls(
    engine: Engine, settings: Settings, period: Period, dates: DataDates, entity: str
) -> dict[str, Callable[[], Any]]:
    """The issue-16 figures: early-warning flags, Kaplan–Meier, transfers."""
    nofilter = CaseFilters()
    one = CaseFilters(entity_ids=(entity,))
    datos_al = dates.datos_al
    return {
        "early_warning entity_flags (Resumen, Ranking)": lambda: early_warning.entity_flags(
            engine, settings, period=period, dates=dates, filters=nofilter
        ),
        "survival_by_entity (Ranking, Kaplan–Meier)": lambda: survival.survival_by_entity(
            engine, settings, period=period, datos_al=datos_al, filters=nofilter
        ),
        "survival_curve entidad": lambda: survival.survival_curve(
            engine, settings, period=period, datos_al=datos_al, filters=one
        ),
        "transfers entity_figures (Traslados, Ranking)": lambda: transfers.entity_figures(
            engine, settings, period=period, datos_al=datos_al, filters=nofilter
        ),
        "transfers flows (matriz)": lambda: transfers.flows(
            engine, period=period, filters=nofilter
        ),
        "transfers back_and_forth": lambda: transfers.back_and_forth(
            engine, period=period, filters=nofilter
        ),
        "transfers broken_chains (Calidad)": lambda: transfers.broken_chains(engine),
    }


def _most_overdue_entity(
    engine: Engine, settings: Settings, period: Period, dates: DataDates
) -> str:
    table = monthly.monthly_table(engine, settings, period=period, dates=dates)
    return str(
        table.filter(pl.col("entidad_id") != TOTAL_ID).sort("vencidos_fin_mes", descending=True)[
            "entidad_id"
        ][0]
    )
