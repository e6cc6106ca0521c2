"""The ONE module of the report that asks the analytics API: frames in, `model.ReportData` out.

Everything the PDF prints comes from calls the dashboard and the publication already make:

- the figures: the month's publication table, `cac311.export.publication.build_bundle` (the
  same call that writes `estadisticas_311_YYYY-MM.csv`, whose files the delivery attaches);
- KPI changes and the 13-month trend: `analytics.monthly.trend_and_deltas` (national, or
  filtered to one entity — what Resumen and Entidad show);
- position: `analytics.monthly.ranking`; aging at the month's end and the oldest vencidos:
  `analytics.open_cases`; directory freshness on datos_al and the press releases of M:
  `analytics.directory`.

Where two of these state the same figure (a KPI's value, the position) they are checked to agree
with the publication row, so the report can never print a number the CSV does not have. The
frames become plain values in `values.py` (pure).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, Final, Literal

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics import directory, monthly, open_cases
from cac311.analytics.dates import DataDates, data_dates
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.errors import UserError
from cac311.export.publication import Bundle, build_bundle
from cac311.filters import NO_FILTERS, CaseFilters
from cac311.report import values
from cac311.report.model import AgingBucket, Position, ReportData, ReportSet
from metrics.definitions import DEFINITIONS_VERSION, TOTAL_ID
from metrics.deltas import kpi_changes
from metrics.freshness import entity_freshness
from metrics.period import Month, Period

ALL: Final = "all"


def load_report_set(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    entity: str | None = None,
    allow_partial: bool = False,
    generated_at: datetime | None = None,
) -> ReportSet:
    """The reports of `period`: `entity` None → the national one; "all" → one per entity of the
    publication table plus the national one; an id → that entity's. UserError on bad input."""
    if entity is None:
        wanted: Sequence[str] | Literal["all"] = []
    elif entity.strip() == ALL:
        wanted = ALL
    else:
        wanted = [entity.strip()]
    return load_reports(
        engine,
        settings,
        period=period,
        entity_ids=wanted,
        national=entity is None or wanted == ALL,
        allow_partial=allow_partial,
        generated_at=generated_at,
    )


@dataclass(frozen=True)
class _SetData:
    """What every report of one set reads, asked once: the publication bundle and its rows, the
    ranking, the directory freshness, the month's press releases and the entities' trends."""

    engine: Engine
    settings: Settings
    period: Period
    dates: DataDates
    bundle: Bundle
    rows: dict[str, dict[str, Any]]
    ranking: pl.DataFrame | None
    items: pl.DataFrame
    general: pl.DataFrame | None
    releases: pl.DataFrame
    trends: dict[str, tuple[pl.DataFrame, pl.DataFrame]]

    @property
    def clasificadas(self) -> int:
        return int(self.bundle.table["posicion"].is_not_null().sum())

    @property
    def first_month(self) -> Month | None:
        return Month.of(self.dates.first_created_on) if self.dates.first_created_on else None

    def common(self) -> dict[str, Any]:
        """The fields every ReportData of the set shares."""
        return {
            "periodo": self.bundle.periodo,
            "dias": self.bundle.dias,
            "parcial": self.bundle.parcial,
            "datos_al": self.bundle.datos_al,
            "fin_mes": self.period.month.last_day,
            "legal_limit_days": self.settings.legal_limit_days,
            "ranking_min_n": self.settings.ranking_min_n,
            "definitions_version": DEFINITIONS_VERSION,
            "publication_file": self.bundle.open_data_name,
        }

    def aging(self, filters: CaseFilters = NO_FILTERS) -> tuple[AgingBucket, ...]:
        buckets = open_cases.aging_buckets(
            self.engine,
            self.settings,
            as_of=self.period.month.last_day,
            mode=self.period.mode,
            filters=filters,
        )
        return values.aging(buckets)


def load_reports(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    entity_ids: Sequence[str] | Literal["all"],
    national: bool,
    allow_partial: bool = False,
    generated_at: datetime | None = None,
) -> ReportSet:
    """The reports of the given entities (ALL: every entity of the publication) and, when
    `national`, the national one. An entity that is not in the publication: UserError."""
    dates = data_dates(engine)
    bundle = build_bundle(
        engine,
        settings,
        period=period,
        allow_partial=allow_partial,
        dates=dates,
        generated_at=generated_at,
    )
    wanted = _wanted_entities(engine, bundle.table, entity_ids)
    ranking = monthly.ranking(engine, settings, period=period) if wanted else None
    items = directory.directory_freshness(engine, settings, as_of=bundle.datos_al)
    shared = _SetData(
        engine=engine,
        settings=settings,
        period=period,
        dates=dates,
        bundle=bundle,
        rows={row["entidad_id"]: row for row in bundle.table.iter_rows(named=True)},
        ranking=ranking,
        items=items,
        general=entity_freshness(items) if items.height else None,
        releases=directory.press_releases(engine, month=period.month),
        trends=_entity_trends(engine, settings, period, wanted=wanted, dates=dates),
    )
    # Two workers: each entity's few small queries wait on the database, not on Python.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="cac311-report") as pool:
        reports = list(pool.map(partial(_entity_report, shared), wanted))
    if national:
        reports.append(_national_report(shared))
    return ReportSet(
        periodo=bundle.periodo,
        dias=bundle.dias,
        parcial=bundle.parcial,
        datos_al=bundle.datos_al,
        reports=tuple(reports),
        publication_files=dict(bundle.files),
        entity_ids=tuple(e for e in shared.rows if e != TOTAL_ID),
    )


def _entity_report(shared: _SetData, entity_id: str) -> ReportData:
    engine, settings, period = shared.engine, shared.settings, shared.period
    filters = CaseFilters(entity_ids=(entity_id,))
    trend, deltas = shared.trends.get(entity_id) or monthly.trend_and_deltas(
        engine, settings, period=period, dates=shared.dates, filters=filters
    )
    row = shared.rows[entity_id]
    assert shared.ranking is not None
    overdue = open_cases.open_cases(
        engine,
        settings,
        entity_id=entity_id,
        as_of=period.month.last_day,
        mode=period.mode,
        which="vencidos",
    )
    return ReportData(
        **shared.common(),
        entidad_id=entity_id,
        entidad=str(row["entidad"]),
        sector=row["sector"],
        figures=values.figures(row),
        kpis=values.kpis(deltas, row),
        position=values.position(shared.ranking, row, shared.clasificadas, settings.ranking_min_n),
        trend=values.trend(trend, shared.first_month),
        aging=shared.aging(filters),
        oldest_overdue=values.oldest(overdue),
        freshness=values.freshness_items(shared.items, entity_id),
        freshness_general=values.general_status(shared.general, entity_id),
        releases=values.releases(shared.releases, entity_id),
    )


def _national_report(shared: _SetData) -> ReportData:
    settings = shared.settings
    trend, deltas = monthly.trend_and_deltas(
        shared.engine, settings, period=shared.period, dates=shared.dates
    )
    row = shared.rows[TOTAL_ID]
    return ReportData(
        **shared.common(),
        entidad_id=None,
        entidad=str(row["entidad"]),
        sector=None,
        figures=values.figures(row),
        kpis=values.kpis(deltas, row),
        position=Position(None, None, None, shared.clasificadas, 0, settings.ranking_min_n),
        trend=values.trend(trend, shared.first_month),
        aging=shared.aging(),
        top_overdue=values.top_overdue(shared.bundle.table),
        freshness_counts=values.freshness_counts(shared.general),
        releases=values.releases(shared.releases, TOTAL_ID),
    )


# --- which entities ---------------------------------------------------------------------------


def _wanted_entities(
    engine: Engine, table: pl.DataFrame, entity_ids: Sequence[str] | Literal["all"]
) -> list[str]:
    in_table = [e for e in table["entidad_id"].to_list() if e != TOTAL_ID]
    if entity_ids == ALL:
        return in_table
    missing = [code for code in entity_ids if code not in in_table]
    if not missing:
        return list(entity_ids)
    code = missing[0]
    known = run_query(engine, "entities__list", {}, {"entity_id": pl.String()})
    if code not in known["entity_id"].to_list():
        raise UserError(f"No existe la entidad {code!r} (use su código, por ejemplo MINSA, o all).")
    raise UserError(
        f"La entidad {code} no figura en la publicación de {table['periodo'][0]}: está inactiva y "
        "no tiene casos contados en el mes."
    )


def _entity_trends(
    engine: Engine,
    settings: Settings,
    period: Period,
    *,
    wanted: Sequence[str],
    dates: DataDates,
) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """{entity: (13-month trend, KPI changes)} from ONE split trend when there are several
    entities — the same aggregates and `metrics.deltas.kpi_changes` that
    `analytics.monthly.trend_and_deltas` applies to one entity (a test compares the two). An entity
    with no case in the 13 months is left out (the caller asks for it alone)."""
    if len(wanted) < 2:
        return {}
    trend = monthly.monthly_trend(
        engine,
        settings,
        period=period,
        months=monthly.KPI_TREND_MONTHS,
        dates=dates,
        split_by="entity_id",
    )
    month = period.month.yyyymm
    datos_month = Month.of(dates.datos_al).yyyymm if dates.datos_al else None
    first_month = Month.of(dates.first_created_on).yyyymm if dates.first_created_on else None
    found: dict[str, tuple[pl.DataFrame, pl.DataFrame]] = {}
    for (entity_id,), rows in trend.partition_by("grupo", as_dict=True).items():
        if entity_id not in wanted:
            continue
        figures = rows.with_columns(
            pl.col("periodo").str.replace("-", "", literal=True).cast(pl.Int64).alias("mes")
        )
        found[str(entity_id)] = (rows, kpi_changes(figures, month, datos_month, first_month))
    return found


def data_cutoff(engine: Engine) -> date | None:
    """datos_al of the database (None when it has no cases)."""
    return data_dates(engine).datos_al
