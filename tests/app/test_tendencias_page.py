"""Tendencias page (AppTest on the demo data): roles, URL-kept choices, values = analytics."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.filters import CaseFilters
from tests import analytics_calls as calls
from tests.app.conftest import PageRunner

PAGE = "pages/3_Tendencias.py"
MONTH = "2026-10"


@pytest.fixture(scope="module")
def engine(demo_sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(demo_sqlite_url)
    yield engine
    engine.dispose()


def table(at: AppTest) -> pl.DataFrame:
    """The table of plotted values (the only dataframe of the page) as Polars."""
    assert len(at.dataframe) == 1
    return pl.from_pandas(at.dataframe[0].value)


def figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def same(left: list[Any], right: list[Any]) -> bool:
    """Equal lists where None and NaN both mean "empty"."""

    def norm(v: Any) -> Any:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    return [norm(v) for v in left] == [norm(v) for v in right]


@pytest.mark.parametrize("role", ["admin", "director", "enlace"])
def test_renders_for_every_role(open_page: PageRunner, role: str) -> None:
    at = open_page(PAGE, role=role, params={"mes": MONTH})
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Tendencias"
    assert any(c.value.startswith("Datos al 15/11/2026") for c in at.caption)
    assert len(at.get("plotly_chart")) == 2  # KPI trend and cohorts
    assert len(at.get("download_button")) == 1


def test_url_selects_kpi_split_and_window_and_values_equal_analytics(
    open_page: PageRunner, engine: Engine
) -> None:
    at = open_page(
        PAGE, params={"mes": "2026-11", "kpi": "p90_dias", "por": "canal", "meses": "25"}
    )
    assert not at.exception
    assert at.selectbox(key="filtro_kpi").value == "p90_dias"
    assert at.selectbox(key="filtro_por").value == "canal"
    assert at.radio(key="filtro_meses").value == "25"

    expected = calls.monthly_trend(
        engine, Settings(), "2026-11", 25, "calendario", CaseFilters(), split_by="channel"
    )
    national = calls.monthly_trend(engine, Settings(), "2026-11", 25, "calendario")
    shown = table(at)
    assert "p90_dias" in shown.columns
    groups = shown.filter(pl.col("nombre") != "Total nacional")
    assert set(groups["grupo"]) == set(expected["grupo"])
    assert groups.height == expected.height == 25 * expected["grupo"].n_unique()
    for group in expected["grupo"].unique().to_list():
        mine = groups.filter(pl.col("grupo") == group).sort("periodo")
        theirs = expected.filter(pl.col("grupo") == group).sort("periodo")
        assert mine["periodo"].to_list() == theirs["periodo"].to_list()
        assert same(mine["p90_dias"].to_list(), theirs["p90_dias"].to_list())
        assert mine["recibidos"].to_list() == theirs["recibidos"].to_list()
        assert mine["parcial"].to_list() == theirs["parcial"].to_list()
    # p90 is a day figure: the national line is drawn (and listed) for context.
    total = shown.filter(pl.col("nombre") == "Total nacional").sort("periodo")
    assert same(total["p90_dias"].to_list(), national["p90_dias"].to_list())
    assert total["parcial"].to_list()[-1] is True  # November 2026 contains datos_al

    trend_figure = figures(at)[0]
    lines = {trace["name"]: trace for trace in trend_figure["data"]}
    assert "Total nacional" in lines
    web = expected.filter(pl.col("grupo") == "web").sort("periodo")
    assert same(lines["Web"]["y"], web["p90_dias"].to_list())
    texts = [a.get("text") for a in trend_figure["layout"].get("annotations", [])]
    assert "mes parcial" in texts


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
def test_counts_have_no_total_line(open_page: PageRunner, engine: Engine, mode: str) -> None:
    at = open_page(
        PAGE, params={"mes": MONTH, "dias": mode, "kpi": "vencidos_fin_mes", "por": "sector"}
    )
    assert not at.exception
    shown = table(at)
    expected = calls.monthly_trend(
        engine, Settings(), MONTH, 13, mode, CaseFilters(), split_by="sector"
    )
    assert "Total nacional" not in shown["nombre"].to_list()
    assert shown.height == expected.height
    for column in ("vencidos_fin_mes", "recibidos"):
        assert shown.sort("grupo", "periodo")[column].to_list() == (
            expected.sort("grupo", "periodo")[column].to_list()
        )


def test_entity_split_shows_the_top_ten_by_volume_and_says_so(
    open_page: PageRunner, engine: Engine
) -> None:
    at = open_page(PAGE, params={"mes": MONTH, "kpi": "vencidos_fin_mes", "por": "entidad"})
    assert not at.exception
    expected = calls.monthly_trend(
        engine, Settings(), MONTH, 13, "calendario", CaseFilters(), split_by="entity_id"
    )
    volume = (
        expected.group_by("grupo")
        .agg(pl.col("recibidos").sum())
        .sort(["recibidos", "grupo"], descending=[True, False])
    )
    top = volume["grupo"].head(10).to_list()
    shown = table(at)
    assert shown["grupo"].unique(maintain_order=True).to_list() == top
    assert any(f"Hay {volume.height} grupos" in i.value for i in at.info)
    for group in top[:3]:
        mine = shown.filter(pl.col("grupo") == group)["vencidos_fin_mes"].to_list()
        theirs = expected.filter(pl.col("grupo") == group).sort("periodo")["vencidos_fin_mes"]
        assert mine == theirs.to_list()


def test_sidebar_filters_apply_and_the_total_is_named_accordingly(
    open_page: PageRunner, engine: Engine
) -> None:
    at = open_page(
        PAGE,
        params={"mes": MONTH, "kpi": "indice_cumplimiento", "por": "tipo", "sector": "municipio"},
    )
    assert not at.exception
    filters = CaseFilters(sectors=("municipio",))
    expected = calls.monthly_trend(
        engine, Settings(), MONTH, 13, "calendario", filters, split_by="case_type"
    )
    national = calls.monthly_trend(engine, Settings(), MONTH, 13, "calendario", filters)
    shown = table(at)
    total = shown.filter(pl.col("nombre") == "Total con los filtros").sort("periodo")
    assert same(total["indice_cumplimiento"].to_list(), national["indice_cumplimiento"].to_list())
    queja = shown.filter(pl.col("grupo") == "queja").sort("periodo")
    assert same(
        queja["indice_cumplimiento"].to_list(),
        expected.filter(pl.col("grupo") == "queja")["indice_cumplimiento"].to_list(),
    )


def test_cohort_view_shades_immature_months(open_page: PageRunner, engine: Engine) -> None:
    at = open_page(PAGE, params={"mes": "2026-11", "kpi": "cohorte_en_plazo_pct", "por": "total"})
    assert not at.exception
    national = calls.monthly_trend(engine, Settings(), "2026-11", 13, "calendario")
    immature = national.filter(pl.col("cohorte_madura") == "no").height
    assert immature >= 1
    cohort = figures(at)[1]
    assert same(cohort["data"][0]["y"], national["cohorte_en_plazo_pct"].to_list())
    shapes = cohort["layout"].get("shapes", [])
    assert len(shapes) == immature
    assert any("cohorte inmadura" in c.value for c in at.caption)
    shown = table(at)
    assert shown["cohorte_madura"].to_list() == national["cohorte_madura"].to_list()


@pytest.mark.parametrize(("param", "value"), [("kpi", "score"), ("por", "barrio"), ("meses", "99")])
def test_an_invalid_url_value_gives_a_notice_not_an_exception(
    open_page: PageRunner, param: str, value: str
) -> None:
    at = open_page(PAGE, params={"mes": MONTH, param: value})
    assert not at.exception
    assert any(f"«{value}»" in w.value for w in at.warning)
    shown = table(at)
    assert "indice_cumplimiento" in shown.columns  # defaults still render


def test_short_history_trims_the_window(open_page: PageRunner) -> None:
    at = open_page(PAGE, params={"mes": "2024-06", "meses": "37", "por": "total"})
    assert not at.exception
    shown = table(at)
    assert shown["periodo"].to_list()[0] == "2023-11"  # first month of the demo data
    assert any("se muestran 8 meses" in c.value for c in at.caption)
