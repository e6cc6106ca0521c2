"""Entidad page (SPEC §4 item 3) on the demo data: roles, case lists, widgets, empty states."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.ui.filters import widget_key
from cac311.ui.safe import md
from tests import analytics_calls as calls
from tests.app.conftest import DEMO_TODAY, ENLACE_ENTITY, PageRunner

PAGE = "pages/2_Entidad.py"
DEFAULT_MONTH = "2026-10"
OTHER = "MOP"  # most vencidos in the demo month; not the enlace's entity
CASE_ID = re.compile(r"311-\d{4}-\d+")


def open_cases(url: str, entity: str, which: str, mode: str = "calendario") -> pl.DataFrame:
    engine = make_engine(url)
    try:
        return calls.open_case_list(engine, Settings(), entity, DEMO_TODAY, mode, which)
    finally:
        engine.dispose()


def month_row(url: str, entity: str, month: str) -> dict[str, object]:
    engine = make_engine(url)
    try:
        table = calls.monthly_table(engine, Settings(), month, "calendario")
    finally:
        engine.dispose()
    return table.filter(pl.col("entidad_id") == entity).row(0, named=True)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def case_tables(at: AppTest) -> list[pl.DataFrame]:
    return [pl.from_pandas(df.value) for df in at.dataframe if "case_id" in df.value.columns]


def all_text(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "success", "error", "subheader"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    parts.extend(str(df.value.to_csv()) for df in at.dataframe)
    parts.extend(str(chart.proto.spec) for chart in at.get("plotly_chart"))
    parts.extend(str(button.proto.label) for button in at.get("download_button"))
    return "\n".join(parts)


@pytest.mark.parametrize("role", ["admin", "director", "enlace"])
def test_entidad_renders_for_every_role(open_page: PageRunner, role: str) -> None:
    at = open_page(PAGE, role=role)
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Entidad"
    assert len(at.metric) >= 8
    # 7 + the Kaplan–Meier curve (§17) + the early-warning control chart (§16)
    assert len(at.get("plotly_chart")) == 9
    assert any(c.value.startswith("Datos al 15/11/2026") for c in at.caption)


def test_default_entity_enlace_own_else_most_vencidos(open_page: PageRunner) -> None:
    enlace = open_page(PAGE, role="enlace")
    assert enlace.selectbox(key=widget_key("e")).value == ENLACE_ENTITY
    admin = open_page(PAGE, role="admin")
    assert admin.selectbox(key=widget_key("e")).value == OTHER


@pytest.fixture(scope="module")
def other_row(demo_sqlite_url: str) -> dict[str, object]:
    """The demo month's publication row of OTHER."""
    return month_row(demo_sqlite_url, OTHER, DEFAULT_MONTH)


def test_enlace_of_minsa_sees_no_case_of_another_entity(
    open_page: PageRunner, other_row: dict[str, object]
) -> None:
    at = open_page(PAGE, role="enlace", params={"e": OTHER})
    assert not at.exception
    assert at.selectbox(key=widget_key("e")).value == OTHER
    assert any("solo están disponibles para los enlaces" in w.value for w in at.warning)
    assert case_tables(at) == []
    assert not at.get("download_button")
    assert not CASE_ID.search(all_text(at)), "no case id anywhere on the page"
    # aggregates are still shown: the KPI row of OTHER
    assert metrics(at)["Vencidos al cierre del mes"] == str(other_row["vencidos_fin_mes"])


def test_enlace_sees_own_lists_and_empty_state(open_page: PageRunner, demo_sqlite_url: str) -> None:
    at = open_page(PAGE, role="enlace")
    assert not at.warning
    vencidos = open_cases(demo_sqlite_url, ENLACE_ENTITY, "vencidos")
    por_vencer = open_cases(demo_sqlite_url, ENLACE_ENTITY, "por_vencer")
    assert vencidos.is_empty(), "demo precondition: MINSA has no overdue open case"
    assert any(s.value == "Sin casos vencidos." for s in at.success)
    tables = case_tables(at)
    if por_vencer.is_empty():
        assert tables == []
    else:
        assert tables[0]["case_id"].to_list() == por_vencer["case_id"].to_list()


def test_admin_case_list_has_only_that_entitys_overdue_cases(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(PAGE, role="admin", params={"e": OTHER})
    assert not at.exception
    vencidos, por_vencer = case_tables(at)
    assert vencidos.height > 0
    assert set(vencidos["entidad_id"].to_list()) == {OTHER}
    assert vencidos["edad_dias"].min() > 30  # type: ignore[operator]
    expected = open_cases(demo_sqlite_url, OTHER, "vencidos")
    assert vencidos["case_id"].to_list() == expected["case_id"].to_list()
    assert set(por_vencer["entidad_id"].to_list()) == {OTHER}
    assert por_vencer["edad_dias"].is_between(25, 30).all()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Descargar vencidos (CSV)",
        "Descargar por vencer (CSV)",
        "Descargar informe mensual (PDF)",
    ]
    assert CASE_ID.search(all_text(at)), "the case-id check of the enlace test can fail"


def test_changing_month_and_mode_changes_the_figures(
    open_page: PageRunner, other_row: dict[str, object]
) -> None:
    at = open_page(PAGE, role="director", params={"e": OTHER})
    before = metrics(at)
    assert before["Vencidos al cierre del mes"] == str(other_row["vencidos_fin_mes"])
    at.selectbox(key=widget_key("mes")).set_value("2026-07").run()
    assert not at.exception
    assert at.selectbox(key=widget_key("e")).value == OTHER
    after_month = metrics(at)
    assert after_month != before
    at.radio(key=widget_key("dias")).set_value("habiles").run()
    after_mode = metrics(at)
    assert after_mode != after_month
    assert any("días hábiles" in c.value for c in at.caption)


def test_entity_without_cases_in_the_month_still_shows_trends(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    idle = "MUN-CHANGUINOLA"
    row = month_row(demo_sqlite_url, idle, DEFAULT_MONTH)
    assert row["recibidos"] == row["cerrados"] == row["abiertos_fin_mes"] == 0
    at = open_page(PAGE, role="admin", params={"e": idle})
    assert not at.exception
    assert any("no tiene casos recibidos, cerrados ni abiertos" in i.value for i in at.info)
    volume = at.get("plotly_chart")[0].proto.spec
    assert '"2025-10"' in volume and '"2026-10"' in volume


def test_first_month_of_data_trims_the_trend(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin", params={"e": OTHER, "mes": "2023-11"})
    assert not at.exception
    volume = at.get("plotly_chart")[0].proto.spec
    assert '"2023-11"' in volume
    assert '"2023-10"' not in volume, "months before the first data are not drawn as zeros"


def test_unknown_entity_in_url_is_ignored_with_a_notice(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin", params={"e": "NO-EXISTE"})
    assert not at.exception
    assert at.selectbox(key=widget_key("e")).value == OTHER
    assert any(md("NO-EXISTE") in w.value for w in at.warning)  # echoed as text


def test_datos_al_is_the_lists_date(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin", params={"e": OTHER})
    assert any(f"Casos abiertos al {date(2026, 11, 15):%d/%m/%Y}" in c.value for c in at.caption)


def test_enlace_keeps_own_entity_under_another_sector_filter(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="enlace", params={"sector": "municipio"})
    assert not at.exception
    assert at.selectbox(key=widget_key("e")).value == ENLACE_ENTITY
    assert not at.warning
    assert metrics(at)["Recibidos"] != "0", "the sector filter does not empty the own entity"


def test_case_lists_follow_the_case_type_filter(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(PAGE, role="admin", params={"e": OTHER, "tipo": "queja"})
    assert not at.exception
    vencidos = case_tables(at)[0]
    expected = open_cases(demo_sqlite_url, OTHER, "vencidos").filter(pl.col("case_type") == "queja")
    assert 0 < vencidos.height < open_cases(demo_sqlite_url, OTHER, "vencidos").height
    assert vencidos["case_id"].to_list() == expected["case_id"].to_list()
    assert set(vencidos["case_type"].to_list()) == {"Queja"}
