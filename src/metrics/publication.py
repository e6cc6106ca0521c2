"""Shapes of the analytics frames: the publication table (SPEC §5), ranking and trend.

Pure assembly of figures already computed by `metrics.monthly` and `metrics.ranking` into the
exact columns of the API contract (column names and types fixed here, in one place).
"""

from __future__ import annotations

import polars as pl

from metrics.definitions import TOTAL_ID, TOTAL_NAME
from metrics.months import month_label
from metrics.ranking import position_changes

__all__ = [
    "PUBLICATION_COLUMNS",
    "PUBLICATION_SCHEMA",
    "RANKING_COLUMNS",
    "TOTAL_ID",
    "TOTAL_NAME",
    "TREND_COLUMNS",
    "entity_rows",
    "publication_table",
    "ranking_table",
    "trend_table",
]

PUBLICATION_SCHEMA: dict[str, pl.DataType] = {
    "periodo": pl.String(),
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "sector": pl.String(),
    "recibidos": pl.Int64(),
    "cerrados": pl.Int64(),
    "cerrados_en_plazo": pl.Int64(),
    "cerrados_fuera_de_plazo": pl.Int64(),
    "pct_cerrados_en_plazo": pl.Float64(),
    "abiertos_fin_mes": pl.Int64(),
    "vencidos_fin_mes": pl.Int64(),
    "indice_cumplimiento": pl.Float64(),
    "mediana_dias": pl.Float64(),
    "p90_dias": pl.Float64(),
    "cohorte_en_plazo_pct": pl.Float64(),
    "cohorte_madura": pl.String(),
    "posicion": pl.Int64(),
}
PUBLICATION_COLUMNS: tuple[str, ...] = tuple(PUBLICATION_SCHEMA)
RANKING_COLUMNS: tuple[str, ...] = (
    "entidad_id",
    "entidad",
    "sector",
    "posicion",
    "posicion_anterior",
    "cambio_posicion",
    "indice_cumplimiento",
    "score",
    "n",
    "cerrados_en_plazo",
    "cerrados",
    "vencidos_fin_mes",
    "mediana_dias",
    "p90_dias",
    "clasificada",
)
TREND_COLUMNS: tuple[str, ...] = (
    "periodo",
    "grupo",
    "recibidos",
    "cerrados",
    "cerrados_en_plazo",
    "abiertos_fin_mes",
    "vencidos_fin_mes",
    "pct_cerrados_en_plazo",
    "indice_cumplimiento",
    "mediana_dias",
    "p90_dias",
    "cohorte_en_plazo_pct",
    "cohorte_madura",
    "parcial",
)


def publication_table(
    figures: pl.DataFrame,
    national: pl.DataFrame,
    names: pl.DataFrame,
    positions: pl.DataFrame,
    cohorte_madura: str,
) -> pl.DataFrame:
    """One row per entity of `figures` (sorted by entidad_id), then the national row.

    figures/national: monthly_figures output for one month (grupo = entity id / TOTAL);
    names: entidad_id, entidad, sector; positions: entidad_id, posicion.
    Output: exactly PUBLICATION_SCHEMA.
    """
    entity_rows = (
        figures.rename({"grupo": "entidad_id"})
        .join(names, on="entidad_id", how="left")
        .join(positions.select("entidad_id", "posicion"), on="entidad_id", how="left")
    )
    national_rows = national.rename({"grupo": "entidad_id"}).with_columns(
        pl.lit(TOTAL_NAME).alias("entidad"),
        pl.lit(None, dtype=pl.String).alias("sector"),
        pl.lit(None, dtype=pl.Int64).alias("posicion"),
    )
    shared = [
        pl.col("mes").map_elements(month_label, return_dtype=pl.String).alias("periodo"),
        pl.lit(cohorte_madura).alias("cohorte_madura"),
    ]
    columns = [pl.col(name).cast(dtype) for name, dtype in PUBLICATION_SCHEMA.items()]
    return pl.concat(
        [
            entity_rows.with_columns(shared).select(columns).sort("entidad_id"),
            national_rows.with_columns(shared).select(columns),
        ]
    )


def entity_rows(table: pl.DataFrame) -> pl.DataFrame:
    """The publication table without its national row (one row per entity)."""
    return table.filter(pl.col("entidad_id") != TOTAL_ID)


def ranking_table(
    current: pl.DataFrame,
    previous: pl.DataFrame,
    names: pl.DataFrame,
    month_figures: pl.DataFrame,
) -> pl.DataFrame:
    """The ranking frame: entities with n ≥ 1, ranked first, with their change of position.

    current/previous: rank_entities output for M and M−1; names: entidad_id, entidad, sector;
    month_figures: monthly_figures output for M (grupo = entity id). Output: RANKING_COLUMNS.
    """
    figures = month_figures.rename({"grupo": "entidad_id"}).select(
        "entidad_id",
        "indice_cumplimiento",
        "cerrados_en_plazo",
        "cerrados",
        "vencidos_fin_mes",
        "mediana_dias",
        "p90_dias",
    )
    return (
        position_changes(current.filter(pl.col("n") >= 1), previous)
        .join(names, on="entidad_id", how="left", maintain_order="left")
        .join(figures, on="entidad_id", how="left", maintain_order="left")
        .select(RANKING_COLUMNS)
    )


def trend_table(
    figures: pl.DataFrame, maturity: dict[int, str], datos_al_month: int | None
) -> pl.DataFrame:
    """monthly_figures output (grupo × mes) as TREND_COLUMNS, sorted by grupo, mes.

    maturity: cohorte_madura ("si"/"no") per month; parcial = the month contains datos_al.
    """
    return (
        figures.with_columns(
            pl.col("mes").map_elements(month_label, return_dtype=pl.String).alias("periodo"),
            pl.col("mes").replace_strict(maturity, return_dtype=pl.String).alias("cohorte_madura"),
            (pl.col("mes") == pl.lit(datos_al_month, dtype=pl.Int64))
            .fill_null(False)
            .alias("parcial"),
        )
        .sort("grupo", "mes")
        .select(TREND_COLUMNS)
    )
