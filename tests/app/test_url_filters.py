"""The sidebar filters and the URL query string (SPEC §4, issue #4), checked on Resumen's figures.

Each expected figure is computed independently with `cac311.analytics.kpi_deltas` for the same
filters and formatted with `fmt_metric`, as the page does; the page must show exactly that.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import parse_qs

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.filters import CaseFilters
from cac311.ui import guard
from cac311.ui.format import fmt_metric, metric_label
from cac311.ui.safe import md
from tests import analytics_calls as calls
from tests.app.conftest import PageRunner, texts

# The demo data ends on 15/11/2026: the default month is the last complete one.
DEFAULT_MONTH = "2026-10"
Params = Mapping[str, str | Sequence[str]]
Figures = list[tuple[str, str]]


@pytest.fixture(scope="module")
def demo_engine(demo_sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(demo_sqlite_url, read_only=True)
    yield engine
    engine.dispose()


def as_tuple(value: str | Sequence[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def expected_figures(engine: Engine, params: Params) -> Figures:
    """The eight KPI cards (label, shown value) of Resumen for these URL parameters."""
    mode = params.get("dias", "calendario")
    assert isinstance(mode, str)
    month = params.get("mes", DEFAULT_MONTH)
    assert isinstance(month, str)
    filters = CaseFilters(
        entity_ids=as_tuple(params.get("entidad")),
        sectors=as_tuple(params.get("sector")),
        case_types=as_tuple(params.get("tipo")),
        channels=as_tuple(params.get("canal")),
        provinces=as_tuple(params.get("provincia")),
    )
    frame = calls.kpi_deltas(engine, Settings.from_env(), month, mode, filters)
    return [
        (metric_label(row["kpi"]), fmt_metric(row["kpi"], row["valor"]))
        for row in frame.iter_rows(named=True)
    ]


def shown_figures(at: AppTest) -> Figures:
    return [(m.label, str(m.value)) for m in at.metric]


def stamp(at: AppTest) -> str:
    [first, *_] = [c for c in texts(at.caption) if c.startswith("Datos al ")]
    return first


def follow_menu_link(at: AppTest, label: str) -> AppTest:
    """What a click on the sidebar menu entry does: open its page with the link's query string."""
    [link] = [link for link in at.sidebar.get("page_link") if link.proto.label == label]
    [page] = [page for page in guard.PAGES if page.label == label]
    parsed = parse_qs(link.proto.query_string, keep_blank_values=True)
    at.query_params = {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}
    return at.switch_page(page.path).run()


URL_CASES: dict[str, Params] = {
    "mes": {"mes": "2026-09"},
    "dias": {"dias": "habiles"},
    "sector": {"sector": "municipio"},
    "entidad": {"entidad": ["MINSA", "MEF"]},
    "tipo": {"tipo": "queja"},
    "canal": {"canal": "web"},
    "provincia": {"provincia": "PA-8"},
    "todos": {
        "mes": "2026-08",
        "dias": "habiles",
        "sector": "ministerio",
        "tipo": ["queja", "reclamo"],
        "canal": "llamada",
        "provincia": ["PA-8", "PA-3"],
    },
}


@pytest.mark.parametrize("params", URL_CASES.values(), ids=URL_CASES.keys())
def test_url_filters_set_the_figures(
    open_page: PageRunner, demo_engine: Engine, params: Params
) -> None:
    at = open_page("app.py", role="director", params=params)
    assert not at.exception, texts(at.exception)
    assert not at.warning, texts(at.warning)
    expected = expected_figures(demo_engine, params)
    assert shown_figures(at) == expected
    assert expected != expected_figures(demo_engine, {}), "the filter must change the figures"
    # The widgets show the filters of the link.
    assert at.sidebar.selectbox(key="filtro_mes").value == params.get("mes", DEFAULT_MONTH)
    assert at.sidebar.radio(key="filtro_dias").value == params.get("dias", "calendario")
    for param in ("sector", "entidad", "tipo", "canal", "provincia"):
        widget = at.sidebar.multiselect(key=f"filtro_{param}")
        assert tuple(widget.value) == as_tuple(params.get(param)), param


def test_widgets_change_the_figures_and_the_url(open_page: PageRunner, demo_engine: Engine) -> None:
    at = open_page("app.py", role="admin")
    assert shown_figures(at) == expected_figures(demo_engine, {})
    assert "octubre de 2026" in stamp(at)

    at.sidebar.selectbox(key="filtro_mes").set_value("2026-07").run()
    wanted: dict[str, str | list[str]] = {"mes": "2026-07"}
    assert shown_figures(at) == expected_figures(demo_engine, wanted)
    assert "julio de 2026" in stamp(at)
    assert at.query_params == wanted

    at.sidebar.radio(key="filtro_dias").set_value("habiles").run()
    wanted["dias"] = "habiles"
    assert shown_figures(at) == expected_figures(demo_engine, wanted)
    assert "días hábiles" in stamp(at)
    assert at.query_params == wanted

    at.sidebar.multiselect(key="filtro_entidad").set_value(["MEF", "CSS"]).run()
    wanted["entidad"] = ["MEF", "CSS"]
    assert shown_figures(at) == expected_figures(demo_engine, wanted)
    assert at.query_params == wanted

    at.sidebar.multiselect(key="filtro_canal").set_value(["web"]).run()
    wanted["canal"] = "web"
    assert shown_figures(at) == expected_figures(demo_engine, wanted)
    assert at.query_params == wanted

    # Back to the defaults: the URL is clean again and the national figures return.
    at.sidebar.multiselect(key="filtro_canal").set_value([]).run()
    at.sidebar.multiselect(key="filtro_entidad").set_value([]).run()
    at.sidebar.radio(key="filtro_dias").set_value("calendario").run()
    at.sidebar.selectbox(key="filtro_mes").set_value(DEFAULT_MONTH).run()
    assert at.query_params == {}
    assert shown_figures(at) == expected_figures(demo_engine, {})
    assert not at.exception


INVALID_CASES: dict[str, tuple[Params, str]] = {
    "mes_fuera_de_rango": ({"mes": "1999-01"}, "1999-01"),
    "mes_mal_escrito": ({"mes": "octubre"}, "octubre"),
    "entidad": ({"entidad": "NOPE"}, "NOPE"),
    "dias": ({"dias": "semanal"}, "semanal"),
    "sector": ({"sector": "<script>"}, "<script>"),
    "tipo": ({"tipo": "queja'; drop table cases;--"}, "drop table cases"),
    "provincia": ({"provincia": "PA-99"}, "PA-99"),
}


@pytest.mark.parametrize(("params", "value"), INVALID_CASES.values(), ids=INVALID_CASES.keys())
def test_invalid_url_values_give_a_notice_and_the_default_view(
    open_page: PageRunner, demo_engine: Engine, params: Params, value: str
) -> None:
    at = open_page("app.py", role="enlace", params=params)
    assert not at.exception, texts(at.exception)
    assert not at.error
    [notice] = texts(at.warning)
    assert md(value) in notice  # the link's value is echoed as text (escaped Markdown)
    assert shown_figures(at) == expected_figures(demo_engine, {})
    assert at.query_params == {}  # the bad value is dropped from the URL
    assert at.sidebar.selectbox(key="filtro_mes").value == DEFAULT_MONTH


def test_invalid_value_next_to_valid_ones_keeps_the_valid_ones(
    open_page: PageRunner, demo_engine: Engine
) -> None:
    at = open_page("app.py", params={"entidad": ["NOPE", "MEF"], "dias": "hábiles"})
    assert not at.exception
    [notice] = texts(at.warning)
    assert "NOPE" in notice and "MEF" not in notice
    wanted: Params = {"entidad": "MEF", "dias": "habiles"}  # "hábiles" is an accepted spelling
    assert shown_figures(at) == expected_figures(demo_engine, wanted)
    assert at.query_params == wanted


def test_filters_survive_moving_to_another_page(open_page: PageRunner, demo_engine: Engine) -> None:
    at = open_page("app.py", role="director", params={"mes": "2026-09"})
    at.sidebar.multiselect(key="filtro_sector").set_value(["municipio"]).run()
    at.sidebar.radio(key="filtro_dias").set_value("habiles").run()
    wanted = {"mes": "2026-09", "sector": "municipio", "dias": "habiles"}
    assert shown_figures(at) == expected_figures(demo_engine, wanted)

    follow_menu_link(at, "Ranking")
    assert not at.exception, texts(at.exception)
    assert at.sidebar.multiselect(key="filtro_sector").value == ["municipio"]
    assert at.sidebar.selectbox(key="filtro_mes").value == "2026-09"
    assert at.sidebar.radio(key="filtro_dias").value == "habiles"
    assert "septiembre de 2026 · días hábiles" in stamp(at)

    # Change one more filter on Ranking, then come back to Resumen through the menu.
    at.sidebar.multiselect(key="filtro_tipo").set_value(["queja"]).run()
    follow_menu_link(at, "Resumen")
    assert not at.exception, texts(at.exception)
    wanted = {**wanted, "tipo": "queja"}
    assert shown_figures(at) == expected_figures(demo_engine, wanted)
    assert at.sidebar.multiselect(key="filtro_tipo").value == ["queja"]


def test_filters_survive_a_visit_to_the_page_without_filters(
    open_page: PageRunner, demo_engine: Engine
) -> None:
    wanted = {"mes": "2026-06", "entidad": "CSS"}
    at = open_page("app.py", role="admin", params=wanted)
    follow_menu_link(at, guard.IMPORTAR.label)
    assert not at.exception, texts(at.exception)
    assert not at.sidebar.multiselect  # the upload page draws no filters
    follow_menu_link(at, "Resumen")
    assert shown_figures(at) == expected_figures(demo_engine, wanted)


def test_a_plain_menu_link_shows_the_default_view(
    open_page: PageRunner, demo_engine: Engine
) -> None:
    """Control for the test above: without the link's parameters the filters do not carry."""
    at = open_page("app.py", params={"sector": "municipio"})
    at.query_params = {}
    at.switch_page("pages/1_Ranking.py").run()
    assert at.sidebar.multiselect(key="filtro_sector").value == []
    at.switch_page("app.py").run()
    assert shown_figures(at) == expected_figures(demo_engine, {})
