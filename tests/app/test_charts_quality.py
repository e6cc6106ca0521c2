"""The Calidad de datos chart builders (pure: a frame in, a Plotly figure out)."""

from __future__ import annotations

import polars as pl

from cac311.ui.charts import quality as charts_quality
from metrics.quality import SAME_MINUTE_SCHEMA


def _same_minute(rows: list[tuple[str, str, int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SAME_MINUTE_SCHEMA, orient="row")


def test_same_minute_bars_highest_share_on_top_and_zero_entities_left_out() -> None:
    frame = _same_minute(
        [
            ("AAA", "Uno", 100, 5, 5.0),
            ("BBB", "Dos", 10, 0, 0.0),
            ("CCC", "Tres", 40, 20, 50.0),
        ]
    )
    fig = charts_quality.same_minute_bars(frame)
    [bars] = fig.data
    assert list(bars.y) == ["AAA", "CCC"]  # horizontal bars: the last is drawn on top
    assert list(bars.x) == [5.0, 50.0]
    assert list(bars.text) == ["5.0 %", "50.0 %"]


def test_same_minute_bars_without_any_says_so() -> None:
    fig = charts_quality.same_minute_bars(_same_minute([("AAA", "Uno", 100, 0, 0.0)]))
    assert not fig.data
    assert "Ningún caso" in fig.layout.annotations[0].text


def test_quarantine_bars_one_bar_per_reason_most_rows_on_top() -> None:
    reasons = pl.DataFrame(
        {
            "reason": ["entidad_desconocida", "id_faltante"],
            "motivo": ["entidad no registrada", "falta el identificador"],
            "filas": [1200, 3],
        }
    )
    [bars] = charts_quality.quarantine_bars(reasons).data
    assert list(bars.y) == ["falta el identificador", "entidad no registrada"]
    assert list(bars.text) == ["3", "1,200"]
    assert not charts_quality.quarantine_bars(reasons.head(0)).data


def test_bar_labels_outside_the_longest_bar_have_room() -> None:
    """Plotly's autorange ends at the longest bar, cutting its `outside` label at the plot's
    edge ("310" read "31" on Resumen): the value axis leaves room past the longest bar."""
    reasons = pl.DataFrame({"reason": ["a", "b"], "motivo": ["uno", "dos"], "filas": [310, 40]})
    fig = charts_quality.quarantine_bars(reasons)
    low, high = fig.layout.xaxis.range
    assert low == 0
    assert high >= 310 * 1.1
    frame = _same_minute([("AAA", "Uno", 100, 5, 5.0), ("CCC", "Tres", 40, 20, 50.0)])
    assert charts_quality.same_minute_bars(frame).layout.xaxis.range[1] >= 55.0
