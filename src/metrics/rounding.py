"""Rounding of SPEC §3: one decimal, half away from zero (never banker's rounding).

Floats are rounded through their shortest decimal representation (`repr`), so 2.25 → 2.3 and
0.05 → 0.1 although their binary values lie just below the tie. Exact values (`int`,
`Fraction`, `Decimal`) are rounded exactly. `percent_expr` does the same for percentages of two
integer columns inside Polars with integer arithmetic only, so no float error can move a tie.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import polars as pl

Exact = int | float | Fraction | Decimal


def _to_decimal(value: Exact) -> Decimal | Fraction:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number to round")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot round {value!r}")
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


def round_half_away(value: Exact | None, digits: int = 1) -> float | None:
    """`value` rounded to `digits` decimals, ties away from zero; None stays None."""
    if value is None:
        return None
    exact = _to_decimal(value)
    if isinstance(exact, Decimal):
        quantum = Decimal(1).scaleb(-digits)
        return float(exact.quantize(quantum, rounding=ROUND_HALF_UP))
    scaled = abs(exact) * 10**digits
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = -1 if exact < 0 else 1
    return float(Decimal(sign * whole).scaleb(-digits))


def percent(numerator: int, denominator: int) -> float | None:
    """100 × numerator / denominator rounded to one decimal; None when the denominator is 0."""
    if denominator == 0:
        return None
    return round_half_away(Fraction(100 * numerator, denominator))


def percent_expr(numerator: str, denominator: str) -> pl.Expr:
    """Polars: 100 × num / den rounded half away from zero to 1 decimal (null when den = 0).

    Both columns are non-negative integers: round(1000·n/d) = floor((2000·n + d) / 2d), exact.
    """
    num = pl.col(numerator).cast(pl.Int64)
    den = pl.col(denominator).cast(pl.Int64)
    tenths = (2000 * num + den) // (2 * den)
    return pl.when(den > 0).then(tenths_as_float(tenths)).otherwise(None)


def tenths_as_float(tenths: pl.Expr) -> pl.Expr:
    """An integer count of tenths as the float nearest to tenths/10 (333 → 33.3).

    Polars turns division by a literal into multiplication by its reciprocal (333 × 0.1 =
    33.300000000000004), so the value goes through its decimal text, which parses exactly.
    """
    magnitude = tenths.abs()
    text = pl.concat_str(
        pl.when(tenths < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // 10).cast(pl.String),
        pl.lit("."),
        (magnitude % 10).cast(pl.String),
    )
    return text.cast(pl.Float64)


def tenths_to_float_expr(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Polars: the exact rational numerator/denominator (integers, den > 0) rounded to 1 decimal.

    Half away from zero, in integer arithmetic: |x| rounded = floor((20·|num| + den) / 2den) / 10.
    """
    magnitude = (20 * numerator.abs() + denominator) // (2 * denominator)
    return tenths_as_float(pl.when(numerator < 0).then(-magnitude).otherwise(magnitude))
