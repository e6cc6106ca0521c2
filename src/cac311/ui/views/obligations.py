"""View-model of the obligation pages (Mis obligaciones, Validación, Directorio y comunicados):
the frames of `metrics.obligations` as tables, with kinds, states and origins in words. Pure
Polars, no I/O, no clock; the item and freshness labels are passed in by the caller.
"""

from __future__ import annotations

import polars as pl

from metrics.freshness import ITEMS
from metrics.obligations import IMPORTADO, TABLERO, submission_key

STATUS_LABELS: dict[str, str] = {
    "pendiente": "Pendiente de validación",
    "validado": "Validado",
    "devuelto": "Devuelto",
}
KIND_LABELS: dict[str, str] = {"review": "Revisión", "release": "Comunicado"}
ORIGIN_LABELS: dict[str, str] = {TABLERO: "Tablero (validada)", IMPORTADO: "Importado"}
SUBMISSION_TABLE_COLUMNS: tuple[str, ...] = (
    "submission_id",
    "tipo",
    "entidad_id",
    "detalle",
    "estado",
    "recibido",
    "antiguedad_dias",
    "medios",
    "anticipacion_horas",
    "adjunto",
    "submitted_by",
    "return_reason",
    "decidido",
    "decided_by",
)


def submission_table(view: pl.DataFrame, item_labels: dict[str, str]) -> pl.DataFrame:
    """`submission_view` rows for a table: kind and state in words, `detalle` = the item
    (reviews, "sin cambios" or "con cambios") or the title (releases). Same row order."""
    change = (
        pl.when(pl.col("sin_cambios")).then(pl.lit("sin cambios")).otherwise(pl.lit("con cambios"))
    )
    detail = (
        pl.when(pl.col("tipo") == "review")
        .then(pl.concat_str(pl.col("item").replace(item_labels), pl.lit(" — "), change))
        .otherwise(pl.col("titulo"))
    )
    return view.select(
        pl.col("submission_id").alias("submission_id"),
        pl.col("tipo").replace(KIND_LABELS).alias("tipo"),
        pl.col("entidad_id").alias("entidad_id"),
        detail.alias("detalle"),
        pl.col("status").replace(STATUS_LABELS).alias("estado"),
        pl.col("recibido").alias("recibido"),
        pl.col("antiguedad_dias").alias("antiguedad_dias"),
        pl.col("medios").alias("medios"),
        pl.col("anticipacion_horas").alias("anticipacion_horas"),
        pl.col("adjunto").alias("adjunto"),
        pl.col("submitted_by").alias("submitted_by"),
        pl.col("return_reason").alias("return_reason"),
        pl.col("decidido").alias("decidido"),
        pl.col("decided_by").alias("decided_by"),
    )


def own_items(
    items: pl.DataFrame,
    freshness: pl.DataFrame,
    item_labels: dict[str, str],
    state_labels: dict[str, str],
) -> pl.DataFrame:
    """One entity's items for the enlace: `review_item_state` rows joined with the freshness of
    `metrics.freshness.item_freshness` (state and age on datos_al), item/state/origin in words;
    ITEMS order. `freshness` may be empty (no cases yet): state and age stay empty."""
    known = freshness.select(
        "entidad_id", "item", pl.col("estado").alias("_estado"), pl.col("edad_dias")
    )
    order = pl.col("item").replace_strict(
        list(ITEMS), list(range(len(ITEMS))), default=len(ITEMS), return_dtype=pl.Int64
    )
    return (
        items.join(known, on=["entidad_id", "item"], how="left")
        .sort(order)
        .select(
            pl.col("item").replace(item_labels).alias("item"),
            pl.col("ultima_revision").alias("ultima_revision"),
            pl.col("origen").replace(ORIGIN_LABELS).alias("origen"),
            pl.col("_estado").replace(state_labels).alias("estado"),
            pl.col("edad_dias").cast(pl.Int64).alias("edad_dias"),
            pl.col("revisiones_pendientes").alias("revisiones_pendientes"),
            pl.col("pendiente_desde").alias("pendiente_desde"),
            pl.col("dias_pendiente").alias("dias_pendiente"),
            pl.col("revisiones_devueltas").alias("revisiones_devueltas"),
        )
    )


def attachments_of(view: pl.DataFrame) -> list[tuple[int, str, str]]:
    """(attachment_id, file_name, submission key) of the rows that have an attachment."""
    rows = view.filter(pl.col("attachment_id").is_not_null())
    return [
        (int(r["attachment_id"]), str(r["adjunto"]), submission_key(r["tipo"], r["submission_id"]))
        for r in rows.iter_rows(named=True)
    ]


def pending_by_entity(entities: pl.DataFrame) -> pl.DataFrame:
    """The rows of `entity_obligations` with anything pending or returned, without the counted
    releases (Directorio y comunicados already shows those per entity)."""
    waiting = (
        pl.col("revisiones_pendientes")
        + pl.col("revisiones_devueltas")
        + pl.col("comunicados_pendientes")
        + pl.col("comunicados_devueltos")
    )
    return entities.filter(waiting > 0).select(
        "entidad_id",
        "entidad",
        "revisiones_pendientes",
        "dias_pendiente",
        "revisiones_devueltas",
        "comunicados_pendientes",
        "comunicados_devueltos",
    )


def item_rows(items: pl.DataFrame, item_labels: dict[str, str]) -> pl.DataFrame:
    """`review_item_state` rows for a table: item and origin in words."""
    return items.select(
        pl.col("entidad_id").alias("entidad_id"),
        pl.col("entidad").alias("entidad"),
        pl.col("item").replace(item_labels).alias("item"),
        pl.col("ultima_revision").alias("ultima_revision"),
        pl.col("origen").replace(ORIGIN_LABELS).alias("origen"),
        pl.col("revisiones_pendientes").alias("revisiones_pendientes"),
        pl.col("pendiente_desde").alias("pendiente_desde"),
        pl.col("dias_pendiente").alias("dias_pendiente"),
        pl.col("revisiones_devueltas").alias("revisiones_devueltas"),
    )
