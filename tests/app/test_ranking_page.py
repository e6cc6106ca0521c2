"""Ranking page (SPEC §4 item 2) on the demo data: table = analytics.ranking, roles, widgets."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.filters import CaseFilters
from cac311.ui.filters import widget_key
from cac311.ui.views.ranking import OWN_MARK, change_text
from tests import analytics_calls as calls
from tests.app.conftest import ENLACE_ENTITY, PageRunner

PAGE = "pages/1_Ranking.py"
DEFAULT_MONTH = "2026-10"  # last complete month before datos_al 15/11/2026


def expected_ranking(url: str, month: str, mode: str, filters: CaseFilters) -> pl.DataFrame:
    engine = make_engine(url)
    try:
        return calls.ranking(engine, Settings(), month, mode, filters)
    finally:
        engine.dispose()


def frame_with(at: AppTest, column: str) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe if column in df.value.columns]


def ranked_table(at: AppTest) -> pd.DataFrame:
    """The national ranking table (the first table with positions)."""
    return frame_with(at, "posicion")[0]


def unranked_table(at: AppTest) -> pd.DataFrame:
    return next(df for df in frame_with(at, "n") if "posicion" not in df.columns)


def assert_matches(shown: pd.DataFrame, expected: pl.DataFrame) -> None:
    ranked = expected.filter(pl.col("posicion").is_not_null()).sort("posicion")
    assert shown["entidad_id"].tolist() == ranked["entidad_id"].to_list()
    assert shown["posicion"].tolist() == ranked["posicion"].to_list()
    assert shown["n"].tolist() == ranked["n"].to_list()
    assert shown["vencidos_fin_mes"].tolist() == ranked["vencidos_fin_mes"].to_list()
    assert shown["score"].tolist() == pytest.approx(ranked["score"].to_list())
    assert shown["indice_cumplimiento"].tolist() == pytest.approx(
        ranked["indice_cumplimiento"].to_list()
    )
    arrows = [
        change_text(p, a, c)
        for p, a, c in ranked.select("posicion", "posicion_anterior", "cambio_posicion").rows()
    ]
    assert shown["cambio"].tolist() == arrows


@pytest.mark.parametrize("role", ["admin", "director", "enlace"])
def test_ranking_renders_for_every_role(open_page: PageRunner, role: str) -> None:
    at = open_page(PAGE, role=role)
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Ranking"
    assert len(ranked_table(at)) > 0
    assert at.get("plotly_chart"), "the funnel plot is drawn"
    assert any(c.value.startswith("Datos al 15/11/2026") for c in at.caption)


def test_table_equals_analytics_ranking_and_small_entities_are_listed_apart(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(PAGE, role="director")
    expected = expected_ranking(demo_sqlite_url, DEFAULT_MONTH, "calendario", CaseFilters())
    assert_matches(ranked_table(at), expected)
    small = expected.filter(pl.col("posicion").is_null())
    assert small.height > 0, "the demo month has entities below n = 20"
    unranked = unranked_table(at)
    assert sorted(unranked["entidad_id"]) == sorted(small["entidad_id"].to_list())
    assert (unranked["n"] < Settings().ranking_min_n).all()
    assert any("No clasificadas (n < 20)" in m.value for m in at.markdown)


def test_table_follows_the_url_filters(open_page: PageRunner, demo_sqlite_url: str) -> None:
    params = {"sector": "ministerio", "dias": "habiles", "mes": "2026-08"}
    at = open_page(PAGE, role="admin", params=params)
    assert not at.exception
    filters = CaseFilters(sectors=("ministerio",))
    expected = expected_ranking(demo_sqlite_url, "2026-08", "habiles", filters)
    assert_matches(ranked_table(at), expected)
    assert set(ranked_table(at)["sector"]) == {"Ministerio"}


def test_enlace_sees_own_row_highlighted_and_position_on_top(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="enlace")
    table = ranked_table(at)
    marked = table.loc[table["su_entidad"] == OWN_MARK, "entidad_id"].tolist()
    assert marked == [ENLACE_ENTITY]
    position = int(table.loc[table["entidad_id"] == ENLACE_ENTITY, "posicion"].iloc[0])
    summary = at.info[0].value
    assert ENLACE_ENTITY in summary
    assert f"posición **{position} de {len(table)}**" in summary


def test_admin_sees_no_highlight(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin")
    for frame in frame_with(at, "su_entidad"):
        assert OWN_MARK not in set(frame["su_entidad"])
    assert not any(OWN_MARK in i.value for i in at.info)


def test_changing_month_and_mode_changes_the_table(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(PAGE, role="admin")
    before = ranked_table(at)
    at.selectbox(key=widget_key("mes")).set_value("2026-06").run()
    assert not at.exception
    after_month = ranked_table(at)
    expected = expected_ranking(demo_sqlite_url, "2026-06", "calendario", CaseFilters())
    assert_matches(after_month, expected)
    assert not after_month[["entidad_id", "score"]].equals(before[["entidad_id", "score"]])
    at.radio(key=widget_key("dias")).set_value("habiles").run()
    after_mode = ranked_table(at)
    expected_mode = expected_ranking(demo_sqlite_url, "2026-06", "habiles", CaseFilters())
    assert_matches(after_mode, expected_mode)
    assert after_mode["score"].tolist() != after_month["score"].tolist()


def test_sector_peers_keep_national_positions(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin")
    national = ranked_table(at)
    at.selectbox(key="ranking_sector").set_value("entidad_autonoma").run()
    peers = frame_with(at, "posicion")[1]
    assert set(peers["sector"]) == {"Entidad autónoma"}
    assert len(peers) > 1
    positions: dict[str, Any] = dict(zip(national["entidad_id"], national["posicion"], strict=True))
    assert peers["posicion"].tolist() == [positions[e] for e in peers["entidad_id"]]
    assert peers["posicion"].is_monotonic_increasing
    assert any("no se recalcula dentro del sector" in c.value for c in at.caption)


def test_csv_download_is_offered(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="enlace")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Descargar ranking (CSV)" in labels
