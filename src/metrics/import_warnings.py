"""Import warnings as the admin pages show and download them: pure Polars, no I/O, no clock.

A warning is a descriptive value of an ACCEPTED case that was stored differently from how the
file wrote it (SPEC §6): an unknown province or an invalid `sla_days` stored as missing, a text
cut to its column size, a NUL character removed. The warning texts are passed in (they live with
the importer), so this module stays free of the application packages.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

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


def _text(column: str, texts: Mapping[str, str]) -> pl.Expr:
    """The Spanish text of the codes in `column`; an unknown code is shown as itself."""
    return (
        pl.col(column)
        .cast(pl.String)
        .replace_strict(dict(texts), default=pl.col(column).cast(pl.String), return_dtype=pl.String)
    )


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
            _text("code", texts).alias("aviso"),
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
        _text("code", texts).alias("aviso"),
        pl.col("original").cast(pl.String).alias("valor_original"),
        pl.col("stored").cast(pl.String).alias("valor_guardado"),
    )
