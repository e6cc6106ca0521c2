"""Exact percentiles of day counts from histograms (value, count), SPEC §3.

Linear interpolation between order statistics (NumPy/Polars `linear`, PostgreSQL
`percentile_cont`, Hyndman–Fan type 7): with the n values sorted x[0..n-1] and h = q·(n−1),
Q(q) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). The database returns counts per day count, so the
percentile is computed exactly from them without loading one row per case.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import polars as pl

from metrics.rounding import tenths_to_float_expr

MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)


def _quantile_columns(q: Fraction, by: Sequence[str], alias: str) -> list[pl.Expr]:
    """Expressions (over a frame sorted by `by`+dias with cum/n columns) giving the quantile."""
    a, b = q.numerator, q.denominator
    lower = (a * (pl.col("_n") - 1)) // b
    frac_num = (a * (pl.col("_n") - 1)) % b
    upper = pl.min_horizontal(lower + 1, pl.col("_n") - 1)

    def value_at(index: pl.Expr) -> pl.Expr:
        hit = (pl.col("_cum") > index) & (pl.col("_cum") - pl.col("casos") <= index)
        return pl.col("dias").filter(hit).first()

    low_value = value_at(lower).over(list(by))
    high_value = value_at(upper).over(list(by))
    numerator = low_value * b + frac_num * (high_value - low_value)
    return [tenths_to_float_expr(numerator, pl.lit(b, dtype=pl.Int64)).alias(alias)]


def histogram_quantiles(histogram: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """Median and p90 of `dias` per group of a histogram.

    Input: columns `*by` (at least one), `dias` (int), `casos` (int ≥ 0). Output grain: one row
    per group with any case: `*by`, `mediana_dias`, `p90_dias` (Float64: the exact quantile,
    rounded half away from zero to 1 decimal), sorted by `by`.
    """
    keys = list(by)
    if not keys:
        raise ValueError("histogram_quantiles needs at least one group column")
    rows = (
        histogram.filter(pl.col("casos") > 0)
        .with_columns(pl.col("dias").cast(pl.Int64), pl.col("casos").cast(pl.Int64))
        .sort([*keys, "dias"])
        .with_columns(
            pl.col("casos").cum_sum().over(keys).alias("_cum"),
            pl.col("casos").sum().over(keys).alias("_n"),
        )
    )
    return (
        rows.with_columns(
            *_quantile_columns(MEDIAN, keys, "mediana_dias"),
            *_quantile_columns(P90, keys, "p90_dias"),
        )
        .group_by(keys, maintain_order=True)
        .agg(pl.col("mediana_dias").first(), pl.col("p90_dias").first())
        .sort(keys)
    )
