"""Time to close including open cases: the Kaplan–Meier estimate (issue 16, docs/metrics.md §17).

`mediana_dias` and `cohorte_en_plazo_pct` (SPEC §3) only see the cases that closed: while a cohort
is young its slow cases are still open, so the median of the closed ones looks better than it
will be. The Kaplan–Meier (product-limit) estimator uses every case received in the window: a
closed case is an *event* at `dias`; an open case is *censored* at its age on `datos_al` (it is
known to take at least that long). The database returns a histogram per entity and day count
(`dias`, `cerrados`, `abiertos`); everything here is computed from it, exactly.

Definitions (t = a day count in the active mode, calendario or hábiles):

- at risk at t:  n(t) = cases with an observed time ≥ t;
- closed at t:   d(t) = cases closed with dias = t;
- Ŝ(t) = Π_{t_i ≤ t} (1 − d(t_i)/n(t_i)): the estimated share still open after t days;
  1 − Ŝ(t) is the estimated share closed within t days.
- **Ties** at the same t: closures come before censoring. A case open with age t counts as at
  risk at t (it was still open at t), so it is in n(t) for the closures at t. This is the usual
  Kaplan–Meier convention (R `survival::survfit`), and it is what makes 1 − Ŝ(L) equal to
  `cohorte_en_plazo_pct` for a mature cohort: a case open exactly L days is not yet a breach.
- **Median** (R `survival`'s convention, `quantile.survfit`): the smallest t with Ŝ(t) ≤ 1/2;
  when Ŝ is exactly 1/2 on a flat stretch, the midpoint between the time it got there and the
  next time it drops (or, when it never drops again, the largest observed time). With no open
  case this is the `mediana_dias` of the same cases (linear interpolation: the midpoint of the
  two middle values when n is even), so the two figures agree whenever there is nothing to
  censor.
- **No alcanzada**: Ŝ stays above 1/2 up to the largest observed time N: fewer than half are
  estimated closed, and the median is only known to be > N days.
- **Insuficiente**: fewer than KM_MIN_CASES cases in the cohort: no figure is given.
- Ŝ(L) is undefined beyond the largest observed time when the curve has not reached 0 (the
  last cases are still open): the share closed by L is then empty.

Ŝ is kept as an exact fraction (products of integers), so "exactly 1/2" is an exact test and
no floating-point noise can move the median or a rounding tie.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import polars as pl

from metrics.period import Month
from metrics.rounding import round_half_away

# The cohort of month M for this figure: the cases received in the 3 calendar months M−2..M.
# One month leaves most entities under KM_MIN_CASES; six would mix in half a year of old
# behaviour. Censoring at datos_al lets the young months count without waiting for them.
COHORT_MONTHS = 3
# Fewer cases than this in the cohort: "insuficiente" (the same 20 as the ranking's default n).
KM_MIN_CASES = 20

ESTIMATED = "estimada"
NOT_REACHED = "no_alcanzada"
INSUFFICIENT = "insuficiente"

HISTOGRAM_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "dias": pl.Int64(),
    "cerrados": pl.Int64(),
    "abiertos": pl.Int64(),
}
CURVE_SCHEMA: dict[str, pl.DataType] = {
    "dias": pl.Int64(),
    "en_riesgo": pl.Int64(),
    "cerrados": pl.Int64(),
    "abiertos": pl.Int64(),
    "supervivencia": pl.Float64(),
    "pct_cerrados": pl.Float64(),
}
SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "km_casos": pl.Int64(),
    "km_cerrados": pl.Int64(),
    "km_abiertos": pl.Int64(),
    "km_max_dias": pl.Int64(),
    "km_mediana_estado": pl.String(),
    "km_mediana_dias": pl.Float64(),
    "km_pct_cerrados_en_plazo": pl.Float64(),
}


def cohort_window(month: Month, months: int = COHORT_MONTHS) -> tuple[Month, Month]:
    """The first and last month of the cohort of `month`: the `months` calendar months
    ending at it."""
    if months < 1:
        raise ValueError("a cohort window has at least one month")
    return month.shift(-(months - 1)), month


@dataclass(frozen=True)
class Step:
    """One distinct observed time of the curve; Ŝ(dias) = surv_num / surv_den exactly."""

    dias: int
    en_riesgo: int
    cerrados: int
    abiertos: int
    surv_num: int
    surv_den: int

    @property
    def survival(self) -> Fraction:
        return Fraction(self.surv_num, self.surv_den)

    @property
    def at_most_half(self) -> bool:
        return 2 * self.surv_num <= self.surv_den

    @property
    def exactly_half(self) -> bool:
        return 2 * self.surv_num == self.surv_den


@dataclass(frozen=True)
class Curve:
    """The Kaplan–Meier curve of one group: its steps by increasing `dias`."""

    steps: tuple[Step, ...]

    @property
    def cases(self) -> int:
        return self.steps[0].en_riesgo if self.steps else 0

    @property
    def max_dias(self) -> int | None:
        """N: the largest observed time (closure or age of an open case)."""
        return self.steps[-1].dias if self.steps else None


def km_curve(rows: Iterable[tuple[int, int, int]]) -> Curve:
    """The curve from histogram rows (dias, cerrados, abiertos) of one group.

    Rows may repeat a `dias` (they are added) and come in any order; counts must be ≥ 0 and
    `dias` ≥ 0. Times with no case are dropped.
    """
    counts: dict[int, list[int]] = {}
    for dias, closed, censored in rows:
        if dias < 0 or closed < 0 or censored < 0:
            raise ValueError(f"invalid histogram row ({dias}, {closed}, {censored})")
        if closed + censored == 0:
            continue
        entry = counts.setdefault(int(dias), [0, 0])
        entry[0] += int(closed)
        entry[1] += int(censored)
    at_risk = sum(closed + censored for closed, censored in counts.values())
    num, den = 1, 1
    steps = []
    for dias in sorted(counts):
        closed, censored = counts[dias]
        if closed:
            num *= at_risk - closed
            den *= at_risk
        steps.append(Step(dias, at_risk, closed, censored, num, den))
        at_risk -= closed + censored
    return Curve(tuple(steps))


def km_median(curve: Curve) -> Fraction | None:
    """The estimated median (R `survival` convention, module docstring); None when Ŝ never
    reaches 1/2 (or the curve is empty)."""
    steps = curve.steps
    for i, step in enumerate(steps):
        if not step.at_most_half:
            continue
        if not step.exactly_half:
            return Fraction(step.dias)
        later = next((s.dias for s in steps[i + 1 :] if s.cerrados > 0), None)
        end = later if later is not None else steps[-1].dias
        return Fraction(step.dias + end, 2)
    return None


def km_survival_at(curve: Curve, t: int) -> Fraction | None:
    """Ŝ(t); None when t lies beyond the largest observed time and Ŝ has not reached 0 there
    (undefined: the last cases are still open). Ŝ(t) = 1 before the first closure."""
    steps = curve.steps
    if not steps:
        return None
    if t > steps[-1].dias and steps[-1].surv_num != 0:
        return None
    last = next((s for s in reversed(steps) if s.dias <= t), None)
    return Fraction(1) if last is None else last.survival


def km_share_closed_by(curve: Curve, t: int) -> Fraction | None:
    """1 − Ŝ(t): the estimated share of the cohort closed within t days (None as above)."""
    survival = km_survival_at(curve, t)
    return None if survival is None else 1 - survival


def curve_frame(curve: Curve) -> pl.DataFrame:
    """The curve as a frame (CURVE_SCHEMA): one row per observed time; `supervivencia` = Ŝ,
    `pct_cerrados` = 100 × (1 − Ŝ) (unrounded: it is drawn, not published)."""
    rows = [
        (
            s.dias,
            s.en_riesgo,
            s.cerrados,
            s.abiertos,
            s.surv_num / s.surv_den,
            100 * (s.surv_den - s.surv_num) / s.surv_den,
        )
        for s in curve.steps
    ]
    return pl.DataFrame(rows, schema=CURVE_SCHEMA, orient="row")


def _group_rows(histogram: pl.DataFrame, by: str) -> dict[str, list[tuple[int, int, int]]]:
    groups: dict[str, list[tuple[int, int, int]]] = {}
    for key, dias, closed, censored in histogram.select(
        by, "dias", "cerrados", "abiertos"
    ).iter_rows():
        groups.setdefault(str(key), []).append((int(dias), int(closed), int(censored)))
    return groups


def summarize(curve: Curve, limit_days: int, min_cases: int = KM_MIN_CASES) -> dict[str, object]:
    """The figures of one group (SUMMARY_SCHEMA without the key)."""
    closed = sum(s.cerrados for s in curve.steps)
    censored = sum(s.abiertos for s in curve.steps)
    figures: dict[str, object] = {
        "km_casos": curve.cases,
        "km_cerrados": closed,
        "km_abiertos": censored,
        "km_max_dias": curve.max_dias,
        "km_mediana_estado": INSUFFICIENT,
        "km_mediana_dias": None,
        "km_pct_cerrados_en_plazo": None,
    }
    if curve.cases < min_cases:
        return figures
    median = km_median(curve)
    share = km_share_closed_by(curve, limit_days)
    figures["km_mediana_estado"] = NOT_REACHED if median is None else ESTIMATED
    figures["km_mediana_dias"] = round_half_away(median)
    figures["km_pct_cerrados_en_plazo"] = None if share is None else round_half_away(100 * share)
    return figures


def survival_summary(
    histogram: pl.DataFrame,
    limit_days: int,
    *,
    by: str = "entidad_id",
    min_cases: int = KM_MIN_CASES,
) -> pl.DataFrame:
    """Per group of a histogram (`by`, dias, cerrados, abiertos): SUMMARY_SCHEMA, one row per
    group with any case, sorted by the key (renamed `entidad_id`).

    `km_mediana_estado`: "estimada" (`km_mediana_dias` holds the median), "no_alcanzada" (Ŝ
    stays above 1/2: the median is > `km_max_dias`), "insuficiente" (`km_casos` < min_cases;
    both figures empty). `km_pct_cerrados_en_plazo` = 100 × (1 − Ŝ(L)), one decimal half away
    from zero; empty when insuficiente or when Ŝ(L) is undefined (L beyond every observation
    while cases remain open).
    """
    rows = []
    for key, group in sorted(_group_rows(histogram, by).items()):
        curve = km_curve(group)
        if curve.cases:
            rows.append({"entidad_id": key, **summarize(curve, limit_days, min_cases)})
    return pl.DataFrame(rows, schema=SUMMARY_SCHEMA)


def survival_curve(histogram: pl.DataFrame) -> pl.DataFrame:
    """The curve (CURVE_SCHEMA) of every case of the histogram, all groups pooled."""
    rows: Sequence[tuple[int, int, int]] = [
        (int(d), int(c), int(a))
        for d, c, a in histogram.select("dias", "cerrados", "abiertos").iter_rows()
    ]
    return curve_frame(km_curve(rows))
