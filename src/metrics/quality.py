"""Data-quality figures for the Calidad de datos page (SPEC §4, page 7).

Same-minute closures: a case closed in M whose `closed_at − created_at < 60 s` (the UTC instants;
exactly 60 s is not "the same minute"). A high share usually means cases registered already
solved, or a bulk closure, and deserves a look before the month is published. Anulado excluded.
"""

from __future__ import annotations

import polars as pl

from metrics.rounding import percent_expr

SAME_MINUTE_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "cerrados": pl.Int64(),
    "mismo_minuto": pl.Int64(),
    "pct_mismo_minuto": pl.Float64(),
}
# Import batches and quarantined rows as stored (the Calidad de datos page shows them as is).
BATCHES_SCHEMA: dict[str, pl.DataType] = {
    "batch_id": pl.Int64(),
    "kind": pl.String(),
    "source_name": pl.String(),
    "source_sha256": pl.String(),
    "started_at": pl.Datetime("us"),
    "finished_at": pl.Datetime("us"),
    "imported_by": pl.String(),
    "rows_read": pl.Int64(),
    "inserted": pl.Int64(),
    "updated": pl.Int64(),
    "unchanged": pl.Int64(),
    "quarantined": pl.Int64(),
    "warnings": pl.Int64(),
    "is_demo": pl.Boolean(),
}
QUARANTINE_ROWS_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int64(),
    "reason": pl.String(),
    "detail": pl.String(),
    "raw_row": pl.String(),
}
QUARANTINE_REASONS_SCHEMA: dict[str, pl.DataType] = {
    "reason": pl.String(),
    "filas": pl.Int64(),
}


def same_minute_share(counts: pl.DataFrame) -> pl.DataFrame:
    """Share of same-minute closures per entity.

    Input grain: one row per entity with cases closed in M: `entidad_id`, `entidad`, `cerrados`,
    `mismo_minuto`. Output grain: the same rows with `cerrados > 0`: SAME_MINUTE_SCHEMA
    (`pct_mismo_minuto = 100 × mismo_minuto / cerrados`, one decimal, half away from zero),
    sorted by `entidad_id`.
    """
    return (
        counts.filter(pl.col("cerrados") > 0)
        .select(
            pl.col("entidad_id").cast(pl.String).alias("entidad_id"),
            pl.col("entidad").cast(pl.String).alias("entidad"),
            pl.col("cerrados").cast(pl.Int64).alias("cerrados"),
            pl.col("mismo_minuto").cast(pl.Int64).alias("mismo_minuto"),
            percent_expr("mismo_minuto", "cerrados").alias("pct_mismo_minuto"),
        )
        .sort("entidad_id")
    )


def quarantine_reasons(counts: pl.DataFrame) -> pl.DataFrame:
    """Quarantined rows per reason, most frequent first.

    Input grain: one row per reason (any number of rows per reason, e.g. one per batch):
    `reason`, `filas`. Output grain: one row per reason: QUARANTINE_REASONS_SCHEMA, sorted by
    `filas` descending, then `reason`.
    """
    return (
        counts.group_by("reason")
        .agg(pl.col("filas").sum().cast(pl.Int64).alias("filas"))
        .select(
            pl.col("reason").cast(pl.String).alias("reason"),
            pl.col("filas").alias("filas"),
        )
        .sort(["filas", "reason"], descending=[True, False])
    )


# As stored in `import_warnings` (and as the import report samples them).
WARNING_ROWS_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int64(),
    "record_id": pl.String(),
    "field": pl.String(),
    "code": pl.String(),
    "original": pl.String(),
    "stored": pl.String(),
}
WARNING_COUNTS_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),
    "field": pl.String(),
    "valores": pl.Int64(),
}
