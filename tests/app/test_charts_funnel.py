"""The funnel plot judges every entity against the limits at its own n."""

from __future__ import annotations

import polars as pl

from cac311.ui.charts import ranking as charts
from metrics.funnel import funnel_limits, funnel_limits_at


def test_an_entity_between_the_curves_points_is_coloured_by_its_own_limits() -> None:
    rate = 60.0
    # n = 1,234 is not one of the curve's points (log-spaced above 1,000).
    assert 1_234 not in funnel_limits(rate, 5_000)["n"].to_list()
    ranking = pl.DataFrame(
        {
            "entidad_id": ["BAJA", "MEDIA", "ALTA"],
            "entidad": ["Baja", "Media", "Alta"],
            "n": [1_234, 1_234, 1_234],
            "indice_cumplimiento": [50.0, 60.0, 70.0],
        }
    )
    fig = charts.funnel_plot(ranking, funnel_limits(rate, 5_000), rate)
    [points] = [trace for trace in fig.data if trace.name == "Entidades"]
    assert list(points.marker.color) == [charts.VENCIDO, charts.PRIMARY, charts.EN_PLAZO]
    low, high = funnel_limits_at(rate, [1_234]).row(0)[1:]
    assert 50.0 < low < 60.0 < high < 70.0
