"""Traslados page (AppTest on the demo data): renders for every role, figures = analytics, the
matrix download, an enlace's scope; the transfer sections of Entidad, Calidad de datos and the
ranking download (docs/metrics.md §15)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date

import polars as pl
import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.analytics import transfers
from cac311.auth.identity import ROLES
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.filters import CaseFilters
from cac311.ui import guard
from cac311.ui.format import fmt_int
from metrics.period import DayMode, Month, Period
from tests.app.conftest import (
    DEMO_TODAY,
    ENLACE_ENTITY,
    PageRunner,
    entities_of_shown_cases,
    texts,
)

PAGE = guard.TRASLADOS.path
MONTH = "2026-10"


@pytest.fixture(scope="module")
def engine(demo_sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(demo_sqlite_url)
    yield engine
    engine.dispose()


def period(month: str = MONTH, mode: str = "calendario") -> Period:
    return Period(Month.parse(month), DayMode.parse(mode))


def frame_with(at: AppTest, column: str) -> pl.DataFrame:
    [frame] = [f.value for f in at.dataframe if column in f.value.columns]
    return pl.from_pandas(frame)


def metric_value(at: AppTest, label: str) -> str:
    [value] = [m.value for m in at.metric if m.label == label]
    return str(value)


@pytest.mark.parametrize("role", ROLES)
def test_renders_for_every_role(open_page: PageRunner, role: str) -> None:
    at = open_page(PAGE, role=role, params={"mes": MONTH})
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    assert at.title[0].value == "Traslados"
    assert any(c.startswith("Datos al 15/11/2026") for c in texts(at.caption))
    menu = [link.proto.label for link in at.sidebar.get("page_link")]
    assert "Traslados" in menu  # every role, like Tendencias


def test_admin_figures_equal_the_analytics(open_page: PageRunner, engine: Engine) -> None:
    at = open_page(PAGE, params={"mes": MONTH, "top": "5"})
    assert not at.exception, texts(at.exception)
    expected = transfers.entity_figures(engine, Settings(), period=period(), datos_al=DEMO_TODAY)
    shown = frame_with(at, "vencidos_heredados")
    assert shown["entidad_id"].to_list() == expected["entidad_id"].to_list()
    for column in ("traslados_salida", "traslados_entrada", "vencidos_heredados"):
        assert shown[column].to_list() == expected[column].to_list(), column
    flows = transfers.flows(engine, period=period())
    assert metric_value(at, "Traslados del mes") == fmt_int(int(flows["traslados"].sum()))
    heatmap = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert heatmap["data"][0]["type"] == "heatmap"
    assert len(heatmap["data"][0]["x"]) == 6  # top 5 and «Otras»
    downloads = [b.proto.label for b in at.get("download_button")]
    assert "Descargar la matriz (CSV)" in downloads


def test_demo_month_has_inherited_breaches(engine: Engine) -> None:
    """The demo exercises §15: across its months some breaches are inherited, in both modes."""
    for mode in ("calendario", "habiles"):
        total = 0
        for month in ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10"):
            figures = transfers.entity_figures(
                engine, Settings(), period=period(month, mode), datos_al=DEMO_TODAY
            )
            total += int(figures["vencidos_heredados"].sum())
        assert total > 0, mode
    returns = [
        transfers.list_total(transfers.back_and_forth(engine, period=period(month)))
        for month in ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")
    ]
    assert sum(returns) > 0


def test_enlace_sees_only_their_entity(
    open_page: PageRunner, case_entities: dict[str, str], engine: Engine
) -> None:
    own = CaseFilters(entity_ids=(ENLACE_ENTITY,))
    month = next(
        m
        for m in ("2026-10", "2026-09", "2026-08", "2026-07", "2026-06", "2026-05")
        if not transfers.flows(engine, period=period(m), filters=own).is_empty()
    )
    at = open_page(PAGE, role="enlace", params={"mes": month, "entidad": "MEF"})
    assert not at.exception, texts(at.exception)
    shown = frame_with(at, "vencidos_heredados")
    assert shown["entidad_id"].to_list() == [ENLACE_ENTITY]
    assert entities_of_shown_cases(at, case_entities) <= {ENLACE_ENTITY}
    pairs = transfers.flows(engine, period=period(month), filters=own)
    assert all(ENLACE_ENTITY in pair for pair in pairs.select("origen_id", "destino_id").rows())
    heatmap = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sum(v or 0 for row in heatmap["data"][0]["z"] for v in row) == pairs["traslados"].sum()


def test_entidad_section_and_calidad_and_ranking_download(
    open_page: PageRunner, engine: Engine
) -> None:
    at = open_page(guard.ENTIDAD.path, params={"mes": MONTH, "e": ENLACE_ENTITY})
    assert not at.exception, texts(at.exception)
    expected = transfers.entity_figures(
        engine,
        Settings(),
        period=period(),
        datos_al=DEMO_TODAY,
        filters=CaseFilters(entity_ids=(ENLACE_ENTITY,)),
    )
    row = expected.row(0, named=True) if expected.height else {"vencidos_heredados": 0}
    assert metric_value(at, "Vencidos heredados") == str(row["vencidos_heredados"])
    assert "Ver todos los traslados" in [link.proto.label for link in at.get("page_link")]

    at = open_page(guard.CALIDAD.path, params={"mes": MONTH})
    assert not at.exception, texts(at.exception)
    assert "Todas las cadenas de traslados conectan." in texts(at.success)

    at = open_page(guard.RANKING.path, params={"mes": MONTH})
    assert not at.exception, texts(at.exception)
    [button] = [b for b in at.get("download_button") if b.proto.label == "Descargar ranking (CSV)"]
    assert button is not None


def test_ranking_export_joins_the_transfer_columns(engine: Engine) -> None:
    from cac311.ui.views.ranking import ranking_export
    from cac311.ui.views.transfers import ranking_columns
    from tests.analytics_calls import ranking

    frame = ranking(engine, Settings(), MONTH)
    figures = transfers.entity_figures(engine, Settings(), period=period(), datos_al=DEMO_TODAY)
    export = ranking_export(frame, period(), ranking_columns(figures))
    assert export.columns[-3:] == ["traslados_salida", "traslados_entrada", "vencidos_heredados"]
    assert export.height == frame.height
    joined = export.join(figures, on="entidad_id", how="inner", suffix="_f")
    assert (joined["traslados_salida"] == joined["traslados_salida_f"]).all()
    csv = pl.read_csv(io.BytesIO(export.write_csv().encode()))
    assert "vencidos_heredados" in csv.columns
    assert date(2026, 11, 15) == DEMO_TODAY
