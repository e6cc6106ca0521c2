"""Funnel-plot control limits for the índice (SPEC §3 Ranking).

For a national rate p (percent) and each n = 1..n_max, the 95 % limits of a proportion from n
cases under the normal approximation, p ± z·√(p(1−p)/n), clipped to 0..100. An entity inside the
funnel is not distinguishable from the national rate by chance alone.
"""

from __future__ import annotations

import polars as pl


def funnel_limits(rate: float, n_max: int, z: float = 1.96) -> pl.DataFrame:
    """Columns n (Int64), limite_inferior, limite_superior (Float64, percent); one row per n.

    `rate` is a percentage (0..100), like `indice_cumplimiento`.
    """
    if not 0 <= rate <= 100:
        raise ValueError(f"rate must be a percentage in 0..100, got {rate}")
    p = rate / 100.0
    n = pl.int_range(1, max(n_max, 0) + 1, eager=True, dtype=pl.Int64).alias("n")
    margin = z * (p * (1 - p) / pl.col("n").cast(pl.Float64)).sqrt()
    return pl.DataFrame(n).select(
        pl.col("n"),
        (100 * (p - margin)).clip(0.0, 100.0).alias("limite_inferior"),
        (100 * (p + margin)).clip(0.0, 100.0).alias("limite_superior"),
    )
