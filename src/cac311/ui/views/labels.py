"""Codes shown as their Spanish labels in a table (one way for every page)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from metrics.definitions import MISSING_VALUE


def labelled(column: str, labels: Mapping[str, str]) -> pl.Expr:
    """`column` with each code replaced by its label; unknown codes pass through unchanged."""
    return (
        pl.col(column)
        .cast(pl.String)
        .replace_strict(
            dict(labels), default=pl.col(column).cast(pl.String), return_dtype=pl.String
        )
    )


def relabel(
    frame: pl.DataFrame,
    labels: Mapping[str, Mapping[str, str]],
    *,
    missing: str | None = MISSING_VALUE,
) -> pl.DataFrame:
    """Replace the codes of some columns (column → {code: label}) by their labels; unknown codes
    are kept, a missing value becomes `missing` ("(sin dato)"; None keeps it missing)."""
    return frame.with_columns(
        labelled(column, mapping).fill_null(missing).alias(column)
        if missing is not None
        else labelled(column, mapping).alias(column)
        for column, mapping in labels.items()
        if column in frame.columns
    )
