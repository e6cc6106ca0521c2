from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from metrics.percentiles import MEDIAN, P90, histogram_quantiles
from tests.reference import quantile


def expanded(pairs: list[tuple[int, int]]) -> list[int]:
    """The multiset a histogram stands for: each value repeated count times."""
    return [value for value, count in pairs for _ in range(count)]


@pytest.mark.parametrize(
    ("pairs", "q", "expected"),
    [
        ([(0, 1), (29, 1)], MEDIAN, Fraction(29, 2)),  # 14.5
        ([(0, 1), (29, 1)], P90, Fraction(261, 10)),  # 0 + 0.9 × 29
        ([(1, 1), (2, 1), (3, 1), (4, 1)], MEDIAN, Fraction(5, 2)),
        ([(1, 1), (2, 1), (3, 1), (4, 1)], P90, Fraction(37, 10)),  # h = 2.7: 3 + 0.7
        ([(5, 3)], P90, Fraction(5)),  # a single value repeated
        ([(0, 2), (3, 1), (10, 1)], P90, Fraction(79, 10)),  # h = 2.7: 3 + 0.7 × 7
        ([(7, 0), (2, 1)], MEDIAN, Fraction(2)),  # zero counts are ignored
        ([], MEDIAN, None),
    ],
)
def test_reference_quantile_by_hand(
    pairs: list[tuple[int, int]], q: Fraction, expected: Fraction | None
) -> None:
    assert quantile(expanded(pairs), q) == expected


histograms = st.lists(
    st.tuples(st.integers(0, 120), st.integers(0, 6)), min_size=1, max_size=12
).filter(lambda pairs: sum(c for _, c in pairs) > 0)


@settings(max_examples=200, deadline=None)
@given(pairs=histograms, q=st.sampled_from([MEDIAN, P90, Fraction(1, 4), Fraction(0), Fraction(1)]))
def test_reference_quantile_equals_polars(pairs: list[tuple[int, int]], q: Fraction) -> None:
    values = expanded(pairs)
    expected = pl.Series(values, dtype=pl.Int64).quantile(float(q), interpolation="linear")
    got = quantile(values, q)
    assert got is not None
    assert float(got) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(groups=st.dictionaries(st.sampled_from("abc"), histograms, min_size=1))
def test_histogram_quantiles_equal_rounded_polars_quantiles(
    groups: dict[str, list[tuple[int, int]]],
) -> None:
    rows = [(g, v, c) for g, pairs in groups.items() for v, c in pairs]
    histogram = pl.DataFrame(
        rows, schema={"g": pl.String, "dias": pl.Int64, "casos": pl.Int64}, orient="row"
    )
    expanded = histogram.filter(pl.col("casos") > 0).select(
        pl.col("g").repeat_by("casos").explode(), pl.col("dias").repeat_by("casos").explode()
    )
    expected = (
        expanded.group_by("g")
        .agg(
            pl.col("dias").quantile(0.5, interpolation="linear").alias("mediana_dias"),
            pl.col("dias").quantile(0.9, interpolation="linear").alias("p90_dias"),
        )
        .sort("g")
    )
    got = histogram_quantiles(histogram, ["g"])
    # Exact values have at most one decimal; Polars' floats differ from them by noise only.
    assert_frame_equal(got, expected, check_exact=False, abs_tol=1e-9)


def test_histogram_quantiles_by_hand() -> None:
    histogram = pl.DataFrame(
        {"g": ["a", "a", "a", "b"], "dias": [10, 0, 3, 4], "casos": [1, 2, 1, 5]}
    )
    expected = pl.DataFrame({"g": ["a", "b"], "mediana_dias": [1.5, 4.0], "p90_dias": [7.9, 4.0]})
    assert_frame_equal(histogram_quantiles(histogram, ["g"]), expected)


def test_histogram_quantiles_needs_a_group() -> None:
    with pytest.raises(ValueError):
        histogram_quantiles(pl.DataFrame({"dias": [1], "casos": [1]}), [])
