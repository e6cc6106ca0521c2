"""The circular's obligations: directory/SLA/knowledge-base freshness and press releases."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.monthly import breakdown
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.filters import NO_FILTERS, CaseFilters
from metrics import freshness as freshness_metrics
from metrics import releases as releases_metrics
from metrics.period import Month, Period


def directory_freshness(engine: Engine, settings: Settings, *, as_of: date) -> pl.DataFrame:
    """Every active entity × item on `as_of`: entidad_id, entidad, sector, item,
    ultima_revision, edad_dias, estado (`metrics.freshness.item_freshness`)."""
    active = run_query(
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
        active,
        reviews,
        as_of,
        settings.freshness_al_dia_days,
        settings.freshness_por_vencer_days,
    )


def entity_freshness(engine: Engine, settings: Settings, *, as_of: date) -> pl.DataFrame:
    """One row per active entity: entidad_id, entidad, sector, estado_general (worst item;
    sin_registro is the worst), estado_directorio, estado_sla, estado_base_conocimiento."""
    return freshness_metrics.entity_freshness(directory_freshness(engine, settings, as_of=as_of))


def stale_and_breaching(
    engine: Engine, settings: Settings, *, period: Period, as_of: date
) -> pl.DataFrame:
    """Active entities with directory vencido/sin_registro on `as_of` AND vencidos_fin_mes of M
    at or above max(1, p75 over active entities): entidad_id, entidad, estado_directorio,
    vencidos_fin_mes, indice_cumplimiento; most vencidos first."""
    freshness = entity_freshness(engine, settings, as_of=as_of)
    figures = breakdown(engine, settings, period=period, by="entity_id").rename(
        {"grupo": "entidad_id"}
    )
    return freshness_metrics.stale_and_breaching(freshness, figures)


def press_releases(
    engine: Engine, *, month: Month, filters: CaseFilters = NO_FILTERS
) -> pl.DataFrame:
    """Releases received in M per entity (+ TOTAL): entidad_id, entidad, comunicados,
    con_anticipacion, pct_con_anticipacion, mediana_anticipacion_horas.

    Only the entity and sector filters apply (a release has no case type, channel or province).
    """
    params = filters.as_params()
    releases = run_query(
        engine,
        "releases__received_in_month",
        {
            "month": month.yyyymm,
            **{k: params[k] for k in ("all_entities", "entity_ids", "all_sectors", "sectors")},
        },
        {
            "release_id": pl.String(),
            "entidad_id": pl.String(),
            "entidad": pl.String(),
            "received_at": pl.Datetime("us"),
            "published_at": pl.Datetime("us"),
        },
    )
    return releases_metrics.press_release_summary(releases)
