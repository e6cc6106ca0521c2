"""Transfers between entities and who owns a breach (docs/metrics.md §15). Pure Polars.

The database returns small aggregates (queries/transfers__*.sql): transfers per (origin,
destination) pair, distinct cases received per entity, a histogram of the days each case was held
before it was transferred out, and per entity the breaches of cases it held after receiving them
by transfer. This module turns them into the per-entity figures and the origin × destination
matrix (top N entities and «Otras»).

Definitions (§15): a case's holding intervals run from `created_at` through each transfer to its
closure (or `datos_al`); the legal clock is the citizen's, from `created_at`. Days held before a
transfer out = the transfer's ordinal − the ordinal of the event that started the holding (the
previous transfer of the case, or its creation), in the period's day-count mode. A case becomes
vencido on the day whose ordinal is created + L + 1; its holder then is the destination of its last
transfer made while its dias were ≤ L; when that transfer left fewer than K days (L − dias < K),
the breach is a `vencidos_heredados` of the receiver.
"""

from __future__ import annotations

import polars as pl

from metrics.percentiles import histogram_quantiles

OTHERS = "Otras"  # the matrix's row/column of every entity outside the top N

FLOW_SCHEMA: dict[str, pl.DataType] = {
    "origen_id": pl.String(),
    "destino_id": pl.String(),
    "traslados": pl.Int64(),
    "casos": pl.Int64(),
    "origen_filtrado": pl.Boolean(),
    "destino_filtrado": pl.Boolean(),
}
RECEIVED_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "casos_recibidos_traslado": pl.Int64(),
}
HELD_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "dias": pl.Int64(),
    "casos": pl.Int64(),
}
BREACH_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "vencidos_recibidos_traslado": pl.Int64(),
    "vencidos_heredados": pl.Int64(),
}
ENTITY_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "traslados_salida": pl.Int64(),
    "traslados_entrada": pl.Int64(),
    "casos_recibidos_traslado": pl.Int64(),
    "mediana_dias_en_poder": pl.Float64(),
    "vencidos_recibidos_traslado": pl.Int64(),
    "vencidos_heredados": pl.Int64(),
}
MATRIX_SCHEMA: dict[str, pl.DataType] = {
    "origen": pl.String(),
    "destino": pl.String(),
    "traslados": pl.Int64(),
}
COUNT_COLUMNS = (
    "traslados_salida",
    "traslados_entrada",
    "casos_recibidos_traslado",
    "vencidos_recibidos_traslado",
    "vencidos_heredados",
)


def entity_figures(
    flows: pl.DataFrame,
    received: pl.DataFrame,
    held: pl.DataFrame,
    breaches: pl.DataFrame,
) -> pl.DataFrame:
    """Per entity with any transfer in or out in M, or any breach counted in M: ENTITY_SCHEMA,
    sorted by entidad_id.

    `flows` (FLOW_SCHEMA): transfers per pair; an entity's transfers out are the sum of its
    rows as origin, its transfers in the sum as destination, each only for an entity the
    filters keep (`origen_filtrado`, `destino_filtrado`). `received` (RECEIVED_SCHEMA):
    distinct cases received by transfer. `held` (HELD_SCHEMA): transfers out per days held;
    the median is exact from the histogram (`histogram_quantiles`), null without transfers
    out. `breaches` (BREACH_SCHEMA). Counts missing for an entity are 0.
    """
    out = (
        flows.filter(pl.col("origen_filtrado"))
        .group_by(pl.col("origen_id").alias("entidad_id"))
        .agg(pl.col("traslados").sum().cast(pl.Int64).alias("traslados_salida"))
    )
    into = (
        flows.filter(pl.col("destino_filtrado"))
        .group_by(pl.col("destino_id").alias("entidad_id"))
        .agg(pl.col("traslados").sum().cast(pl.Int64).alias("traslados_entrada"))
    )
    median = (
        histogram_quantiles(held, ["entidad_id"]).select(
            "entidad_id", pl.col("mediana_dias").alias("mediana_dias_en_poder")
        )
        if not held.is_empty()
        else pl.DataFrame(schema={"entidad_id": pl.String(), "mediana_dias_en_poder": pl.Float64()})
    )
    parts = [
        out,
        into,
        received.select(list(RECEIVED_SCHEMA)),
        median,
        breaches.select(list(BREACH_SCHEMA)),
    ]
    ids = pl.concat([p.select(pl.col("entidad_id").cast(pl.String)) for p in parts]).unique()
    table = ids
    for part in parts:
        table = table.join(part, on="entidad_id", how="left")
    return (
        table.with_columns(pl.col(list(COUNT_COLUMNS)).fill_null(0).cast(pl.Int64))
        .select([pl.col(c).cast(t) for c, t in ENTITY_SCHEMA.items()])
        .sort("entidad_id")
    )


def matrix_labels(flows: pl.DataFrame, top_n: int) -> list[str]:
    """The matrix's entities: the `top_n` with most transfers (out + in; ties by entidad_id), in
    that order, then «Otras» when any other entity has transfers."""
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    volume = (
        pl.concat(
            [
                flows.select(pl.col("origen_id").alias("entidad_id"), "traslados"),
                flows.select(pl.col("destino_id").alias("entidad_id"), "traslados"),
            ]
        )
        .group_by("entidad_id")
        .agg(pl.col("traslados").sum())
        .filter(pl.col("traslados") > 0)
        .sort(["traslados", "entidad_id"], descending=[True, False])
    )
    labels: list[str] = volume["entidad_id"].head(top_n).to_list()
    if volume.height > top_n:
        labels.append(OTHERS)
    return labels


def transfer_matrix(flows: pl.DataFrame, top_n: int) -> pl.DataFrame:
    """Origin × destination counts (MATRIX_SCHEMA) over `matrix_labels`: every entity outside
    the top N is folded into «Otras» (so «Otras» → «Otras» holds the transfers between two such
    entities). Only cells with transfers; sorted by the labels' order. The sum of `traslados`
    equals the sum over `flows`."""
    labels = matrix_labels(flows, top_n)
    order = {label: i for i, label in enumerate(labels)}
    top = [label for label in labels if label != OTHERS]

    def folded(column: str) -> pl.Expr:
        return pl.when(pl.col(column).is_in(top)).then(pl.col(column)).otherwise(pl.lit(OTHERS))

    cells = (
        flows.filter(pl.col("traslados") > 0)
        .select(
            folded("origen_id").alias("origen"),
            folded("destino_id").alias("destino"),
            pl.col("traslados").cast(pl.Int64),
        )
        .group_by("origen", "destino")
        .agg(pl.col("traslados").sum())
    )
    return (
        cells.with_columns(
            pl.col("origen").replace_strict(order, return_dtype=pl.Int64).alias("_o"),
            pl.col("destino").replace_strict(order, return_dtype=pl.Int64).alias("_d"),
        )
        .sort("_o", "_d")
        .select([pl.col(c).cast(t) for c, t in MATRIX_SCHEMA.items()])
    )
