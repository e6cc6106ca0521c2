"""The Entidad page's Kaplan–Meier chart: a step line of the share closed from day 0, the
legal-limit line, and the median guide only when the median is estimated."""

from __future__ import annotations

import polars as pl

from cac311.ui.charts.survival import survival_chart
from metrics import survival as km


def curve() -> pl.DataFrame:
    histogram = pl.DataFrame(
        [("A", 3, 1, 0), ("A", 10, 1, 1), ("A", 40, 1, 0)],
        schema=km.HISTOGRAM_SCHEMA,
        orient="row",
    )
    return km.survival_curve(histogram)


def test_step_line_starts_at_zero_with_the_limit_and_median_lines() -> None:
    fig = survival_chart(curve(), 30, "días calendario", 10.0)
    (trace,) = fig.data
    assert trace.line.shape == "hv"
    assert list(trace.x) == [0, 3, 10, 40]
    # Ŝ: 3/4 at 3, 3/4 × 2/3 = 1/2 at 10, 0 at 40 → % closed 0, 25, 50, 100
    assert list(trace.y) == [0.0, 25.0, 50.0, 100.0]
    assert list(trace.customdata) == [4, 4, 3, 1]
    lines = [shape.x0 for shape in fig.layout.shapes if shape.type == "line"]
    assert 30 in lines and 10.0 in lines
    texts = [a.text for a in fig.layout.annotations]
    assert "Límite legal: 30 días" in texts and "Mediana: 10.0 días" in texts


def test_no_median_guide_when_not_estimated_and_blank_without_cases() -> None:
    fig = survival_chart(curve(), 30, "días hábiles", None)
    assert all("Mediana" not in a.text for a in fig.layout.annotations)
    blank = survival_chart(
        km.survival_curve(pl.DataFrame(schema=km.HISTOGRAM_SCHEMA)), 30, "", None
    )
    assert not blank.data
    assert blank.layout.annotations[0].text == "Sin casos recibidos en la ventana de la cohorte."
