"""Operational analytics (team ANALYTICS_API.md, `cac311.analytics_ops`): SQL + pure metrics.

Behind the Entidad, Directorio y comunicados and Calidad de datos pages: open-case aging and the
case lists an enlace acts on, day-count distribution, breakdowns, the service SLA clock,
directory freshness, press-release anticipation and import quality. Every function takes the
engine and settings first, then plain values, and never reads the clock (`as_of` is an argument).
The database filters and groups (`queries/`); `metrics` computes the figures from small frames.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics import MISSING_GROUP
from cac311.arguments import mode_arg, month_arg, working_calendar
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.errors import UserError
from cac311.filters import CaseFilters
from metrics import aging as aging_metrics
from metrics import freshness as freshness_metrics
from metrics import quality as quality_metrics
from metrics import releases as releases_metrics
from metrics import sla as sla_metrics
from metrics.daycount import DayMode
from metrics.monthly import monthly_figures
from metrics.months import first_day, last_day

__all__ = [
    "BREAKDOWN_BY",
    "aging_buckets",
    "breakdown",
    "days_distribution",
    "directory_freshness",
    "entity_freshness",
    "import_batches",
    "open_cases",
    "press_releases",
    "quarantine_by_reason",
    "quarantine_rows",
    "same_minute_closures",
    "sla_clock",
    "stale_and_breaching",
]

BREAKDOWN_BY: tuple[str, ...] = (
    "case_type",
    "category",
    "channel",
    "province",
    "sector",
    "entity_id",
)
BREAKDOWN_SCHEMA: dict[str, pl.DataType] = {
    "grupo": pl.String(),
    "recibidos": pl.Int64(),
    "cerrados": pl.Int64(),
    "cerrados_en_plazo": pl.Int64(),
    "vencidos_fin_mes": pl.Int64(),
    "indice_cumplimiento": pl.Float64(),
    "mediana_dias": pl.Float64(),
}
DAYS_SCHEMA: dict[str, pl.DataType] = {"dias": pl.Int64(), "casos": pl.Int64()}
_NO_FILTERS = CaseFilters()


# --- argument checks and shared helpers -----------------------------------------------------


def _ordinal(settings: Settings, day: date, mode: DayMode) -> int:
    """`day`'s ordinal in the mode (the 'X_ordinal' every age-on-X query subtracts from)."""
    try:
        return working_calendar(tuple(settings.extra_days_off)).ordinal(day, mode)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def _window(value: int) -> dict[str, date]:
    return {"start_on": first_day(value), "end_on": last_day(value)}


# --- Entidad page: aging, case lists, distribution, breakdown, SLA clock ---------------------


def aging_buckets(
    engine: Engine,
    settings: Settings,
    as_of: date,
    mode: DayMode,
    filters: CaseFilters = _NO_FILTERS,
) -> pl.DataFrame:
    """Open cases on `as_of` per aging bucket: tramo, orden, casos, vencido (always 6 rows)."""
    day_mode = mode_arg(mode)
    ages = run_query(
        engine,
        "cases__aging_histogram",
        {
            "as_of_on": as_of,
            "as_of_ordinal": _ordinal(settings, as_of, day_mode),
            "mode": day_mode,
            **filters.as_params(),
        },
        {"edad": pl.Int64(), "casos": pl.Int64()},
    )
    return aging_metrics.aging_buckets(ages, settings.legal_limit_days)


def open_cases(  # noqa: PLR0917 - positional signature fixed by the API contract
    engine: Engine,
    settings: Settings,
    entity_id: str,
    as_of: date,
    mode: DayMode,
    which: str,
) -> pl.DataFrame:
    """One entity's open cases on `as_of`: which = vencidos (age > L), por_vencer (25..L) or
    abiertos (all). Columns `metrics.aging.OPEN_CASES_SCHEMA`, oldest first.

    Case-level: the page guard decides who may call it. ValueError for an unknown `which`.
    """
    day_mode = mode_arg(mode)
    min_age, max_age = aging_metrics.age_window(
        which, settings.legal_limit_days, settings.por_vencer_min_age
    )
    rows = run_query(
        engine,
        "open_cases__list",
        {
            "as_of_on": as_of,
            "as_of_ordinal": _ordinal(settings, as_of, day_mode),
            "mode": day_mode,
            "min_age": min_age,
            "max_age": max_age,
            **CaseFilters(entity_ids=(entity_id,)).as_params(),
        },
        aging_metrics.OPEN_ROWS_SCHEMA,
    )
    return aging_metrics.open_case_list(rows)


def days_distribution(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: DayMode,
    filters: CaseFilters = _NO_FILTERS,
) -> pl.DataFrame:
    """Cases closed in M per day count: dias, casos (only day counts with cases), by dias."""
    del settings  # the distribution does not depend on any setting (the L line is the page's)
    params: dict[str, Any] = {
        **_window(month_arg(month)),
        "mode": mode_arg(mode),
        **filters.as_params(),
    }
    frame = run_query(engine, "cases__days_distribution", params, DAYS_SCHEMA)
    return frame.select(pl.col("dias").alias("dias"), pl.col("casos").alias("casos")).sort("dias")


def breakdown(  # noqa: PLR0917 - positional signature fixed by the API contract
    engine: Engine,
    settings: Settings,
    month: str,
    mode: DayMode,
    by: str,
    filters: CaseFilters = _NO_FILTERS,
) -> pl.DataFrame:
    """Month M figures per value of `by` (allow-list BREAKDOWN_BY, else ValueError).

    One row per group with any case received, closed or open at E: grupo ("(sin dato)" for a
    missing value), recibidos, cerrados, cerrados_en_plazo, vencidos_fin_mes,
    indice_cumplimiento, mediana_dias — the SPEC §3 definitions of `metrics.monthly`; by grupo.
    """
    if by not in BREAKDOWN_BY:
        raise ValueError(f"desglose no permitido: {by!r} (use {', '.join(BREAKDOWN_BY)})")
    value, day_mode = month_arg(month), mode_arg(mode)
    window = _window(value)
    common: dict[str, Any] = {"by": by, **filters.as_params()}
    named = [pl.col("grupo").fill_null(MISSING_GROUP), pl.lit(value, dtype=pl.Int64).alias("mes")]
    received = run_query(
        engine,
        "cases__breakdown_received",
        {**common, **window},
        {"grupo": pl.String(), "recibidos": pl.Int64()},
    ).with_columns(*named, pl.lit(0, dtype=pl.Int64).alias("cohorte_en_plazo"))
    histogram = run_query(
        engine,
        "cases__breakdown_closed",
        {**common, **window, "mode": day_mode},
        {"grupo": pl.String(), "dias": pl.Int64(), "casos": pl.Int64()},
    ).with_columns(*named)
    open_ends = run_query(
        engine,
        "cases__breakdown_open_at_end",
        {
            **common,
            "end_on": window["end_on"],
            "end_ordinal": _ordinal(settings, window["end_on"], day_mode),
            "mode": day_mode,
            "legal_limit": settings.legal_limit_days,
        },
        {"grupo": pl.String(), "abiertos_fin_mes": pl.Int64(), "vencidos_fin_mes": pl.Int64()},
    ).with_columns(*named)
    keys = pl.concat(
        [frame.select("grupo", "mes") for frame in (received, histogram, open_ends)]
    ).unique()
    figures = monthly_figures(keys, received, histogram, open_ends, settings.legal_limit_days)
    return figures.select(
        [pl.col(name).cast(dtype).alias(name) for name, dtype in BREAKDOWN_SCHEMA.items()]
    ).sort("grupo")


def sla_clock(
    engine: Engine,
    settings: Settings,
    month: str,
    mode: DayMode,
    filters: CaseFilters = _NO_FILTERS,
) -> pl.DataFrame:
    """Service SLA clock for cases closed in M: entidad_id, cerrados_con_sla, dentro_sla,
    pct_dentro_sla (cases without sla_days left out; never mixed with the legal limit)."""
    del settings  # the SLA is each case's own sla_days, not a setting
    params: dict[str, Any] = {
        **_window(month_arg(month)),
        "mode": mode_arg(mode),
        **filters.as_params(),
    }
    counts = run_query(
        engine,
        "cases__sla_closed_by_entity",
        params,
        {"entidad_id": pl.String(), "cerrados_con_sla": pl.Int64(), "dentro_sla": pl.Int64()},
    )
    return sla_metrics.sla_clock(counts)


# --- Directorio y comunicados page ------------------------------------------------------------


def directory_freshness(engine: Engine, settings: Settings, as_of: date) -> pl.DataFrame:
    """Every active entity × item on `as_of`: entidad_id, entidad, sector, item,
    ultima_revision, edad_dias, estado (`metrics.freshness.item_freshness`)."""
    entities = run_query(
        engine,
        "reviews__active_entities",
        {},
        {"entidad_id": pl.String(), "entidad": pl.String(), "sector": pl.String()},
    )
    reviews = run_query(
        engine,
        "reviews__latest_by_entity_item",
        {"as_of_on": as_of},
        {"entidad_id": pl.String(), "item": pl.String(), "reviewed_on": pl.Date()},
    )
    return freshness_metrics.item_freshness(
        entities,
        reviews,
        as_of,
        settings.freshness_al_dia_days,
        settings.freshness_por_vencer_days,
    )


def entity_freshness(engine: Engine, settings: Settings, as_of: date) -> pl.DataFrame:
    """One row per active entity: entidad_id, entidad, sector, estado_general (worst item;
    sin_registro is the worst), estado_directorio, estado_sla, estado_base_conocimiento."""
    return freshness_metrics.entity_freshness(directory_freshness(engine, settings, as_of))


def stale_and_breaching(
    engine: Engine, settings: Settings, month: str, mode: DayMode, as_of: date
) -> pl.DataFrame:
    """Active entities with directory vencido/sin_registro on `as_of` AND vencidos_fin_mes of M
    at or above max(1, p75 over active entities): entidad_id, entidad, estado_directorio,
    vencidos_fin_mes, indice_cumplimiento; most vencidos first."""
    entities = entity_freshness(engine, settings, as_of)
    figures = breakdown(engine, settings, month, mode, "entity_id").rename({"grupo": "entidad_id"})
    return freshness_metrics.stale_and_breaching(entities, figures)


def press_releases(
    engine: Engine,
    settings: Settings,
    month: str,
    filters: CaseFilters = _NO_FILTERS,
) -> pl.DataFrame:
    """Releases received in M per entity (+ TOTAL): entidad_id, entidad, comunicados,
    con_anticipacion, pct_con_anticipacion, mediana_anticipacion_horas.

    Only the entity and sector filters apply (a release has no case type, channel or province).
    """
    del settings  # received_month is stored in the product's time zone at import
    all_params = filters.as_params()
    params: dict[str, Any] = {
        "month": month_arg(month),
        **{k: all_params[k] for k in ("all_entities", "entity_ids", "all_sectors", "sectors")},
    }
    releases = run_query(
        engine,
        "releases__received_in_month",
        params,
        {
            "release_id": pl.String(),
            "entidad_id": pl.String(),
            "entidad": pl.String(),
            "received_at": pl.Datetime("us"),
            "published_at": pl.Datetime("us"),
        },
    )
    return releases_metrics.press_release_summary(releases)


# --- Calidad de datos page ----------------------------------------------------------------------


def import_batches(engine: Engine) -> pl.DataFrame:
    """Every import batch, newest first (columns `metrics.quality.BATCHES_SCHEMA`, as stored)."""
    return run_query(engine, "batches__list", {}, quality_metrics.BATCHES_SCHEMA)


def quarantine_by_reason(engine: Engine, batch_id: int | None = None) -> pl.DataFrame:
    """Quarantined rows per reason (of one batch, or of all when None): reason, filas."""
    counts = run_query(
        engine,
        "quality__quarantine_by_reason",
        {"all_batches": batch_id is None, "batch_id": 0 if batch_id is None else int(batch_id)},
        quality_metrics.QUARANTINE_REASONS_SCHEMA,
    )
    return quality_metrics.quarantine_reasons(counts)


def quarantine_rows(engine: Engine, batch_id: int) -> pl.DataFrame:
    """The quarantined rows of one batch: line_number, reason, detail, raw_row (by line)."""
    return run_query(
        engine,
        "quality__quarantine_rows",
        {"batch_id": int(batch_id)},
        quality_metrics.QUARANTINE_ROWS_SCHEMA,
    )


def same_minute_closures(engine: Engine, settings: Settings, month: str) -> pl.DataFrame:
    """Cases closed in M less than 60 s after creation, per entity with closures in M:
    entidad_id, entidad, cerrados, mismo_minuto, pct_mismo_minuto."""
    del settings  # the 60-second rule is fixed; month bounds are local dates already stored
    counts = run_query(
        engine,
        "quality__same_minute_closures",
        _window(month_arg(month)),
        {
            "entidad_id": pl.String(),
            "entidad": pl.String(),
            "cerrados": pl.Int64(),
            "mismo_minuto": pl.Int64(),
        },
    )
    return quality_metrics.same_minute_share(counts)
