"""The Entidad page's clock chart: both clocks side by side, never mixed."""

from __future__ import annotations

from cac311.ui.charts.entity import clock_comparison


def test_both_clocks_are_drawn_with_met_and_missed_shares() -> None:
    fig = clock_comparison(40.0, 40, 37.5, 16, 30)
    met, missed = fig.data
    assert list(met.y) == ["Plazo legal (30 días)", "SLA de servicio"]
    assert list(met.x) == [40.0, 37.5]
    assert list(missed.x) == [60.0, 62.5]


def test_a_clock_without_cases_is_left_out_and_none_gives_a_blank_chart() -> None:
    only_legal = clock_comparison(80.0, 10, None, 0, 30)
    assert list(only_legal.data[0].y) == ["Plazo legal (30 días)"]
    blank = clock_comparison(None, 0, None, 0, 30)
    assert not blank.data
    assert blank.layout.annotations[0].text == "Sin casos cerrados en el mes."
