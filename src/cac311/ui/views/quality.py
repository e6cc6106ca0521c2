"""View-model of the admin pages (Calidad de datos, Importar): pure Polars, no I/O, no clock.

The reason texts and kind labels are passed in (they live with the importer), so this module
stays free of the application packages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from cac311.ui.views.labels import labelled
from metrics.quality import (
    QUARANTINE_REASONS_SCHEMA,
    WARNING_COUNTS_SCHEMA,
    quarantine_reasons,
)

REASON_TABLE_SCHEMA: dict[str, pl.DataType] = {
    "reason": pl.String(),
    "motivo": pl.String(),
    "filas": pl.Int64(),
}
QUARANTINE_EXPORT_SCHEMA: dict[str, pl.DataType] = {
    "linea": pl.Int64(),
    "codigo": pl.String(),
    "motivo": pl.String(),
    "detalle": pl.String(),
    "fila": pl.String(),
}


def reason_counts(counts: Mapping[str, int]) -> pl.DataFrame:
    """A reason → rows mapping (e.g. an import report's Counter) as `reason`, `filas`.

    Output grain: one row per reason with rows > 0, most frequent first, then by code.
    """
    frame = pl.DataFrame(
        {"reason": list(counts), "filas": [int(n) for n in counts.values()]},
        schema=QUARANTINE_REASONS_SCHEMA,
    )
    return quarantine_reasons(frame.filter(pl.col("filas") > 0))


def reason_table(counts: pl.DataFrame, texts: Mapping[str, str]) -> pl.DataFrame:
    """Quarantined rows per reason with the reason's text: reason, motivo, filas.

    Input grain: one row per reason (`reason`, `filas`, as `quarantine_reasons` returns).
    Output grain: the same rows and order; `motivo` is the text of `reason` (the code itself
    when `texts` does not know it).
    """
    return counts.select(
        pl.col("reason").cast(pl.String),
        labelled("reason", texts).alias("motivo"),
        pl.col("filas").cast(pl.Int64),
    )


def quarantine_export(rows: pl.DataFrame, texts: Mapping[str, str]) -> pl.DataFrame:
    """The quarantined rows of one batch for download: linea, codigo, motivo, detalle, fila.

    Input grain: one row per quarantined line (`line_number`, `reason`, `detail`, `raw_row`).
    Output grain: the same rows, sorted by line number.
    """
    return rows.sort("line_number").select(
        pl.col("line_number").cast(pl.Int64).alias("linea"),
        pl.col("reason").cast(pl.String).alias("codigo"),
        labelled("reason", texts).alias("motivo"),
        pl.col("detail").cast(pl.String).alias("detalle"),
        pl.col("raw_row").cast(pl.String).alias("fila"),
    )


def utc_to_local(frame: pl.DataFrame, columns: Sequence[str], timezone: str) -> pl.DataFrame:
    """Naive-UTC datetime `columns` (as stored) as timezone-aware times in `timezone`."""
    return frame.with_columns(
        pl.col(c).dt.replace_time_zone("UTC").dt.convert_time_zone(timezone) for c in columns
    )


def filter_values(frame: pl.DataFrame, column: str, values: Sequence[str]) -> pl.DataFrame:
    """The rows whose `column` is one of `values`; every row when `values` is empty."""
    if not values:
        return frame
    return frame.filter(pl.col(column).is_in(list(values)))


def value_counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    """How many rows hold each value of `column` (nulls left out)."""
    counted = frame.get_column(column).drop_nulls().value_counts()
    return {str(v): int(n) for v, n in counted.iter_rows()}


def same_minute_ranked(frame: pl.DataFrame) -> pl.DataFrame:
    """Same-minute closures (`metrics.quality.SAME_MINUTE_SCHEMA`) with the highest share first,
    then the most such closures, then by `entidad_id` (same rows and columns)."""
    return frame.sort(
        ["pct_mismo_minuto", "mismo_minuto", "entidad_id"],
        descending=[True, True, False],
        nulls_last=True,
    )


def entities_with_same_minute(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of `same_minute_ranked` with at least one same-minute closure."""
    return same_minute_ranked(frame).filter(pl.col("mismo_minuto") > 0)


# --- import warnings: descriptive values of accepted cases stored differently (SPEC §6) ---

WARNING_TABLE_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),
    "aviso": pl.String(),
    "campo": pl.String(),
    "valores": pl.Int64(),
}
WARNING_EXPORT_SCHEMA: dict[str, pl.DataType] = {
    "linea": pl.Int64(),
    "id": pl.String(),
    "campo": pl.String(),
    "codigo": pl.String(),
    "aviso": pl.String(),
    "valor_original": pl.String(),
    "valor_guardado": pl.String(),
}


def warning_counts(counts: Mapping[tuple[str, str], int]) -> pl.DataFrame:
    """A (code, field) → values mapping (an import report's Counter) as WARNING_COUNTS_SCHEMA.

    Output grain: one row per code and field with values > 0.
    """
    return pl.DataFrame(
        {
            "code": [code for code, _ in counts],
            "field": [field for _, field in counts],
            "valores": [int(n) for n in counts.values()],
        },
        schema=WARNING_COUNTS_SCHEMA,
    ).filter(pl.col("valores") > 0)


def warning_table(counts: pl.DataFrame, texts: Mapping[str, str]) -> pl.DataFrame:
    """Warnings per code and field with the warning's text: code, aviso, campo, valores.

    Input grain: one or more rows per code and field (`code`, `field`, `valores`, e.g. one per
    batch). Output grain: one row per code and field, the most frequent first, then by code and
    field.
    """
    return (
        counts.group_by("code", "field")
        .agg(pl.col("valores").sum().cast(pl.Int64).alias("valores"))
        .sort(["valores", "code", "field"], descending=[True, False, False])
        .select(
            pl.col("code").cast(pl.String).alias("code"),
            labelled("code", texts).alias("aviso"),
            pl.col("field").cast(pl.String).alias("campo"),
            pl.col("valores"),
        )
    )


def warnings_export(rows: pl.DataFrame, texts: Mapping[str, str]) -> pl.DataFrame:
    """Warning rows for the screen and the download: WARNING_EXPORT_SCHEMA.

    Input grain: one row per warning (WARNING_ROWS_SCHEMA). Output grain: the same rows, sorted
    by line, then field; `valor_guardado` is empty when the value was stored as missing.
    """
    return rows.sort(["line_number", "field"], maintain_order=True).select(
        pl.col("line_number").cast(pl.Int64).alias("linea"),
        pl.col("record_id").cast(pl.String).alias("id"),
        pl.col("field").cast(pl.String).alias("campo"),
        pl.col("code").cast(pl.String).alias("codigo"),
        labelled("code", texts).alias("aviso"),
        pl.col("original").cast(pl.String).alias("valor_original"),
        pl.col("stored").cast(pl.String).alias("valor_guardado"),
    )
