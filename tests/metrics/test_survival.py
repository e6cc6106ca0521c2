"""Kaplan–Meier time to close (metrics.survival): hand-computed curves and medians, and
properties against a slow case-by-case reference written straight from the definitions."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import survival as km
from metrics.monthly import monthly_figures
from metrics.percentiles import histogram_quantiles
from metrics.rounding import round_half_away

Case = tuple[int, bool]  # (observed days, closed?) — open cases are censored at their age

# --- the slow reference: one case at a time, no histogram, no running products -------------


def ref_survival(cases: list[Case], t: int) -> Fraction:
    """Ŝ(t) = Π over closure times u ≤ t of (1 − closed at u / at risk at u), where a case is
    at risk at u when its observed time is ≥ u (an open case of age u is still at risk at u)."""
    value = Fraction(1)
    for u in sorted({days for days, closed in cases if closed and days <= t}):
        at_risk = sum(1 for days, _ in cases if days >= u)
        closed_at_u = sum(1 for days, closed in cases if closed and days == u)
        value *= 1 - Fraction(closed_at_u, at_risk)
    return value


def ref_median(cases: list[Case]) -> Fraction | None:
    """R survival: the first time Ŝ ≤ 1/2; on a flat at exactly 1/2, the midpoint between its
    start and the first time Ŝ < 1/2 (the largest observed time when Ŝ never goes below)."""
    times = sorted({days for days, _ in cases})
    low = next((t for t in times if ref_survival(cases, t) <= Fraction(1, 2)), None)
    if low is None:
        return None
    if ref_survival(cases, low) < Fraction(1, 2):
        return Fraction(low)
    high = next((t for t in times if ref_survival(cases, t) < Fraction(1, 2)), times[-1])
    return Fraction(low + high, 2)


def ref_share_closed(cases: list[Case], t: int) -> Fraction | None:
    largest = max(days for days, _ in cases)
    if t > largest and ref_survival(cases, largest) != 0:
        return None
    return 1 - ref_survival(cases, t)


def histogram_of(cases: list[Case]) -> list[tuple[int, int, int]]:
    rows: dict[int, list[int]] = {}
    for days, closed in cases:
        entry = rows.setdefault(days, [0, 0])
        entry[0 if closed else 1] += 1
    return [(days, c, a) for days, (c, a) in rows.items()]


cases_strategy = st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=40)
closed_only = st.lists(st.tuples(st.integers(0, 90), st.just(True)), min_size=1, max_size=40)


# --- hand-computed ---------------------------------------------------------------------------


def test_curve_by_hand_ties_close_before_censoring() -> None:
    # 6 cases: closed at 2, 5, 5; open aged 5 (censored at 5, after the closures), 8, 12.
    curve = km.km_curve([(2, 1, 0), (5, 2, 1), (8, 0, 1), (12, 0, 1)])
    assert [(s.dias, s.en_riesgo, s.cerrados, s.abiertos) for s in curve.steps] == [
        (2, 6, 1, 0),
        (5, 5, 2, 1),  # the case open at age 5 is at risk for the closures at 5
        (8, 2, 0, 1),
        (12, 1, 0, 1),
    ]
    # Ŝ(2) = 5/6; Ŝ(5) = 5/6 × 3/5 = 1/2, flat to the end (no later closure)
    assert [s.survival for s in curve.steps] == [
        Fraction(5, 6),
        Fraction(1, 2),
        Fraction(1, 2),
        Fraction(1, 2),
    ]
    # flat at exactly 1/2 up to the last observation (12): midpoint of 5 and 12
    assert km.km_median(curve) == Fraction(17, 2)
    assert km.km_share_closed_by(curve, 4) == Fraction(1, 6)
    assert km.km_share_closed_by(curve, 12) == Fraction(1, 2)
    assert km.km_share_closed_by(curve, 13) is None  # beyond every observation, cases open


def test_median_midpoint_of_a_flat_at_one_half() -> None:
    # closed at 1, 3, 7, 10: Ŝ = 3/4, 1/2 (from 3 to 7), 1/4, 0 → median (3 + 7) / 2 = 5
    curve = km.km_curve([(1, 1, 0), (3, 1, 0), (7, 1, 0), (10, 1, 0)])
    assert km.km_median(curve) == 5
    # a censored case at 5 inside the flat does not move the next drop: n = 5
    # closed 1, 3 (Ŝ 4/5, 3/5), open 5, closed 7 (Ŝ 3/5 × 1/2 = 3/10) → first ≤ 1/2 at 7
    censored = km.km_curve([(1, 1, 0), (3, 1, 0), (5, 0, 1), (7, 1, 0), (10, 1, 0)])
    assert km.km_median(censored) == 7


def test_median_not_reached_and_share_with_open_cases() -> None:
    # 3 of 12 closed (at 0, 4, 40); 9 open aged 10..50
    opened = (10, 12, 20, 25, 31, 33, 41, 45, 50)
    rows = [(0, 1, 0), (4, 1, 0), (40, 1, 0)] + [(d, 0, 1) for d in opened]
    curve = km.km_curve(rows)
    assert km.km_median(curve) is None
    assert curve.max_dias == 50
    # Ŝ(30) = 11/12 × 10/11 = 5/6 (the cases open at 10..25 leave the risk set without closing)
    assert km.km_share_closed_by(curve, 30) == Fraction(1, 6)
    # at 40 one closes of the 4 at risk (40, 41, 45, 50): Ŝ(40) = 5/6 × 3/4 = 5/8
    assert km.km_share_closed_by(curve, 40) == Fraction(3, 8)


def test_every_case_closed_before_l_is_100_percent_even_beyond_the_last_time() -> None:
    curve = km.km_curve([(d, 1, 0) for d in range(20)])
    assert km.km_share_closed_by(curve, 30) == 1  # Ŝ reached 0 at 19: defined after it
    assert km.km_median(curve) == Fraction(19, 2)


def test_empty_and_invalid_histograms() -> None:
    empty = km.km_curve([(3, 0, 0)])
    assert empty.steps == () and empty.cases == 0 and empty.max_dias is None
    assert km.km_median(empty) is None
    assert km.km_survival_at(empty, 30) is None
    with pytest.raises(ValueError):
        km.km_curve([(-1, 1, 0)])
    with pytest.raises(ValueError):
        km.km_curve([(2, -1, 0)])


def test_summary_statuses_and_rounding() -> None:
    rows = []
    # A: 20 cases, closed at 0..19 → median 9.5, 100 % by 30
    rows += [("A", d, 1, 0) for d in range(20)]
    # B: 19 cases → insuficiente, no figure
    rows += [("B", d, 1, 0) for d in range(19)]
    # C: 21 cases, 3 closed at 1, 18 open aged 50 → not reached (> 50); 1 − 18/21 = 14.3 %
    rows += [("C", 1, 3, 0), ("C", 50, 0, 18)]
    # D: 30 cases, 7 closed at 5 and 23 at 31: 100 × 7/30 = 23.333… → 23.3; median 31
    rows += [("D", 5, 7, 0), ("D", 31, 23, 0)]
    histogram = pl.DataFrame(rows, schema=km.HISTOGRAM_SCHEMA, orient="row")
    got = km.survival_summary(histogram, 30)
    assert got.schema == pl.Schema(km.SUMMARY_SCHEMA)
    assert got.rows() == [
        ("A", 20, 20, 0, 19, km.ESTIMATED, 9.5, 100.0),
        ("B", 19, 19, 0, 18, km.INSUFFICIENT, None, None),
        ("C", 21, 3, 18, 50, km.NOT_REACHED, None, 14.3),
        ("D", 30, 30, 0, 31, km.ESTIMATED, 31.0, 23.3),
    ]
    assert km.survival_summary(histogram.clear(), 30).is_empty()


def test_curve_frame_pools_the_groups() -> None:
    histogram = pl.DataFrame(
        [("A", 2, 1, 0), ("B", 2, 0, 1), ("B", 4, 1, 0)], schema=km.HISTOGRAM_SCHEMA, orient="row"
    )
    curve = km.survival_curve(histogram)
    assert curve.schema == pl.Schema(km.CURVE_SCHEMA)
    assert curve.rows() == [(2, 3, 1, 1, 2 / 3, 100 / 3), (4, 1, 1, 0, 0.0, 100.0)]


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(cases=cases_strategy)
def test_curve_median_and_share_equal_the_case_by_case_reference(cases: list[Case]) -> None:
    curve = km.km_curve(histogram_of(cases))
    assert curve.cases == len(cases)
    for step in curve.steps:
        assert step.survival == ref_survival(cases, step.dias)
    assert km.km_median(curve) == ref_median(cases)
    for limit in (0, 7, 30, 61):
        assert km.km_share_closed_by(curve, limit) == ref_share_closed(cases, limit)


@settings(max_examples=200, deadline=None)
@given(cases=closed_only)
def test_without_open_cases_the_median_is_mediana_dias(cases: list[Case]) -> None:
    rows = histogram_of(cases)
    median = km.km_median(km.km_curve(rows))
    histogram = pl.DataFrame(
        [("g", days, closed) for days, closed, _ in rows],
        schema={"g": pl.String, "dias": pl.Int64, "casos": pl.Int64},
        orient="row",
    )
    mediana_dias = histogram_quantiles(histogram, ["g"])["mediana_dias"][0]
    assert median is not None
    assert round_half_away(median) == mediana_dias
    summary = km.survival_summary(
        pl.DataFrame(
            [("g", d, c, a) for d, c, a in rows], schema=km.HISTOGRAM_SCHEMA, orient="row"
        ),
        30,
        min_cases=1,
    )
    assert summary["km_mediana_dias"][0] == mediana_dias


mature_cohorts = st.tuples(
    st.lists(st.integers(0, 90), max_size=30),  # closed cases: dias
    st.lists(st.integers(30, 90), max_size=30),  # open cases: age on datos_al ≥ L (mature)
).filter(lambda pair: len(pair[0]) + len(pair[1]) > 0)


@settings(max_examples=200, deadline=None)
@given(cohort=mature_cohorts, limit=st.sampled_from([30, 10]))
def test_mature_cohort_share_by_l_is_cohorte_en_plazo_pct(
    cohort: tuple[list[int], list[int]], limit: int
) -> None:
    closed, open_ages = cohort
    open_ages = [max(age, limit) for age in open_ages]  # mature for this L too
    cases = [(d, True) for d in closed] + [(a, False) for a in open_ages]
    received = pl.DataFrame(
        {
            "grupo": ["g"],
            "mes": [202610],
            "recibidos": [len(cases)],
            "cohorte_en_plazo": [sum(1 for d in closed if d <= limit)],
        }
    )
    empty_hist = pl.DataFrame(
        schema={"grupo": pl.String, "mes": pl.Int64, "dias": pl.Int64, "casos": pl.Int64}
    )
    empty_open = pl.DataFrame(
        schema={
            "grupo": pl.String,
            "mes": pl.Int64,
            "abiertos_fin_mes": pl.Int64,
            "vencidos_fin_mes": pl.Int64,
        }
    )
    figures = monthly_figures(received, received, empty_hist, empty_open, limit)
    expected = figures["cohorte_en_plazo_pct"][0]
    share = km.km_share_closed_by(km.km_curve(histogram_of(cases)), limit)
    assert share is not None
    assert round_half_away(100 * share) == expected
    summary = km.survival_summary(
        pl.DataFrame(
            [("g", d, c, a) for d, c, a in histogram_of(cases)],
            schema=km.HISTOGRAM_SCHEMA,
            orient="row",
        ),
        limit,
        min_cases=1,
    )
    assert summary["km_pct_cerrados_en_plazo"][0] == expected
