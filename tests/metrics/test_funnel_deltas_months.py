from __future__ import annotations

from datetime import date
from itertools import pairwise

import polars as pl
import pytest

from metrics.deltas import KPIS, change, is_comparable, kpi_changes
from metrics.funnel import funnel_limits, funnel_n_values
from metrics.months import add_months, last_day, month_label, month_range, parse_month


def test_funnel_limits_by_hand() -> None:
    got = funnel_limits(50.0, 100)
    assert got.columns == ["n", "limite_inferior", "limite_superior"]
    assert got.height == 100
    row = got.filter(pl.col("n") == 100).row(0)
    assert row[1] == pytest.approx(40.2, abs=1e-9)  # 50 − 1.96 × √(0.25/100) × 100
    assert row[2] == pytest.approx(59.8, abs=1e-9)
    assert got.row(0)[1:] == (0.0, 100.0)  # n = 1: clipped to 0..100


def test_funnel_limits_refuse_a_fraction_out_of_range() -> None:
    with pytest.raises(ValueError):
        funnel_limits(150.0, 10)


@pytest.mark.parametrize(
    ("current", "earlier", "expected"),
    [
        (66.7, 50.0, (16.7, 33.4)),  # exact decimals: never 16.700000000000003
        (10.0, 0.0, (10.0, None)),
        (None, 3.0, (None, None)),
        (3.0, 4.0, (-1.0, -25.0)),
        (1.0, 8.0, (-7.0, -87.5)),
    ],
)
def test_change(
    current: float | None, earlier: float | None, expected: tuple[float | None, float | None]
) -> None:
    assert change(current, earlier) == expected


def test_month_after_datos_al_is_never_compared() -> None:
    assert is_comparable(202610, 202610, 202401)
    assert not is_comparable(202611, 202610, 202401)
    assert not is_comparable(202312, 202610, 202401)
    assert not is_comparable(202610, None, None)


def _figures(months: list[int], recibidos: list[int]) -> pl.DataFrame:
    frame = pl.DataFrame({"mes": months, "recibidos": recibidos})
    return frame.with_columns(
        pl.lit(None, dtype=pl.Float64).alias(k) for k in KPIS if k != "recibidos"
    )


def test_kpi_changes() -> None:
    months = month_range(202510, 202610)
    figures = _figures(months, list(range(10, 10 + len(months))))
    got = kpi_changes(figures, 202610, datos_al_month=202610, first_month=202510)
    row = got.filter(pl.col("kpi") == "recibidos").row(0, named=True)
    assert row == {
        "kpi": "recibidos",
        "valor": 22.0,
        "mes_anterior": 21.0,
        "delta_mes": 1.0,
        "delta_mes_pct": 4.8,
        "anio_anterior": 10.0,
        "delta_anio": 12.0,
        "delta_anio_pct": 120.0,
        "parcial": True,
    }
    assert got["kpi"].to_list() == list(KPIS)


def test_kpi_changes_without_data_a_year_before() -> None:
    months = month_range(202510, 202610)
    got = kpi_changes(_figures(months, [1] * len(months)), 202610, 202611, 202601)
    row = got.filter(pl.col("kpi") == "recibidos").row(0, named=True)
    assert (row["anio_anterior"], row["delta_anio"], row["parcial"]) == (None, None, False)
    assert row["mes_anterior"] == 1.0


def test_kpi_changes_of_a_month_after_datos_al() -> None:
    months = month_range(202510, 202610)
    got = kpi_changes(_figures(months, [1] * len(months)), 202610, 202609, 202501)
    assert got["mes_anterior"].is_null().all() and got["anio_anterior"].is_null().all()


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-10", "", "2026-10-01"])
def test_parse_month_refuses(bad: str) -> None:
    with pytest.raises(ValueError, match="AAAA-MM"):
        parse_month(bad)


def test_month_helpers() -> None:
    assert parse_month("2026-01") == 202601
    assert month_label(202601) == "2026-01"
    assert add_months(202601, -1) == 202512
    assert add_months(202512, 1) == 202601
    assert add_months(202610, -12) == 202510
    assert last_day(202802) == date(2028, 2, 29)
    assert last_day(202612) == date(2026, 12, 31)
    assert month_range(202511, 202602) == [202511, 202512, 202601, 202602]


def test_funnel_points_every_n_then_log_spaced() -> None:
    assert funnel_n_values(0) == []
    assert funnel_n_values(7) == [1, 2, 3, 4, 5, 6, 7]
    large = funnel_n_values(250_000)
    assert large[:1000] == list(range(1, 1001))
    assert large[-1] == 250_000 and large == sorted(set(large))
    assert len(large) < 1_500
    gaps = [b / a for a, b in pairwise(large[1000:])]
    assert max(gaps) < 1.02  # still a smooth curve
    limits = funnel_limits(62.3, 250_000)
    assert limits["n"].to_list() == large
