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
with the publication row, so the report can never print a number the CSV does not have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any, Final, Literal

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics import directory, monthly, open_cases
from cac311.analytics.dates import DataDates, data_dates
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.errors import UserError
from cac311.export.publication import build_bundle
from cac311.filters import NO_FILTERS, CaseFilters
from cac311.report.model import (
    AgingBucket,
    FreshnessItem,
    KpiChange,
    OverdueCase,
    OverdueEntity,
    Position,
    Releases,
    ReportData,
    ReportSet,
    TrendPoint,
    Value,
)
from metrics.definitions import DEFINITIONS_VERSION, TOTAL_ID
from metrics.deltas import kpi_changes
from metrics.freshness import STATUSES, entity_freshness
from metrics.period import Month, Period
from metrics.publication import PUBLICATION_COLUMNS

ALL: Final = "all"
OLDEST_SHOWN: Final = 5
TOP_OVERDUE_SHOWN: Final = 5


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
    table = bundle.table
    wanted = _wanted_entities(engine, table, entity_ids)
    periodo, dias = bundle.periodo, bundle.dias
    fin_mes = period.month.last_day
    first_month = Month.of(dates.first_created_on) if dates.first_created_on else None
    rows = {row["entidad_id"]: row for row in table.iter_rows(named=True)}
    ranking = monthly.ranking(engine, settings, period=period) if wanted else None
    clasificadas = int(table["posicion"].is_not_null().sum())
    common: dict[str, Any] = {
        "periodo": periodo,
        "dias": dias,
        "parcial": bundle.parcial,
        "datos_al": bundle.datos_al,
        "fin_mes": fin_mes,
        "legal_limit_days": settings.legal_limit_days,
        "ranking_min_n": settings.ranking_min_n,
        "definitions_version": DEFINITIONS_VERSION,
        "publication_file": bundle.open_data_name,
    }
    items = directory.directory_freshness(engine, settings, as_of=bundle.datos_al)
    general = entity_freshness(items) if items.height else None
    releases = directory.press_releases(engine, month=period.month)
    trends = _entity_trends(engine, settings, period, wanted=wanted, dates=dates)

    def aging(filters: CaseFilters = NO_FILTERS) -> tuple[AgingBucket, ...]:
        buckets = open_cases.aging_buckets(
            engine, settings, as_of=fin_mes, mode=period.mode, filters=filters
        )
        return _aging(buckets)

    def entity_report(entity_id: str) -> ReportData:
        filters = CaseFilters(entity_ids=(entity_id,))
        trend, deltas = trends.get(entity_id) or monthly.trend_and_deltas(
            engine, settings, period=period, dates=dates, filters=filters
        )
        row = rows[entity_id]
        assert ranking is not None
        return ReportData(
            **common,
            entidad_id=entity_id,
            entidad=str(row["entidad"]),
            sector=row["sector"],
            figures=_figures(row),
            kpis=_kpis(deltas, row),
            position=_position(ranking, row, clasificadas, settings.ranking_min_n),
            trend=_trend(trend, first_month),
            aging=aging(filters),
            oldest_overdue=_oldest(
                open_cases.open_cases(
                    engine,
                    settings,
                    entity_id=entity_id,
                    as_of=fin_mes,
                    mode=period.mode,
                    which="vencidos",
                )
            ),
            freshness=_freshness_items(items, entity_id),
            freshness_general=_general_status(general, entity_id),
            releases=_releases(releases, entity_id),
        )

    # Two workers: each entity's few small queries wait on the database, not on Python.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="cac311-report") as pool:
        reports = list(pool.map(entity_report, wanted))
    if national:
        trend, deltas = monthly.trend_and_deltas(engine, settings, period=period, dates=dates)
        row = rows[TOTAL_ID]
        reports.append(
            ReportData(
                **common,
                entidad_id=None,
                entidad=str(row["entidad"]),
                sector=None,
                figures=_figures(row),
                kpis=_kpis(deltas, row),
                position=Position(None, None, None, clasificadas, 0, settings.ranking_min_n),
                trend=_trend(trend, first_month),
                aging=aging(),
                top_overdue=_top_overdue(table),
                freshness_counts=_freshness_counts(general),
                releases=_releases(releases, TOTAL_ID),
            )
        )
    return ReportSet(
        periodo=periodo,
        dias=dias,
        parcial=bundle.parcial,
        datos_al=bundle.datos_al,
        reports=tuple(reports),
        publication_files=dict(bundle.files),
        entity_ids=tuple(e for e in rows if e != TOTAL_ID),
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


# --- frames → plain values ----------------------------------------------------------------------


def _figures(row: Mapping[str, Any]) -> dict[str, Value]:
    return {column: row[column] for column in PUBLICATION_COLUMNS}


def _kpis(deltas: pl.DataFrame, row: Mapping[str, Any]) -> tuple[KpiChange, ...]:
    kpis = []
    for item in deltas.iter_rows(named=True):
        published = row[item["kpi"]]
        if (published is None) != (item["valor"] is None) or (
            published is not None and float(published) != float(item["valor"])
        ):
            raise RuntimeError(
                f"{item['kpi']}: the KPI change's value {item['valor']!r} differs from the "
                f"publication's {published!r} ({row['entidad_id']})"
            )
        kpis.append(
            KpiChange(
                code=item["kpi"],
                valor=item["valor"],
                mes_anterior=item["mes_anterior"],
                delta_mes=item["delta_mes"],
                delta_mes_pct=item["delta_mes_pct"],
                anio_anterior=item["anio_anterior"],
                delta_anio=item["delta_anio"],
                delta_anio_pct=item["delta_anio_pct"],
            )
        )
    return tuple(kpis)


def _position(
    ranking: pl.DataFrame, row: Mapping[str, Any], clasificadas: int, min_n: int
) -> Position:
    found = ranking.filter(pl.col("entidad_id") == row["entidad_id"])
    if found.is_empty():  # n = 0 in M: not in the ranking frame at all
        return Position(None, None, None, clasificadas, 0, min_n)
    item = found.row(0, named=True)
    if item["posicion"] != row["posicion"]:
        raise RuntimeError(f"{row['entidad_id']}: ranking position differs from the publication")
    return Position(
        posicion=item["posicion"],
        posicion_anterior=item["posicion_anterior"],
        cambio_posicion=item["cambio_posicion"],
        clasificadas=clasificadas,
        n=int(item["n"]),
        min_n=min_n,
    )


def _trend(trend: pl.DataFrame, first_month: Month | None) -> tuple[TrendPoint, ...]:
    points = []
    for item in trend.sort("periodo").iter_rows(named=True):
        if first_month is not None and item["periodo"] < str(first_month):
            continue  # before the first month with data: no data is not zero
        points.append(
            TrendPoint(
                periodo=item["periodo"],
                recibidos=int(item["recibidos"]),
                cerrados=int(item["cerrados"]),
                vencidos_fin_mes=int(item["vencidos_fin_mes"]),
                indice_cumplimiento=item["indice_cumplimiento"],
                parcial=bool(item["parcial"]),
            )
        )
    return tuple(points)


def _aging(buckets: pl.DataFrame) -> tuple[AgingBucket, ...]:
    return tuple(
        AgingBucket(str(r["tramo"]), int(r["casos"]), bool(r["vencido"]))
        for r in buckets.sort("orden").iter_rows(named=True)
    )


def _oldest(cases: pl.DataFrame) -> tuple[OverdueCase, ...]:
    return tuple(
        OverdueCase(
            case_id=str(r["case_id"]),
            edad_dias=int(r["edad_dias"]),
            case_type=r["case_type"],
            category=r["category"],
            created_on=r["created_on"],
        )
        for r in cases.head(OLDEST_SHOWN).iter_rows(named=True)
    )


def _top_overdue(table: pl.DataFrame) -> tuple[OverdueEntity, ...]:
    top = (
        table.filter((pl.col("entidad_id") != TOTAL_ID) & (pl.col("vencidos_fin_mes") > 0))
        .sort(["vencidos_fin_mes", "entidad_id"], descending=[True, False])
        .head(TOP_OVERDUE_SHOWN)
    )
    return tuple(
        OverdueEntity(
            str(r["entidad_id"]),
            str(r["entidad"]),
            int(r["vencidos_fin_mes"]),
            r["indice_cumplimiento"],
        )
        for r in top.iter_rows(named=True)
    )


def _freshness_items(items: pl.DataFrame, entity_id: str) -> tuple[FreshnessItem, ...]:
    return tuple(
        FreshnessItem(
            item=str(r["item"]),
            estado=str(r["estado"]),
            ultima_revision=r["ultima_revision"],
            edad_dias=r["edad_dias"],
        )
        for r in items.filter(pl.col("entidad_id") == entity_id).iter_rows(named=True)
    )


def _general_status(general: pl.DataFrame | None, entity_id: str) -> str | None:
    if general is None:
        return None
    found = general.filter(pl.col("entidad_id") == entity_id)
    return None if found.is_empty() else str(found["estado_general"][0])


def _freshness_counts(general: pl.DataFrame | None) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    if general is not None:
        for status in general["estado_general"].to_list():
            counts[status] = counts.get(status, 0) + 1
    return counts


def _releases(summary: pl.DataFrame, entity_id: str) -> Releases:
    found = summary.filter(pl.col("entidad_id") == entity_id)
    if found.is_empty():
        return Releases(0, 0, None, None)
    r = found.row(0, named=True)
    return Releases(
        comunicados=int(r["comunicados"]),
        con_anticipacion=int(r["con_anticipacion"]),
        pct_con_anticipacion=r["pct_con_anticipacion"],
        mediana_anticipacion_horas=r["mediana_anticipacion_horas"],
    )


def data_cutoff(engine: Engine) -> date | None:
    """datos_al of the database (None when it has no cases)."""
    return data_dates(engine).datos_al
