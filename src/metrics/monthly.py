"""The monthly figures of SPEC §3 per group (entity, sector, ...) and month, from small frames.

Inputs are the aggregates the database returns (see `queries/cases__*_by_month.sql` and
`queries/cases__open_at_month_end.sql`), never one row per case:

- received:   grupo, mes, recibidos, cohorte_en_plazo       (by month received)
- histogram:  grupo, mes, dias, casos                       (closed cases by month closed, dias)
- open_ends:  grupo, mes, abiertos_fin_mes, vencidos_fin_mes (open at the month's last day)

`grupo` is a string key, `mes` a yyyymm integer. Counts are additive, so the national row sums
the counts and the histograms of every group (the same as counting over all cases) and computes
its percentages and percentiles from those sums, never from the groups' figures.
"""

from __future__ import annotations

import polars as pl

from metrics.percentiles import histogram_quantiles
from metrics.rounding import percent_expr

FIGURE_SCHEMA: dict[str, pl.DataType] = {
    "grupo": pl.String(),
    "mes": pl.Int64(),
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
    "cohorte_recibidos": pl.Int64(),
    "cohorte_en_plazo": pl.Int64(),
    "cohorte_en_plazo_pct": pl.Float64(),
}
COUNT_COLUMNS = (
    "recibidos",
    "cerrados",
    "cerrados_en_plazo",
    "abiertos_fin_mes",
    "vencidos_fin_mes",
    "cohorte_en_plazo",
)


def collapse_groups(
    received: pl.DataFrame,
    histogram: pl.DataFrame,
    open_ends: pl.DataFrame,
    label: str,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The three inputs with every group merged into one named `label` (the national row)."""
    grupo = pl.lit(label, dtype=pl.String).alias("grupo")
    national_received = received.group_by("mes").agg(
        pl.col("recibidos").sum(), pl.col("cohorte_en_plazo").sum()
    )
    national_histogram = histogram.group_by("mes", "dias").agg(pl.col("casos").sum())
    national_open = open_ends.group_by("mes").agg(
        pl.col("abiertos_fin_mes").sum(), pl.col("vencidos_fin_mes").sum()
    )
    return (
        national_received.with_columns(grupo),
        national_histogram.with_columns(grupo),
        national_open.with_columns(grupo),
    )


def monthly_figures(
    keys: pl.DataFrame,
    received: pl.DataFrame,
    histogram: pl.DataFrame,
    open_ends: pl.DataFrame,
    legal_limit: int,
) -> pl.DataFrame:
    """Every figure of SPEC §3 for each (grupo, mes) of `keys` (zeros/nulls without activity).

    Output grain: one row per row of `keys`; columns FIGURE_SCHEMA, rounded per SPEC;
    sorted by grupo, mes. `cohorte_recibidos` equals `recibidos` (kept for clarity).
    """
    key_cols = ["grupo", "mes"]
    base = keys.select(pl.col("grupo").cast(pl.String), pl.col("mes").cast(pl.Int64)).unique()
    hist = histogram.with_columns(pl.col("grupo").cast(pl.String), pl.col("mes").cast(pl.Int64))
    closed = hist.group_by(key_cols).agg(
        pl.col("casos").sum().cast(pl.Int64).alias("cerrados"),
        pl.col("casos")
        .filter(pl.col("dias") <= legal_limit)
        .sum()
        .cast(pl.Int64)
        .alias("cerrados_en_plazo"),
    )
    quantiles = (
        histogram_quantiles(hist, key_cols)
        if hist.height
        else pl.DataFrame(
            schema={
                "grupo": pl.String,
                "mes": pl.Int64,
                "mediana_dias": pl.Float64,
                "p90_dias": pl.Float64,
            }
        )
    )
    joined = (
        base.join(_keyed(received), on=key_cols, how="left")
        .join(closed, on=key_cols, how="left")
        .join(_keyed(open_ends), on=key_cols, how="left")
        .join(quantiles, on=key_cols, how="left")
        .with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in COUNT_COLUMNS)
    )
    return (
        joined.with_columns(
            (pl.col("cerrados") - pl.col("cerrados_en_plazo")).alias("cerrados_fuera_de_plazo"),
            percent_expr("cerrados_en_plazo", "cerrados").alias("pct_cerrados_en_plazo"),
            (pl.col("cerrados") + pl.col("vencidos_fin_mes")).alias("_indice_den"),
            pl.col("recibidos").alias("cohorte_recibidos"),
            percent_expr("cohorte_en_plazo", "recibidos").alias("cohorte_en_plazo_pct"),
        )
        .with_columns(percent_expr("cerrados_en_plazo", "_indice_den").alias("indice_cumplimiento"))
        .select(pl.col(name).cast(dtype) for name, dtype in FIGURE_SCHEMA.items())
        .sort(key_cols)
    )


def _keyed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("grupo").cast(pl.String), pl.col("mes").cast(pl.Int64))


def cohort_is_mature(end_ordinal: int, datos_al_ordinal: int | None, legal_limit: int) -> bool:
    """`cohorte_madura`: a case received on E would be at least L days old on datos_al.

    Ordinals in the active day-count mode (calendar or working-day ordinal of the two dates).
    """
    if datos_al_ordinal is None:
        return False
    return datos_al_ordinal - end_ordinal >= legal_limit
