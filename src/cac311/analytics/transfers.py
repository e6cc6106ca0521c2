"""Transfers between entities and who owns a breach (docs/metrics.md §15).

The database returns aggregates (`queries/transfers__*.sql`: pairs, distinct cases received, a
histogram of days held, breaches per holder) and two short, limited case lists (back-and-forth
transfers, chains that do not connect); `metrics.transfers` turns the aggregates into figures.
The day counts use the stored ordinals of the transfers (migration 0007) and of the cases, so
both day-count modes are a subtraction in SQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.common import month_window, ordinal
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.filters import NO_FILTERS, CaseFilters
from metrics import transfers as transfer_metrics
from metrics.period import Period

LIST_LIMIT = 500  # rows of a case list shown and downloaded (the total is always given)

BACK_AND_FORTH_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "entity_id": pl.String(),
    "devuelto_por": pl.String(),
    "devuelto_a": pl.String(),
    "transferred_on": pl.Date(),
    "traslados": pl.Int64(),
    "total": pl.Int64(),
}
BROKEN_CHAIN_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "entity_id": pl.String(),
    "ultimo_destino": pl.String(),
    "traslados": pl.Int64(),
    "origenes_desconectados": pl.Int64(),
    "destino_final_distinto": pl.Int64(),
    "ultimo_traslado": pl.Date(),
    "total": pl.Int64(),
}


def _window(period: Period, filters: CaseFilters) -> dict[str, Any]:
    return {**month_window(period.month), **filters.as_params()}


def flows(engine: Engine, *, period: Period, filters: CaseFilters = NO_FILTERS) -> pl.DataFrame:
    """Transfers made in M per (origin, destination) pair: FLOW_SCHEMA. A pair is kept when
    either entity passes the entity/sector filters; the other filters apply to the cases."""
    return run_query(
        engine, "transfers__flows", _window(period, filters), transfer_metrics.FLOW_SCHEMA
    )


def matrix(
    engine: Engine, *, period: Period, top_n: int, filters: CaseFilters = NO_FILTERS
) -> pl.DataFrame:
    """The origin × destination matrix of M, top N entities and «Otras» (MATRIX_SCHEMA)."""
    return transfer_metrics.transfer_matrix(flows(engine, period=period, filters=filters), top_n)


def entity_figures(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    datos_al: date,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    """Per entity (ENTITY_SCHEMA): transfers out and in made in M, distinct cases received by
    transfer in M, median days held before transferring out (mode of the period), and the
    cases that became vencidos in M while held after a transfer in, and of those the inherited
    ones (received with fewer than `settings.transfer_min_days_left` days left)."""
    window = _window(period, filters)
    pairs = run_query(engine, "transfers__flows", window, transfer_metrics.FLOW_SCHEMA)
    received = run_query(
        engine, "transfers__received_cases", window, transfer_metrics.RECEIVED_SCHEMA
    )
    held = run_query(
        engine,
        "transfers__held_histogram",
        {**window, "mode": period.mode},
        transfer_metrics.HELD_SCHEMA,
    )
    breaches = run_query(
        engine,
        "transfers__inherited_breaches",
        breach_params(settings, period=period, datos_al=datos_al, filters=filters),
        transfer_metrics.BREACH_SCHEMA,
    )
    return transfer_metrics.entity_figures(pairs, received, held, breaches)


def breach_params(
    settings: Settings, *, period: Period, datos_al: date, filters: CaseFilters = NO_FILTERS
) -> dict[str, Any]:
    """The parameters of `transfers__inherited_breaches` for M: the month's ordinals as the
    half-open window (day before M, last day of M] and datos_al's, in the period's mode, and
    the creation dates of the cases that can breach in M (so the query reaches them through the
    created_on index)."""
    mode = period.mode
    limit = settings.legal_limit_days
    after = ordinal(settings, period.month.first_day - timedelta(days=1), mode)
    return {
        "mode": mode,
        "limit_days": limit,
        "min_days_left": settings.transfer_min_days_left,
        "breach_after": after,
        "breach_until": ordinal(settings, period.month.last_day, mode),
        "as_of_ordinal": ordinal(settings, datos_al, mode),
        "created_from": _first_day_from(settings, period, after - limit),
        "created_until": period.month.last_day,
        **filters.as_params(),
    }


def _first_day_from(settings: Settings, period: Period, target: int) -> date:
    """The earliest date whose ordinal in the period's mode is >= target (ordinals never
    decrease, so every case created on or after it has created + L + 1 > breach_after)."""
    day = period.month.first_day
    while ordinal(settings, day - timedelta(days=1), period.mode) >= target:
        day -= timedelta(days=1)
    return day


def back_and_forth(
    engine: Engine,
    *,
    period: Period,
    filters: CaseFilters = NO_FILTERS,
    limit: int = LIST_LIMIT,
) -> pl.DataFrame:
    """Transfers made in M that return a case to an entity that had transferred it out before
    (A→B→A): BACK_AND_FORTH_SCHEMA, at most `limit` rows, `total` = rows before the limit.

    Case-level: the page decides who may see it (pass the viewer's entities as the filter)."""
    return run_query(
        engine,
        "transfers__back_and_forth",
        {**_window(period, filters), "max_rows": limit},
        BACK_AND_FORTH_SCHEMA,
    )


def broken_chains(engine: Engine, *, limit: int = LIST_LIMIT) -> pl.DataFrame:
    """Cases whose transfers do not connect (an origin that is not the previous destination, or
    a last destination that is not the case's entity): BROKEN_CHAIN_SCHEMA, at most `limit`."""
    return run_query(engine, "transfers__broken_chains", {"max_rows": limit}, BROKEN_CHAIN_SCHEMA)


def list_total(frame: pl.DataFrame) -> int:
    """The `total` a limited case list carries (0 for an empty list)."""
    return 0 if frame.is_empty() else int(frame["total"][0])
