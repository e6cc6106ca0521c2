"""Early-warning flags on Resumen (list), Ranking (mark column) and Entidad (control chart), on
the demo data (CSS deteriorates in its last three months, `cac311.ingest.demo`); what the pages
show equals `cac311.analytics.early_warning.entity_flags` of the same month and mode."""

from __future__ import annotations

import json

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from cac311.analytics.dates import data_dates
from cac311.analytics.early_warning import entity_flags
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.ingest.demo_cases import DETERIORATING_ENTITY
from cac311.ui.charts.early_warning import TITLE
from cac311.ui.charts.style import VENCIDO
from cac311.ui.views.early_warning import ALERT_MARK
from metrics.early_warning import EN_DETERIORO
from metrics.period import Period
from tests.app.conftest import PageRunner

DEFAULT_MONTH = "2026-10"  # the last complete month before datos_al 15/11/2026


def flagged(url: str, month: str = DEFAULT_MONTH, mode: str = "calendario") -> list[str]:
    """The entities en deterioro in `month` by the analytics (sorted)."""
    engine = make_engine(url)
    try:
        frame = entity_flags(
            engine, Settings(), period=Period.parse(month, mode), dates=data_dates(engine)
        )
    finally:
        engine.dispose()
    month_int = int(month.replace("-", ""))
    chosen = frame.filter((pl.col("mes") == month_int) & (pl.col("estado_alerta") == EN_DETERIORO))
    return sorted(chosen["entidad_id"].to_list())


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
def test_resumen_lists_the_entities_en_deterioro(
    open_page: PageRunner, demo_sqlite_url: str, mode: str
) -> None:
    at = open_page("app.py", role="director", params={"dias": mode} if mode != "calendario" else {})
    assert not at.exception and not at.error
    expected = flagged(demo_sqlite_url, mode=mode)
    assert DETERIORATING_ENTITY in expected
    assert any("#### Alertas de deterioro" in m.value for m in at.markdown)
    listed = table_with(at, "ultima_senal")
    assert sorted(listed["entidad_id"]) == expected
    assert (listed["indice_cumplimiento"] < listed["lic_2s_pct"]).any()
    assert any(f"{len(expected)} entidad" in m.value for m in at.markdown)
    assert not at.warning  # warnings are the URL notices only


def test_resumen_does_not_evaluate_the_month_of_datos_al(open_page: PageRunner) -> None:
    at = open_page("app.py", role="admin", params={"mes": "2026-11"})
    assert not at.exception
    assert any("aún no cierra" in i.value for i in at.info)
    assert not [df for df in at.dataframe if "ultima_senal" in df.value.columns]


def test_ranking_marks_the_rows_en_deterioro(open_page: PageRunner, demo_sqlite_url: str) -> None:
    at = open_page("pages/1_Ranking.py", role="admin")
    assert not at.exception and not at.error
    expected = set(flagged(demo_sqlite_url))
    marked: set[str] = set()
    for frame in (df.value for df in at.dataframe if "alerta" in df.value.columns):
        assert set(frame["alerta"]) <= {ALERT_MARK, ""}
        marked |= set(frame.loc[frame["alerta"] == ALERT_MARK, "entidad_id"])
    ranked = table_with(at, "posicion")
    assert list(ranked.columns).index("alerta") == list(ranked.columns).index("entidad") + 1
    assert marked == expected


def test_entidad_shows_the_control_chart_of_a_deteriorating_entity(
    open_page: PageRunner,
) -> None:
    at = open_page("pages/2_Entidad.py", role="admin", params={"e": DETERIORATING_ENTITY})
    assert not at.exception and not at.error
    assert any("#### Alerta temprana de deterioro" in m.value for m in at.markdown)
    assert any("está en deterioro" in m.value for m in at.markdown)
    assert not at.warning
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    [control] = [s for s in specs if s["layout"]["title"]["text"] == TITLE]
    names = [trace["name"] for trace in control["data"]]
    assert "Límite inferior 3σ" in names and "Índice de cumplimiento" in names
    index = control["data"][-1]
    assert index["marker"]["color"][-1] == VENCIDO  # October: en deterioro


def test_entidad_of_an_entity_in_control_or_not_evaluated(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page("pages/2_Entidad.py", role="enlace")  # MINSA
    assert not at.exception and not at.error
    assert "MINSA" not in flagged(demo_sqlite_url)
    assert not any("está en deterioro" in m.value for m in at.markdown)
    assert any("bajo control" in s.value for s in at.success) or any(
        "no se evalúa" in i.value for i in at.info
    )
