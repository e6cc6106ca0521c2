"""View-model of the Directorio y comunicados page (SPEC §3 directory freshness and press
releases): filter by the sidebar's sector/entity, count entities per state, one table row per
entity, the "high breaches" threshold, and the release rows the media got first.

Pure functions over the outputs of `cac311.analytics.directory` (`directory_freshness`,
`entity_freshness`, `press_releases`) and `cac311.analytics.monthly.breakdown(...,
"entity_id")`; no figure is redefined here.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.definitions import TOTAL_ID
from metrics.freshness import ITEMS, STATUSES, breaching_threshold

# Worst first: the order the per-entity table is sorted in.
WORST_FIRST: tuple[str, ...] = tuple(reversed(STATUSES))

ENTITY_TABLE_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "sector": pl.String(),
    "estado_general": pl.String(),
    **{
        column: dtype
        for item in ITEMS
        for column, dtype in (
            (f"edad_{item}", pl.Int64()),
            (f"estado_{item}", pl.String()),
        )
    },
}


def filter_entities(
    frame: pl.DataFrame,
    entity_ids: Sequence[str] = (),
    sectors: Sequence[str] = (),
    entity_sectors: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Rows of `frame` (column `entidad_id`) whose entity is in `entity_ids` and whose sector is
    in `sectors`; an empty selection does not filter. The sector comes from `frame["sector"]`,
    else from `entity_sectors` (`entidad_id`, `sector`). Rows not about one entity (the TOTAL
    row) are kept only when no filter is set."""
    result = frame
    if entity_ids:
        result = result.filter(pl.col("entidad_id").is_in(list(entity_ids)))
    if sectors:
        if "sector" in result.columns:
            result = result.filter(pl.col("sector").is_in(list(sectors)))
        elif entity_sectors is not None:
            wanted = entity_sectors.filter(pl.col("sector").is_in(list(sectors)))["entidad_id"]
            result = result.filter(pl.col("entidad_id").is_in(wanted.to_list()))
        else:
            raise ValueError("a sector filter needs a `sector` column or entity_sectors")
    return result


def freshness_counts(entities: pl.DataFrame) -> dict[str, int]:
    """Entities per overall state (`estado_general` of `entity_freshness`), every state present,
    in STATUSES order (best to worst)."""
    counts = dict.fromkeys(STATUSES, 0)
    for state in entities["estado_general"].to_list():
        if state in counts:
            counts[state] += 1
        else:
            raise ValueError(f"unknown freshness state: {state!r}")
    return counts


def entity_state(entities: pl.DataFrame, entity_id: str) -> str | None:
    """The overall state (`estado_general`) of one entity; None when it is not in the frame."""
    row = entities.filter(pl.col("entidad_id") == entity_id)
    return None if row.is_empty() else str(row["estado_general"][0])


def entity_table(items: pl.DataFrame, entities: pl.DataFrame) -> pl.DataFrame:
    """One row per entity: overall state and each item's age (days) and state.

    Inputs: `items` (directory_freshness: one row per entity × item) and `entities`
    (entity_freshness: the overall state). Output: ENTITY_TABLE_SCHEMA, worst overall state
    first, then the oldest item (never-reviewed items count as oldest), then `entidad_id`.
    """
    ages = items.pivot(on="item", index="entidad_id", values="edad_dias")
    for item in ITEMS:
        if item not in ages.columns:
            ages = ages.with_columns(pl.lit(None, dtype=pl.Int64).alias(item))
    ages = ages.select(
        "entidad_id", *(pl.col(item).cast(pl.Int64).alias(f"edad_{item}") for item in ITEMS)
    )
    severity = pl.col("estado_general").replace_strict(
        list(WORST_FIRST), list(range(len(WORST_FIRST))), return_dtype=pl.Int64
    )
    oldest = pl.max_horizontal(*(pl.col(f"edad_{item}") for item in ITEMS))
    return (
        entities.join(ages, on="entidad_id", how="left")
        .with_columns(severity.alias("_severidad"), oldest.fill_null(-1).alias("_mayor"))
        .sort(["_severidad", "_mayor", "entidad_id"], descending=[False, True, False])
        .select([pl.col(c).cast(t) for c, t in ENTITY_TABLE_SCHEMA.items()])
    )


def filter_states(table: pl.DataFrame, states: Sequence[str]) -> pl.DataFrame:
    """Rows whose `estado_general` is one of `states` (empty: every row)."""
    if not states:
        return table
    return table.filter(pl.col("estado_general").is_in(list(states)))


def stale_threshold(entities: pl.DataFrame, figures: pl.DataFrame) -> float:
    """The "high breaches" threshold `stale_and_breaching` applies: max(1, p75 of
    `vencidos_fin_mes` over the active entities of `entities` (entity_freshness), an entity
    missing from `figures` counting 0. `figures`: `breakdown(..., "entity_id")` (the entity in
    `grupo`) or any frame with `entidad_id`, `vencidos_fin_mes`."""
    key = "entidad_id" if "entidad_id" in figures.columns else "grupo"
    joined = entities.select("entidad_id").join(
        figures.select(pl.col(key).alias("entidad_id"), "vencidos_fin_mes"),
        on="entidad_id",
        how="left",
    )
    return breaching_threshold(joined["vencidos_fin_mes"].fill_null(0).cast(pl.Int64))


def release_rows(summary: pl.DataFrame) -> pl.DataFrame:
    """The entity rows of `press_releases` plus `sin_anticipacion` = comunicados −
    con_anticipacion (the media had it first, at the same time, or no publication date is known);
    entities with releases without anticipation first (most first), then by `entidad_id`."""
    return (
        summary.filter(pl.col("entidad_id") != TOTAL_ID)
        .with_columns(
            (pl.col("comunicados") - pl.col("con_anticipacion"))
            .cast(pl.Int64)
            .alias("sin_anticipacion")
        )
        .sort(["sin_anticipacion", "entidad_id"], descending=[True, False])
        .select(
            "entidad_id",
            "entidad",
            "comunicados",
            "con_anticipacion",
            "sin_anticipacion",
            "pct_con_anticipacion",
            "mediana_anticipacion_horas",
        )
    )


def release_total(summary: pl.DataFrame) -> dict[str, float | int | None]:
    """The national (TOTAL) row of `press_releases` as a dict (zeros/None when absent)."""
    total = summary.filter(pl.col("entidad_id") == TOTAL_ID)
    if total.is_empty():
        return {
            "comunicados": 0,
            "con_anticipacion": 0,
            "pct_con_anticipacion": None,
            "mediana_anticipacion_horas": None,
        }
    row = total.row(0, named=True)
    return {
        key: row[key]
        for key in (
            "comunicados",
            "con_anticipacion",
            "pct_con_anticipacion",
            "mediana_anticipacion_horas",
        )
    }


def media_first(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows of `release_rows` with at least one release without anticipation."""
    return rows.filter(pl.col("sin_anticipacion") > 0)
