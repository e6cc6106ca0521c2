"""Month-over-month and year-over-year changes of the national KPIs (SPEC §3).

A month after datos_al is never compared (nor one before the first month with data: no data is
not zero). The month containing datos_al is marked `parcial`. Changes are computed from the
published (rounded) values, exactly in decimal, so the figures a reader sees add up.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl

from metrics.months import add_months
from metrics.rounding import round_half_away

KPIS: tuple[str, ...] = (
    "recibidos",
    "cerrados",
    "pct_cerrados_en_plazo",
    "abiertos_fin_mes",
    "vencidos_fin_mes",
    "indice_cumplimiento",
    "mediana_dias",
    "p90_dias",
)
DELTA_SCHEMA: dict[str, pl.DataType] = {
    "kpi": pl.String(),
    "valor": pl.Float64(),
    "mes_anterior": pl.Float64(),
    "delta_mes": pl.Float64(),
    "delta_mes_pct": pl.Float64(),
    "anio_anterior": pl.Float64(),
    "delta_anio": pl.Float64(),
    "delta_anio_pct": pl.Float64(),
    "parcial": pl.Boolean(),
}


def _exact(value: float | int) -> Fraction:
    return Fraction(Decimal(repr(value)))


def change(current: float | None, earlier: float | None) -> tuple[float | None, float | None]:
    """(absolute difference, percent difference) of two published values; None when undefined.

    The percent difference is null when the earlier value is 0.
    """
    if current is None or earlier is None:
        return None, None
    difference = _exact(current) - _exact(earlier)
    pct = None if earlier == 0 else round_half_away(100 * difference / _exact(earlier))
    return float(Decimal(difference.numerator) / Decimal(difference.denominator)), pct


def is_comparable(month: int, datos_al_month: int | None, first_month: int | None) -> bool:
    """True when `month` lies within the data (first month .. month of datos_al)."""
    if datos_al_month is None or month > datos_al_month:
        return False
    return first_month is None or month >= first_month


def kpi_changes(
    figures: pl.DataFrame, month: int, datos_al_month: int | None, first_month: int | None
) -> pl.DataFrame:
    """One row per KPI of KPIS with its value in `month` and changes vs M−1 and M−12.

    `figures`: one row per month (`mes`, yyyymm) with the KPI columns (monthly_figures output of
    one group) and covering at least M−12..M. Output columns DELTA_SCHEMA, in KPIS order.
    """
    by_month = {row["mes"]: row for row in figures.to_dicts()}
    current_ok = is_comparable(month, datos_al_month, first_month)
    rows = []
    for kpi in KPIS:
        value = by_month.get(month, {}).get(kpi)
        row: dict[str, object] = {"kpi": kpi, "valor": value}
        for prefix, delta_prefix, offset in (
            ("mes_anterior", "delta_mes", -1),
            ("anio_anterior", "delta_anio", -12),
        ):
            other = add_months(month, offset)
            earlier = (
                by_month.get(other, {}).get(kpi)
                if current_ok and is_comparable(other, datos_al_month, first_month)
                else None
            )
            difference, pct = change(value, earlier)
            row[prefix] = earlier
            row[delta_prefix] = difference
            row[f"{delta_prefix}_pct"] = pct
        row["parcial"] = datos_al_month == month
        rows.append(row)
    return pl.DataFrame(rows, schema=DELTA_SCHEMA)
