"""Press-release anticipation of SPEC §3 (Decretos Ejecutivos 272/2015 and 318/2017).

Per release: lead time = `published_at − received_at` in hours (negative when the media had it
first); `con_anticipacion` when `received_at < published_at` (strictly: received in the same
instant it went to the media is not in advance; without `published_at` it is not counted as in
advance, since nothing shows it was). Per entity and month of `received_at` (local time):

- `comunicados`: releases received in the month;
- `con_anticipacion`: of them, how many were received before publication;
- `pct_con_anticipacion`: `100 × con_anticipacion / comunicados` (one decimal, half away from zero);
- `mediana_anticipacion_horas`: median lead time over the releases with `published_at` (linear
  interpolation, exact, then one decimal half away from zero); null when none has one.

The national row (`entidad_id` TOTAL) is computed over all releases, not from entity rows.
"""

from __future__ import annotations

import polars as pl

from metrics.definitions import TOTAL_ID, TOTAL_NAME
from metrics.rounding import percent_expr, tenths_to_float_expr

MICROSECONDS_PER_HOUR = 3_600_000_000

RELEASES_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "comunicados": pl.Int64(),
    "con_anticipacion": pl.Int64(),
    "pct_con_anticipacion": pl.Float64(),
    "mediana_anticipacion_horas": pl.Float64(),
}


def press_release_summary(releases: pl.DataFrame) -> pl.DataFrame:
    """Anticipation per entity plus the national row.

    Input grain: one row per release received in the month: `entidad_id`, `entidad`,
    `received_at` (Datetime), `published_at` (Datetime or null). Output grain: one row per entity
    with a release, sorted by `entidad_id`, then the TOTAL row (always present): RELEASES_SCHEMA.
    """
    rows = releases.select(
        pl.col("entidad_id").cast(pl.String),
        pl.col("entidad").cast(pl.String),
        (pl.col("received_at") < pl.col("published_at")).fill_null(False).alias("_antes"),
        (pl.col("published_at") - pl.col("received_at")).dt.total_microseconds().alias("_us"),
    )
    total = rows.with_columns(
        pl.lit(TOTAL_ID).alias("entidad_id"), pl.lit(TOTAL_NAME).alias("entidad")
    )
    both = pl.concat([rows, total])
    keys = pl.concat(
        [
            rows.select("entidad_id", "entidad").unique().sort("entidad_id"),
            pl.DataFrame({"entidad_id": [TOTAL_ID], "entidad": [TOTAL_NAME]}),
        ]
    )
    counts = both.group_by("entidad_id").agg(
        pl.len().cast(pl.Int64).alias("comunicados"),
        pl.col("_antes").sum().cast(pl.Int64).alias("con_anticipacion"),
    )
    # Twice the median in microseconds is an integer: the sum of the two middle order statistics.
    ordered = pl.col("_us").sort()
    middle = (pl.len() - 1) // 2
    medians = (
        both.filter(pl.col("_us").is_not_null())
        .group_by("entidad_id")
        .agg((ordered.get(middle) + ordered.get(pl.len() // 2)).alias("_twice_median_us"))
    )
    hours = tenths_to_float_expr(
        pl.col("_twice_median_us"), pl.lit(2 * MICROSECONDS_PER_HOUR, dtype=pl.Int64)
    )
    return (
        keys.join(counts, on="entidad_id", how="left", maintain_order="left")
        .join(medians, on="entidad_id", how="left", maintain_order="left")
        .with_columns(pl.col("comunicados", "con_anticipacion").fill_null(0))
        .select(
            pl.col("entidad_id").alias("entidad_id"),
            pl.col("entidad").alias("entidad"),
            pl.col("comunicados").cast(pl.Int64).alias("comunicados"),
            pl.col("con_anticipacion").cast(pl.Int64).alias("con_anticipacion"),
            percent_expr("con_anticipacion", "comunicados").alias("pct_con_anticipacion"),
            hours.alias("mediana_anticipacion_horas"),
        )
    )
