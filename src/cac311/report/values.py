"""Frames → the report's plain values (`model`): the small conversions `data.load_reports` applies
to what the analytics API gave it. Pure (no database, no analytics call), so `data.py` stays
the one module that asks; the KPI and position checks against the publication row live here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from cac311.report.model import (
    AgingBucket,
    FreshnessItem,
    KpiChange,
    OverdueCase,
    OverdueEntity,
    Position,
    Releases,
    TrendPoint,
    Value,
)
from metrics.definitions import TOTAL_ID
from metrics.freshness import STATUSES
from metrics.period import Month
from metrics.publication import PUBLICATION_COLUMNS

OLDEST_SHOWN: Final = 5
TOP_OVERDUE_SHOWN: Final = 5


def figures(row: Mapping[str, Any]) -> dict[str, Value]:
    return {column: row[column] for column in PUBLICATION_COLUMNS}


def kpis(deltas: pl.DataFrame, row: Mapping[str, Any]) -> tuple[KpiChange, ...]:
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


def position(
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


def trend(trend: pl.DataFrame, first_month: Month | None) -> tuple[TrendPoint, ...]:
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


def aging(buckets: pl.DataFrame) -> tuple[AgingBucket, ...]:
    return tuple(
        AgingBucket(str(r["tramo"]), int(r["casos"]), bool(r["vencido"]))
        for r in buckets.sort("orden").iter_rows(named=True)
    )


def oldest(cases: pl.DataFrame) -> tuple[OverdueCase, ...]:
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


def top_overdue(table: pl.DataFrame) -> tuple[OverdueEntity, ...]:
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


def freshness_items(items: pl.DataFrame, entity_id: str) -> tuple[FreshnessItem, ...]:
    return tuple(
        FreshnessItem(
            item=str(r["item"]),
            estado=str(r["estado"]),
            ultima_revision=r["ultima_revision"],
            edad_dias=r["edad_dias"],
        )
        for r in items.filter(pl.col("entidad_id") == entity_id).iter_rows(named=True)
    )


def general_status(general: pl.DataFrame | None, entity_id: str) -> str | None:
    if general is None:
        return None
    found = general.filter(pl.col("entidad_id") == entity_id)
    return None if found.is_empty() else str(found["estado_general"][0])


def freshness_counts(general: pl.DataFrame | None) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    if general is not None:
        for status in general["estado_general"].to_list():
            counts[status] = counts.get(status, 0) + 1
    return counts


def releases(summary: pl.DataFrame, entity_id: str) -> Releases:
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
