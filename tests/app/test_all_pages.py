"""Every page renders for every role, in both day-count modes, on the demo data (issue #4).

The pages are discovered on disk (`app.py` + `pages/*.py`), so a new page file is tested without
touching this module; `tests/test_page_guard_first.py` checks that each one is in `guard.PAGES`.
"""

from __future__ import annotations

import pytest

from cac311.auth.identity import ROLES
from cac311.auth.session import DEMO_ASESOR_ENTITIES_KEY
from cac311.ui import guard
from cac311.ui.format import DEMO_BADGE, EMPTY, MODE_LABELS
from tests.app.conftest import (
    ENLACE_ENTITY,
    PROJECT,
    PageRunner,
    data_shown,
    elements_of,
    entities_of_shown_cases,
    texts,
)

PAGE_FILES = [
    "app.py",
    *sorted(str(path.relative_to(PROJECT)) for path in (PROJECT / "pages").glob("*.py")),
]
PAGES_BY_PATH = {page.path: page for page in guard.PAGES}
STAMP = "Datos al 15/11/2026"
REFUSED = "Su rol no tiene acceso a ella."


def test_the_page_files_are_the_registered_pages() -> None:
    assert sorted(PAGE_FILES) == sorted(PAGES_BY_PATH)


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGE_FILES)
def test_page_renders_for_every_role(
    open_page: PageRunner, case_entities: dict[str, str], path: str, role: str, mode: str
) -> None:
    page = PAGES_BY_PATH[path]
    at = open_page(path, role=role, params={"dias": mode} if mode != "calendario" else None)

    assert not at.exception, texts(at.exception)
    assert page.label in texts(at.title)
    assert any(DEMO_BADGE in text for text in texts(at.main.markdown)), "SPEC §4: demo label"
    menu = [link.proto.label for link in at.sidebar.get("page_link")]
    assert menu == [p.label for p in guard.PAGES if role in p.roles]

    if role not in page.roles:
        [refusal] = texts(at.error)
        assert REFUSED in refusal
        assert data_shown(at) == {}
        assert not elements_of(at, "file_uploader")
        # Not even the filters (the demo asesor's entity picker is part of the demo sign-in).
        assert not [m for m in at.sidebar.multiselect if m.key != DEMO_ASESOR_ENTITIES_KEY]
        return

    assert not at.error, texts(at.error)
    if role == "enlace":  # aggregates of every entity, case ids of their own only
        assert entities_of_shown_cases(at, case_entities) <= {ENLACE_ENTITY}
    unmarked = [t.proto.placeholder for t in at.dataframe if t.proto.placeholder != EMPTY]
    assert not unmarked, "every table shows «—» for a missing value, not Streamlit's «None»"
    untold = [m.label for m in at.metric if not m.proto.help]
    assert not untold, f"SPEC §4: every KPI carries its definition (help): {untold}"
    stamps = [c for c in texts(at.caption) if c.startswith(STAMP)]
    assert stamps, texts(at.caption)
    if page.uses_filters:
        assert at.sidebar.radio(key="filtro_dias").value == mode
        assert any(MODE_LABELS[mode] in stamp for stamp in stamps), stamps
        assert data_shown(at), "an allowed page with filters shows some figure, table or chart"


EDGE_CASES: dict[str, dict[str, str | list[str]]] = {
    # Filters that select no case at all (MINSA is no municipality).
    "sin_casos": {"entidad": "MINSA", "sector": "municipio"},
    # The first month with data: the 13-month windows reach before the data starts.
    "primer_mes": {"mes": "2023-11", "dias": "habiles"},
    # The month of datos_al, still running.
    "mes_parcial": {"mes": "2026-11"},
    # A few cases only, in the smallest province.
    "pocos_casos": {"provincia": "PA-NT", "canal": "presencial"},
    # Junk in every page-specific URL choice (Entidad, Tendencias, Directorio).
    "basura": {
        "e": "NOPE",
        "desglose": "x",
        "kpi": "zzz",
        "por": "qq",
        "meses": "-1",
        "estado": "?",
    },
}


@pytest.mark.parametrize("params", EDGE_CASES.values(), ids=EDGE_CASES.keys())
@pytest.mark.parametrize("path", PAGE_FILES)
def test_page_survives_edge_filters(
    open_page: PageRunner, path: str, params: dict[str, str | list[str]]
) -> None:
    """Empty selections, the first and the partial month, junk values: never an exception.

    As admin, or for a page admin may not open (the enlace's and the asesor's own pages) as
    the first role that may."""
    roles = PAGES_BY_PATH[path].roles
    at = open_page(path, role="admin" if "admin" in roles else roles[0], params=params)
    assert not at.exception, texts(at.exception)
    assert PAGES_BY_PATH[path].label in texts(at.title)
    assert any(c.startswith(STAMP) for c in texts(at.caption)), texts(at.caption)
