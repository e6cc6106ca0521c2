"""View-models and chart of the early-warning flags (cac311.ui.views.early_warning, charts)."""

from __future__ import annotations

import polars as pl
import pytest

from cac311.ui.charts.early_warning import control_chart
from cac311.ui.charts.style import PRIMARY, VENCIDO
from cac311.ui.views.early_warning import (
    ALERT_MARK,
    CHART_COLUMNS,
    FLAGGED_COLUMNS,
    chart_frame,
    entity_state,
    flagged_entities,
    month_states,
    unevaluated_reason,
    with_mark,
)
from cac311.ui.views.ranking import RANKING_EXPORT_COLUMNS, ranking_export
from metrics.early_warning import early_warning
from metrics.months import add_months
from metrics.period import Month, Period
from tests.ui.test_views_ranking import ranking_frame

START = 202501


def counts(series: dict[str, list[tuple[int, int]]]) -> pl.DataFrame:
    rows = [
        (entity, add_months(START, k), n, x, True)
        for entity, values in series.items()
        for k, (n, x) in enumerate(values)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "entidad_id": pl.String,
            "mes": pl.Int64,
            "n": pl.Int64,
            "x": pl.Int64,
            "madura": pl.Boolean,
        },
        orient="row",
    )


FLAT = [(100, 70)] * 12
# A drops in its 13th month (0.50 < 0.5625), B stays at 0.70, C is thin.
FLAGS = early_warning(
    counts({"A": [*FLAT, (100, 50)], "B": [*FLAT, (100, 70)], "C": [(5, 5)] * 13})
)
M13 = Month(add_months(START, 12))


def test_month_states_and_the_ranking_export_join() -> None:
    states = month_states(FLAGS, M13)
    assert states.rows() == [
        ("A", True, "en_deterioro"),
        ("B", False, "en_control"),
        ("C", False, "sin_evaluar"),
    ]
    export = ranking_export(ranking_frame(), Period.parse("2026-10"), month_states(FLAGS, M13))
    assert export.columns == [*RANKING_EXPORT_COLUMNS, "alerta_deterioro", "estado_alerta"]
    assert export["entidad_id"].to_list() == ["B", "A", "C", "D", "E", "F"]  # order kept
    assert export["alerta_deterioro"].to_list() == [False, True, False, None, None, None]
    assert export["estado_alerta"].to_list()[:3] == ["en_control", "en_deterioro", "sin_evaluar"]


def test_flagged_entities_in_percent() -> None:
    got = flagged_entities(FLAGS, M13, {"A": "Entidad A"})
    assert got.columns == list(FLAGGED_COLUMNS)
    assert got.rows() == [("A", "Entidad A", 50.0, 70.0, 60.8, 100, "2026-01")]
    assert flagged_entities(FLAGS, Month(START), {}).is_empty()


def test_with_mark_puts_the_column_after_the_name() -> None:
    view = pl.DataFrame({"posicion": [1, 2], "entidad_id": ["B", "A"], "entidad": ["b", "a"]})
    got = with_mark(view, month_states(FLAGS, M13))
    assert got.columns == ["posicion", "entidad_id", "entidad", "alerta"]
    assert got["alerta"].to_list() == ["", ALERT_MARK]
    missing = with_mark(view, month_states(FLAGS, M13).clear())
    assert missing["alerta"].to_list() == ["", ""]


def test_chart_frame_window_and_state() -> None:
    chart = chart_frame(FLAGS, "A", M13, months=3)
    assert chart.columns == list(CHART_COLUMNS)
    assert chart["periodo"].to_list() == ["2025-11", "2025-12", "2026-01"]
    last = chart.row(-1, named=True)
    assert (last["indice_cumplimiento"], last["linea_base_pct"], last["lic_3s_pct"]) == (
        50.0,
        70.0,
        pytest.approx(56.3),
    )
    assert chart["lic_2s_pct"].null_count() == 2  # not evaluated before the 13th month
    assert entity_state(FLAGS, "A", M13) == "en_deterioro"
    assert entity_state(FLAGS, "ZZ", M13) == "sin_evaluar"


def test_unevaluated_reasons() -> None:
    assert "no cierra" in unevaluated_reason(chart_frame(FLAGS, "A", M13), False)
    assert "n = 5" in unevaluated_reason(chart_frame(FLAGS, "C", M13), True)
    assert "12 meses" in unevaluated_reason(chart_frame(FLAGS, "B", Month(START)), True)


def test_control_chart_marks_the_months_en_deterioro() -> None:
    fig = control_chart(chart_frame(FLAGS, "A", M13))
    index = fig.data[-1]
    assert list(index.y)[-1] == 50.0
    colours = list(index.marker.color)
    assert colours[-1] == VENCIDO and set(colours[:-1]) == {PRIMARY}
    assert list(index.marker.symbol)[-1] == "diamond"
    assert len(fig.data) == 5
    empty = control_chart(chart_frame(FLAGS, "ZZ", M13))
    assert len(empty.data) == 0 and empty.layout.annotations
