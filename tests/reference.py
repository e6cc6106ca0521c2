"""A slow, obviously-correct reference for the monthly table of SPEC §3, case by case.

Written straight from the SPEC's words with the standard library (datetime, zoneinfo, decimal,
fractions) and the `holidays` package. It deliberately shares no code with the fast path
(no ordinals, no calendar table, no histogram, no `metrics` helpers): the property test compares
the two on random data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class RefCase:
    case_id: str
    entity_id: str
    created_at: datetime  # naive UTC
    closed_at: datetime | None  # naive UTC
    status: str


def local_date(instant: datetime, timezone: str) -> date:
    return instant.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()


class DayCounter:
    """Counts days between dates by walking them one at a time."""

    def __init__(self, extra_days_off: Iterable[date] = ()) -> None:
        self.extra = set(extra_days_off)
        self._years: dict[int, set[date]] = {}

    def is_working_day(self, d: date) -> bool:
        if d.year not in self._years:
            self._years[d.year] = set(holidays.country_holidays("PA", years=d.year).keys())
        return d.weekday() < 5 and d not in self._years[d.year] and d not in self.extra

    def days(self, start: date, end: date, mode: str) -> int:
        if mode == "calendario":
            return (end - start).days
        count = 0
        d = start + timedelta(days=1)
        while d <= end:
            if self.is_working_day(d):
                count += 1
            d += timedelta(days=1)
        return count


def round1(value: Fraction | None) -> float | None:
    """Exact value rounded to one decimal, half away from zero."""
    if value is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round1(Fraction(100 * part, whole))


def quantile(values: list[int], q: Fraction) -> Fraction | None:
    """Linear interpolation between order statistics (NumPy 'linear')."""
    if not values:
        return None
    ordered = sorted(values)
    h = q * (len(ordered) - 1)
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def wilson(s: int, n: int, z: float = 1.96) -> float:
    p = s / n
    return (p + z * z / (2 * n) - z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / (
        1 + z * z / n
    )


def reference_table(
    cases: Iterable[RefCase],
    entities: Mapping[str, tuple[str, str, bool]],
    month: str,
    mode: str,
    *,
    legal_limit: int = 30,
    ranking_min_n: int = 20,
    timezone: str = "America/Panama",
    extra_days_off: Iterable[date] = (),
) -> list[dict[str, Any]]:
    """The publication rows for `month` ("YYYY-MM"); entities: id → (name, sector, active)."""
    counter = DayCounter(extra_days_off)
    all_cases = list(cases)
    year, mon = (int(part) for part in month.split("-"))
    start = date(year, mon, 1)
    end = (date(year + mon // 12, mon % 12 + 1, 1)) - timedelta(days=1)

    local = []
    datos_al: date | None = None
    for case in all_cases:
        created_on = local_date(case.created_at, timezone)
        closed_on = local_date(case.closed_at, timezone) if case.closed_at else None
        for d in (created_on, closed_on):
            if d is not None and (datos_al is None or d > datos_al):
                datos_al = d
        if case.status != "anulado":
            local.append((case.entity_id, created_on, closed_on))

    def figures(rows: list[tuple[str, date, date | None]]) -> dict[str, Any]:
        received = [r for r in rows if start <= r[1] <= end]
        closed = [r for r in rows if r[2] is not None and start <= r[2] <= end]
        closed_days = [counter.days(r[1], r[2], mode) for r in closed if r[2] is not None]
        on_time = sum(1 for d in closed_days if d <= legal_limit)
        open_at_end = [r for r in rows if r[1] <= end and (r[2] is None or r[2] > end)]
        overdue = sum(1 for r in open_at_end if counter.days(r[1], end, mode) > legal_limit)
        cohort_on_time = sum(
            1
            for r in received
            if r[2] is not None and counter.days(r[1], r[2], mode) <= legal_limit
        )
        return {
            "recibidos": len(received),
            "cerrados": len(closed),
            "cerrados_en_plazo": on_time,
            "cerrados_fuera_de_plazo": len(closed) - on_time,
            "pct_cerrados_en_plazo": pct(on_time, len(closed)),
            "abiertos_fin_mes": len(open_at_end),
            "vencidos_fin_mes": overdue,
            "indice_cumplimiento": pct(on_time, len(closed) + overdue),
            "mediana_dias": round1(quantile(closed_days, Fraction(1, 2))),
            "p90_dias": round1(quantile(closed_days, Fraction(9, 10))),
            "cohorte_en_plazo_pct": pct(cohort_on_time, len(received)),
        }

    mature = datos_al is not None and counter.days(end, datos_al, mode) >= legal_limit
    shown = []
    for entity_id in sorted(entities):
        name, sector, active = entities[entity_id]
        row = figures([r for r in local if r[0] == entity_id])
        if active or row["recibidos"] or row["cerrados"] or row["abiertos_fin_mes"]:
            shown.append({"entidad_id": entity_id, "entidad": name, "sector": sector, **row})

    ranked = []
    for row in shown:
        n = row["cerrados"] + row["vencidos_fin_mes"]
        if n >= ranking_min_n and n > 0:
            ranked.append((round(wilson(row["cerrados_en_plazo"], n), 12) + 0.0, n, row))
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2]["entidad_id"]))
    positions = {item[2]["entidad_id"]: i + 1 for i, item in enumerate(ranked)}

    result = []
    for row in shown:
        result.append(
            {
                "periodo": month,
                **row,
                "cohorte_madura": "si" if mature else "no",
                "posicion": positions.get(row["entidad_id"]),
            }
        )
    total = figures(local)
    result.append(
        {
            "periodo": month,
            "entidad_id": "TOTAL",
            "entidad": "Total nacional",
            "sector": None,
            **total,
            "cohorte_madura": "si" if mature else "no",
            "posicion": None,
        }
    )
    return result
