"""Imported text is never markup (issue 18, point 1): every page, every role, on a SQLite and a
PostgreSQL database filled with hostile values through the real importer (`tests.hostile`).

For each (database, role) one browser session signs in through the local form (the admin's and
the enlace's e-mails are hostile too) and visits every page file. On every page:

- no exception and no error box;
- every string Streamlit renders as Markdown (bodies, labels, `help=` tooltips, tab and
  expander labels) holds no hostile fragment unescaped (`RAW_MARKERS`);
- every plain-text slot (selectbox/multiselect/radio options) holds no escape or word joiner
  of `md` (it would show as a backslash there);
- every Plotly figure holds no data string with Plotly markup (`<`, `$`) outside our own
  hover templates;
- and where a value is shown, it is shown as `md(value)` / `plotly_text(value)` (positive
  checks on the Entidad header, the enlace's ranking line, the sign-out line, the charts, the
  notices of a tampered link and the upload of a file with a hostile name).

The browser test `tests/e2e/test_hostile_data.py` checks what the same values render to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf.json_format import MessageToDict
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.auth.identity import ROLES
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ui import guard, loaders
from cac311.ui.safe import LONG, SHORT, WORD_JOINER, md, plain, plotly_text
from tests.app.conftest import APP_TIMEOUT, PROJECT, sign_in, texts, walk
from tests.auth.helpers import PASSWORD
from tests.conftest import empty_tables, url_of
from tests.hostile import (
    CORPUS,
    ENLACE_ENTITY,
    ENTITIES,
    FILE_NAME,
    USERS,
    build_hostile_database,
)

PAGE_FILES = [
    "app.py",
    *sorted(str(path.relative_to(PROJECT)) for path in (PROJECT / "pages").glob("*.py")),
]
PAGES_BY_PATH = {page.path: page for page in guard.PAGES}
ENTIDAD = "pages/2_Entidad.py"
REFUSED = "Su rol no tiene acceso a ella."
# Fragments that exist only if a hostile value reached a Markdown slot unescaped.
RAW_MARKERS = (
    "**negrita**",
    "**EV**",
    "](https",
    "](javascript",
    "<img",
    "<b>",
    "<script",
    "<span",
    ":red[",
    ":material/home",
    ":material_warning",
    ":smile:",
    ":streamlit:",
    "$x^2$",
    "$$",
    "https://evil",
    "www.evil",
    "@evil.example",
    "\u202e",
    "\u2067",
    "# Título",
    "\n- lista",
    " -> ",
)
# ... or a hostile value reached a Plotly string unescaped (our own `<br>` is allowed).
PLOTLY_MARKERS = ("<b>", "<img", "<a ", "<span", "<script", "<br><span", "$x", "$$", "%{")
MARKDOWN_FIELDS = ("body", "label", "help")
PLAIN_ELEMENTS = ("text", "code", "metric")
PLOTLY_OWN_TEMPLATE_KEYS = ("hovertemplate", "texttemplate")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hostile_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The hostile database, once on SQLite and once on PostgreSQL (built once per module)."""
    engine: Engine
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("hostile") / "hostil.sqlite"
        engine = make_engine(f"sqlite:///{path}")
        prepare_database(engine, Settings())
    else:
        engine = request.getfixturevalue("pg_engine_session")
        empty_tables(engine)
    build_hostile_database(engine)
    url = url_of(engine)
    if request.param == "sqlite":
        engine.dispose()
    loaders.clear_all()  # the PostgreSQL URL is shared with other modules' data
    yield url
    loaders.clear_all()


def _signed_in(url: str, role: str, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=APP_TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    sign_in(at, USERS[role], PASSWORD)
    assert not at.exception, texts(at.exception)
    return at


def _strings(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value, f"{path}[]")
    elif isinstance(data, str):
        yield path, data


def _fields(at: AppTest) -> Iterator[tuple[str, str, str]]:
    """(element type, field path, text) of every string field of every element drawn."""
    for root in (at.main, at.sidebar):
        for node in walk(root):
            proto = getattr(node, "proto", None)
            if proto is None or not hasattr(proto, "DESCRIPTOR"):
                continue
            for path, text in _strings(MessageToDict(proto)):
                yield node.type, path, text


def markdown_texts(at: AppTest) -> list[str]:
    """Every string Streamlit renders as Markdown (the bodies of `st.text`/`st.code` and a
    metric's value are plain text)."""
    return [
        text
        for kind, path, text in _fields(at)
        if path.split(".")[-1] in MARKDOWN_FIELDS
        and not (kind in PLAIN_ELEMENTS and path == ".body")
    ]


def option_texts(at: AppTest) -> list[str]:
    return [text for _kind, path, text in _fields(at) if path.endswith(".options[]")]


def figures(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(text) for kind, path, text in _fields(at) if path == ".spec"]


def figure_data_strings(figure: dict[str, Any]) -> list[str]:
    """Every string of a figure's traces and layout except our own hover/text templates."""
    found = []
    for path, text in _strings(figure):
        if path.split(".")[-1].split("[")[0] in PLOTLY_OWN_TEMPLATE_KEYS:
            continue
        found.append(text)
    return found


def unescaped(marker: str, text: str) -> bool:
    """True when `marker` occurs in `text` without a backslash escaping its first character."""
    start = text.find(marker)
    while start != -1:
        if start == 0 or text[start - 1] != "\\":
            return True
        start = text.find(marker, start + 1)
    return False


def assert_nothing_raw(at: AppTest, where: str, *, refused: bool = False) -> None:
    assert not at.exception, f"{where}: {texts(at.exception)}"
    errors = texts(at.error)
    assert [REFUSED in e for e in errors] == ([True] if refused else []), f"{where}: {errors}"
    for text in markdown_texts(at):
        leaked = [marker for marker in RAW_MARKERS if unescaped(marker, text)]
        assert not leaked, f"{where}: raw {leaked} in a Markdown slot: {text[:300]!r}"
    for text in option_texts(at):
        assert WORD_JOINER not in text and "\\*" not in text, f"{where}: md() in {text!r}"
    for figure in figures(at):
        for text in figure_data_strings(figure):
            leaked = [marker for marker in PLOTLY_MARKERS if marker in text]
            assert not leaked, f"{where}: Plotly markup {leaked} in {text[:300]!r}"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_shows_hostile_values_as_text(
    hostile_url: str, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(hostile_url, role, monkeypatch)
    chart_text = set()
    for path in PAGE_FILES:
        if path != "app.py":
            at.switch_page(path).run()
        refused = role not in PAGES_BY_PATH[path].roles
        assert_nothing_raw(at, f"{role} {path}", refused=refused)
        chart_text.update(t for fig in figures(at) for t in figure_data_strings(fig))
    # The hostile sign-in e-mail is in the sidebar, as plain text (st.text, no Markdown).
    email = USERS[role]
    assert any(text.startswith(plain(email)) for text in texts(at.sidebar.text)), email
    # Every hostile entity id reached some chart, escaped (Resumen, Ranking, Directorio).
    for entity in ENTITIES[:3]:
        assert plotly_text(entity.entity_id) in chart_text, entity.entity_id


@pytest.mark.parametrize("entity", ENTITIES[:3], ids=["markdown", "html", "autolink"])
def test_the_entity_header_shows_the_imported_name_as_text(
    hostile_url: str, entity: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's reproduction: the entity's name on Entidad's header is its characters."""
    at = _signed_in(hostile_url, "admin", monkeypatch)
    at.switch_page(ENTIDAD)
    at.query_params["e"] = entity.entity_id
    at.run()
    assert_nothing_raw(at, "Entidad")
    [header] = texts(at.subheader)
    assert header == f"{md(entity.entity_id)} — {md(entity.name, limit=LONG)}"
    [chooser] = [s for s in at.selectbox if s.key == "filtro_e"]
    assert plain(f"{entity.entity_id} · {entity.name}", limit=SHORT) in chooser.options
    assert chooser.value == entity.entity_id
    # The breakdown by category: the hostile categories are the bars, escaped.
    at.radio(key="filtro_desglose").set_value("category").run()
    assert_nothing_raw(at, "Entidad por categoría")
    names = {t for fig in figures(at) for t in figure_data_strings(fig)}
    assert plotly_text(CORPUS["html"]) in names


def test_the_enlace_reads_their_hostile_entity_as_text(
    hostile_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(hostile_url, "enlace", monkeypatch)
    at.switch_page("pages/1_Ranking.py").run()
    assert_nothing_raw(at, "Ranking enlace")
    [own] = [text for text in texts(at.info) if text.startswith("Su entidad, ")]
    assert own.startswith(f"Su entidad, **{md(ENLACE_ENTITY)} — {md(ENTITIES[0].name)}**,")
    links = [link.proto.label for link in at.main.get("page_link")]
    assert f"Abrir la ficha de {md(ENLACE_ENTITY)}" in links
    at.switch_page(ENTIDAD).run()
    assert_nothing_raw(at, "Entidad enlace")
    assert not any("solo están disponibles" in w for w in texts(at.warning)), "own case lists"


def test_a_hostile_link_is_echoed_as_text(
    hostile_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared link is attacker-controlled: the notice about an ignored value escapes it."""
    raw = {"e": CORPUS["issue"], "canal": CORPUS["shortcodes"], "mes": CORPUS["latex"]}
    at = _signed_in(hostile_url, "director", monkeypatch, **raw)
    at.switch_page(ENTIDAD)
    for key, value in raw.items():
        at.query_params[key] = value
    at.run()
    assert_nothing_raw(at, "Entidad con enlace hostil")
    warnings = " ".join(texts(at.warning))
    for value in raw.values():
        assert f"«{md(value, limit=SHORT)}»" in warnings, value


def test_an_upload_with_a_hostile_file_name_is_reported_as_text(
    hostile_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _signed_in(hostile_url, "admin", monkeypatch)
    at.switch_page("pages/7_Importar.py").run()
    at.selectbox(key="importar_tipo").set_value("entities").run()
    data = f"entity_id,name,sector\nNEW-1,{CORPUS['markdown'].replace(',', ' ')},otro\n".encode()
    at.file_uploader[0].upload(FILE_NAME, data, "text/csv").run()
    assert_nothing_raw(at, "Importar vista previa")
    assert any(c.startswith(md(FILE_NAME, limit=LONG)) for c in texts(at.caption))
    # An unreadable file: its error quotes nothing raw either.
    at.file_uploader[0].upload(FILE_NAME, b"\xff\xfe<b>x</b>\n", "text/csv").run()
    [error] = texts(at.error)
    assert "<b>" not in error
