from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.rounding import percent, percent_expr, round_half_away


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2.25, 2.3),  # binary 2.25 is exact: a true tie, away from zero (banker's gives 2.2)
        (0.05, 0.1),  # binary 0.05 lies just above; 0.15 / 1.45 / 2.675-like values just below
        (0.15, 0.2),
        (1.45, 1.5),
        (2.35, 2.4),
        (-2.25, -2.3),
        (-0.05, -0.1),
        (0.04999, 0.0),
        (33.333333, 33.3),
        (7, 7.0),
        (Fraction(1, 20), 0.1),
        (Fraction(-1, 20), -0.1),
        (Fraction(100, 3), 33.3),
        (Fraction(200, 3), 66.7),
        (Decimal("2.25"), 2.3),
        (None, None),
    ],
)
def test_round_half_away(value: float | Fraction | Decimal | None, expected: float | None) -> None:
    assert round_half_away(value) == expected


def test_round_half_away_other_digits() -> None:
    assert round_half_away(2.5, digits=0) == 3.0
    assert round_half_away(0.125, digits=2) == 0.13


def test_round_half_away_refuses_nan() -> None:
    with pytest.raises(ValueError):
        round_half_away(float("nan"))


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 3, 33.3), (2, 3, 66.7), (1, 2000, 0.1), (1, 8, 12.5), (0, 5, 0.0), (3, 0, None)],
)
def test_percent(part: int, whole: int, expected: float | None) -> None:
    assert percent(part, whole) == expected


def test_percent_expr_equals_exact_percent_on_every_small_fraction() -> None:
    pairs = [(s, n) for n in range(61) for s in range(n + 1)] + [(1, 2000), (1999, 2000)]
    frame = pl.DataFrame(pairs, schema={"s": pl.Int64, "n": pl.Int64}, orient="row")
    got = frame.select(percent_expr("s", "n").alias("pct"))
    expected = pl.DataFrame({"pct": [percent(s, n) for s, n in pairs]}, schema={"pct": pl.Float64})
    assert_frame_equal(got, expected)  # exact: 33.3 is 33.3, never 33.300000000000004
