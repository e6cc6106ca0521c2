"""Funnel-plot control limits for the índice (SPEC §3 Ranking).

For a national rate p (percent) and n from 1 to n_max, the 95 % limits of a proportion from n
cases under the normal approximation, p ± z·√(p(1−p)/n), clipped to 0..100. An entity inside the
funnel is not distinguishable from the national rate by chance alone.
"""

from __future__ import annotations

import math

import polars as pl

EVERY_N_UP_TO = 1_000  # one point per n up to here, then log-spaced points (a smooth curve)
LOG_POINTS = 400


def funnel_n_values(n_max: int) -> list[int]:
    """Every n in 1..min(n_max, 1000), then about 400 log-spaced n up to n_max (inclusive).

    At 10M cases the largest entity has n in the hundreds of thousands; one point per n would
    send that many points to the browser for a curve that is smooth long before.
    """
    if n_max < 1:
        return []
    values = set(range(1, min(n_max, EVERY_N_UP_TO) + 1))
    if n_max > EVERY_N_UP_TO:
        ratio = math.log(n_max / EVERY_N_UP_TO) / LOG_POINTS
        values.update(round(EVERY_N_UP_TO * math.exp(ratio * k)) for k in range(LOG_POINTS + 1))
        values.add(n_max)
    return sorted(values)


def funnel_limits_at(rate: float, n_values: list[int], z: float = 1.96) -> pl.DataFrame:
    """Columns n (Int64), limite_inferior, limite_superior (Float64, percent); one row per n of
    `n_values` (in that order). `rate` is a percentage (0..100), like `indice_cumplimiento`."""
    if not 0 <= rate <= 100:
        raise ValueError(f"rate must be a percentage in 0..100, got {rate}")
    p = rate / 100.0
    n = pl.Series("n", n_values, dtype=pl.Int64)
    margin = z * (p * (1 - p) / pl.col("n").cast(pl.Float64)).sqrt()
    return pl.DataFrame(n).select(
        pl.col("n"),
        (100 * (p - margin)).clip(0.0, 100.0).alias("limite_inferior"),
        (100 * (p + margin)).clip(0.0, 100.0).alias("limite_superior"),
    )


def funnel_limits(rate: float, n_max: int, z: float = 1.96) -> pl.DataFrame:
    """The funnel's curve: `funnel_limits_at` for every n of `funnel_n_values(n_max)`."""
    return funnel_limits_at(rate, funnel_n_values(n_max), z)
