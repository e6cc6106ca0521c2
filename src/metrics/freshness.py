"""Directory freshness of SPEC §3 (Circular 01-2018): per entity and item, on a date `as_of`.

Items: `directorio`, `sla`, `base_conocimiento`. `edad_dias = as_of − ultima_revision` in
calendar days (whatever the day-count mode of the cases), where `ultima_revision` is the latest
local review date on or before `as_of` (a review dated after `as_of` is not yet known on
`as_of`). Status: `al_dia` when `edad_dias ≤ al_dia_days` (90), `por_vencer` when
`≤ por_vencer_days` (180), `vencido` beyond, `sin_registro` when never reviewed.

The entity's overall status is its worst item, in the order
`al_dia < por_vencer < vencido < sin_registro`. `sin_registro` counts as worse than `vencido`:
an item never reviewed has no evidence of upkeep at all (and is at least as old as the oldest
possible review), so ranking it below a stale but existing review would reward never
registering anything.
"""

from __future__ import annotations

from datetime import date

import polars as pl

ITEMS: tuple[str, ...] = ("directorio", "sla", "base_conocimiento")
# Best to worst; the entity's overall status is the item status that comes last here.
STATUSES: tuple[str, ...] = ("al_dia", "por_vencer", "vencido", "sin_registro")
BREACHING_QUANTILE = 0.75

ITEM_FRESHNESS_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "sector": pl.String(),
    "item": pl.String(),
    "ultima_revision": pl.Date(),
    "edad_dias": pl.Int64(),
    "estado": pl.String(),
}
ENTITY_FRESHNESS_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "sector": pl.String(),
    "estado_general": pl.String(),
    "estado_directorio": pl.String(),
    "estado_sla": pl.String(),
    "estado_base_conocimiento": pl.String(),
}
STALE_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "estado_directorio": pl.String(),
    "vencidos_fin_mes": pl.Int64(),
    "indice_cumplimiento": pl.Float64(),
}


def _rank(status: pl.Expr) -> pl.Expr:
    return status.replace_strict(list(STATUSES), list(range(len(STATUSES))), return_dtype=pl.Int8)


def item_freshness(
    entities: pl.DataFrame,
    reviews: pl.DataFrame,
    as_of: date,
    al_dia_days: int,
    por_vencer_days: int,
) -> pl.DataFrame:
    """Freshness of every item of every given entity on `as_of`.

    Inputs: `entities` — one row per entity to show (the active ones): `entidad_id`, `entidad`,
    `sector`; `reviews` — any number of rows `entidad_id`, `item`, `reviewed_on` (Date; several
    per item allowed, later than `as_of` ignored). Output grain: one row per entity and item (all
    three items for every entity): ITEM_FRESHNESS_SCHEMA, sorted by `entidad_id`, then item in
    ITEMS order.
    """
    latest = (
        reviews.filter(pl.col("reviewed_on") <= pl.lit(as_of))
        .group_by("entidad_id", "item")
        .agg(pl.col("reviewed_on").max().alias("ultima_revision"))
    )
    items = pl.DataFrame({"item": list(ITEMS), "_orden": list(range(len(ITEMS)))})
    age = (pl.lit(as_of) - pl.col("ultima_revision")).dt.total_days().cast(pl.Int64)
    status = (
        pl.when(pl.col("ultima_revision").is_null())
        .then(pl.lit("sin_registro"))
        .when(age <= al_dia_days)
        .then(pl.lit("al_dia"))
        .when(age <= por_vencer_days)
        .then(pl.lit("por_vencer"))
        .otherwise(pl.lit("vencido"))
    )
    return (
        entities.select("entidad_id", "entidad", "sector")
        .join(items, how="cross")
        .join(latest, on=["entidad_id", "item"], how="left")
        .sort(["entidad_id", "_orden"])
        .select(
            pl.col("entidad_id").cast(pl.String).alias("entidad_id"),
            pl.col("entidad").cast(pl.String).alias("entidad"),
            pl.col("sector").cast(pl.String).alias("sector"),
            pl.col("item").alias("item"),
            pl.col("ultima_revision").cast(pl.Date).alias("ultima_revision"),
            age.alias("edad_dias"),
            status.alias("estado"),
        )
    )


def entity_freshness(items: pl.DataFrame) -> pl.DataFrame:
    """One row per entity: its worst item status and the status of each item.

    Input: the output of `item_freshness`. Output grain: one row per entity:
    ENTITY_FRESHNESS_SCHEMA, sorted by `entidad_id`.
    """

    def item_status(item: str) -> pl.Expr:
        return pl.col("estado").filter(pl.col("item") == item).first().alias(f"estado_{item}")

    worst = _rank(pl.col("estado")).max()
    return (
        items.group_by("entidad_id", "entidad", "sector")
        .agg(
            worst.alias("_peor"),
            *(item_status(item) for item in ITEMS),
        )
        .select(
            pl.col("entidad_id").alias("entidad_id"),
            pl.col("entidad").alias("entidad"),
            pl.col("sector").alias("sector"),
            pl.col("_peor")
            .replace_strict(list(range(len(STATUSES))), list(STATUSES), return_dtype=pl.String)
            .alias("estado_general"),
            *(pl.col(f"estado_{item}").alias(f"estado_{item}") for item in ITEMS),
        )
        .sort("entidad_id")
    )


def breaching_threshold(vencidos: pl.Series) -> float:
    """The "high" vencidos_fin_mes: max(1, upper quartile (linear p75) over the entities)."""
    if vencidos.len() == 0:
        return 1.0
    quantile = vencidos.cast(pl.Float64).quantile(BREACHING_QUANTILE, interpolation="linear")
    return max(1.0, float(quantile or 0.0))


def stale_and_breaching(entities: pl.DataFrame, figures: pl.DataFrame) -> pl.DataFrame:
    """Entities whose directory is `vencido`/`sin_registro` AND whose breaches are high.

    Inputs: `entities` — output of `entity_freshness` (the population: active entities);
    `figures` — one row per entity with activity in M: `entidad_id`, `vencidos_fin_mes`,
    `indice_cumplimiento` (entities missing from it have 0 vencidos and a null índice). "High":
    `vencidos_fin_mes ≥ breaching_threshold` over the population. Output grain: one row per such
    entity: STALE_SCHEMA, sorted by `vencidos_fin_mes` descending, then `entidad_id`.
    """
    joined = entities.select("entidad_id", "entidad", "estado_directorio").join(
        figures.select("entidad_id", "vencidos_fin_mes", "indice_cumplimiento"),
        on="entidad_id",
        how="left",
    )
    vencidos = pl.col("vencidos_fin_mes").fill_null(0).cast(pl.Int64)
    threshold = breaching_threshold(joined.select(vencidos)["vencidos_fin_mes"])
    return (
        joined.filter(
            pl.col("estado_directorio").is_in(["vencido", "sin_registro"]),
            vencidos >= threshold,
        )
        .select(
            pl.col("entidad_id").cast(pl.String).alias("entidad_id"),
            pl.col("entidad").cast(pl.String).alias("entidad"),
            pl.col("estado_directorio").cast(pl.String).alias("estado_directorio"),
            vencidos.alias("vencidos_fin_mes"),
            pl.col("indice_cumplimiento").cast(pl.Float64).alias("indice_cumplimiento"),
        )
        .sort(["vencidos_fin_mes", "entidad_id"], descending=[True, False])
    )
