"""A slow, obviously-correct reference for `metrics.early_warning`, entity by entity, month by
month.

Written from the words of docs/metrics.md §16 with plain Python loops and `math` (no Polars
expressions, no shifts or window functions): for each month it looks back through the calendar
for the baseline, computes p̄, the z-scores, χ², σ_z and the limits, then walks the state machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BASELINE = 12
LOOKBACK = 24
MIN_N = 20
CHI2 = 24.725
D2 = 1.128


@dataclass(frozen=True)
class Row:
    entity: str
    month: int  # yyyymm
    n: int
    x: int
    mature: bool


def month_index(yyyymm: int) -> int:
    return (yyyymm // 100) * 12 + yyyymm % 100 - 1


def empty_result(row: Row) -> dict[str, Any]:
    return {
        "entidad_id": row.entity,
        "mes": row.month,
        "n": row.n,
        "x": row.x,
        "p": row.x / row.n if row.n > 0 else None,
        "evaluado": False,
        "p_media": None,
        "sigma_z": None,
        "sobredispersion": None,
        "lic_3s": None,
        "lic_2s": None,
        "lsc_3s": None,
        "bajo_3s": False,
        "bajo_2s": False,
    }


def baseline_of(by_index: dict[int, Row], t: int) -> list[Row] | None:
    """Walk back month by month from t−1 to t−24; the first 12 eligible months met, oldest
    first (None when fewer)."""
    baseline: list[Row] = []
    back = t - 1
    while len(baseline) < BASELINE and back >= t - LOOKBACK:
        earlier = by_index.get(back)
        if earlier is not None and earlier.mature and earlier.n >= MIN_N:
            baseline.append(earlier)
        back -= 1
    return list(reversed(baseline)) if len(baseline) == BASELINE else None


def evaluate(row: Row, baseline: list[Row]) -> dict[str, Any] | None:
    """The limits of `row` against `baseline` (None when p̄ is 0 or 1)."""
    p_bar = sum(b.x for b in baseline) / sum(b.n for b in baseline)
    spread = p_bar * (1 - p_bar)
    if spread <= 0:
        return None
    z = [(b.x / b.n - p_bar) / math.sqrt(spread / b.n) for b in baseline]
    chi2 = sum(v * v for v in z)
    ranges = [abs(z[i] - z[i - 1]) for i in range(1, len(z))]
    sigma_z = sum(ranges) / len(ranges) / D2
    over = chi2 > CHI2
    factor = max(1.0, sigma_z) if over else 1.0
    width = factor * math.sqrt(spread / row.n)
    p = row.x / row.n
    return {
        "evaluado": True,
        "p_media": p_bar,
        "sigma_z": sigma_z,
        "sobredispersion": over,
        "lic_3s": p_bar - 3 * width,
        "lic_2s": p_bar - 2 * width,
        "lsc_3s": p_bar + 3 * width,
        "bajo_3s": p < p_bar - 3 * width,
        "bajo_2s": p < p_bar - 2 * width,
    }


def walk_states(mine: list[Row], results: dict[int, dict[str, Any]]) -> None:
    """Signals and the state machine, month by month (fills senal, estado, alerta)."""
    flagged = False
    calm = 0
    for row in mine:
        t = month_index(row.month)
        result = results[t]
        earlier_low = any(results[t - back]["bajo_2s"] for back in (1, 2) if (t - back) in results)
        signal = result["bajo_3s"] or (result["bajo_2s"] and earlier_low)
        result["senal"] = signal
        if signal:
            flagged, calm = True, 0
        elif result["evaluado"] and flagged:
            calm += 1
            flagged = calm < 2
        if not result["evaluado"]:
            state = "sin_evaluar"
        else:
            state = "en_deterioro" if flagged else "en_control"
        result["estado_alerta"] = state
        result["alerta_deterioro"] = state == "en_deterioro"


def reference(rows: list[Row]) -> list[dict[str, Any]]:
    """One dict per row (EARLY_WARNING_SCHEMA's keys), sorted by entity, month."""
    out: list[dict[str, Any]] = []
    for entity in sorted({r.entity for r in rows}):
        mine = sorted((r for r in rows if r.entity == entity), key=lambda r: r.month)
        by_index = {month_index(r.month): r for r in mine}
        results: dict[int, dict[str, Any]] = {}
        for row in mine:
            t = month_index(row.month)
            results[t] = empty_result(row)
            if not row.mature or row.n < MIN_N:
                continue
            baseline = baseline_of(by_index, t)
            limits = evaluate(row, baseline) if baseline is not None else None
            if limits is not None:
                results[t].update(limits)
        walk_states(mine, results)
        out.extend(results[month_index(r.month)] for r in mine)
    return out
