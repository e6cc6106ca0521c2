"""Imported text is never markup, in a real browser (issue 18, point 1).

A `streamlit run app.py` server on a SQLite file filled with hostile values through the real
importer (`tests.hostile`: Markdown, HTML, shortcodes, LaTeX, autolinks, block syntax, arrows,
right-to-left and zero-width characters, 300-character names), local accounts with hostile
e-mails. Each role signs in and opens every page of its menu; on each page, in Debian's
chromium:

- no exception, traceback or error box;
- no element made from data (`DATA_ELEMENTS_JS`): no link to the attacker's site or a
  `javascript:`/`mailto:` link, no bold/italic/strike/code/heading/list/quote/table/rule whose
  text is a fragment of the corpus, no image, script, KaTeX formula, Material icon or emoji,
  colour or badge that the corpus spelled, and in the Plotly charts no link, bold or coloured
  text span and no extra line;
- the main block and the sidebar do not scroll sideways (nothing breaks the layout);
- and the values are there, literally: the Entidad header of each hostile entity reads
  `<id> — <name>` character for character (display cut at 160), the hostile ids are chart
  tick labels, the e-mail is the sidebar's sign-in line.

Full-page screenshots go to test-results/screenshots/hostil_*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from cac311.auth.identity import ROLES, Role
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ui.guard import PAGES
from cac311.ui.safe import FSI, LONG, PDI, SHORT, WORD_JOINER, plain
from tests.auth.helpers import PASSWORD
from tests.e2e.conftest import _server_env
from tests.e2e.support import (
    PROJECT,
    SCREENSHOTS,
    Server,
    assert_clean,
    full_page_screenshot,
    new_page,
    start_streamlit,
    wait_render,
)
from tests.e2e.ui import choose, error_alerts, go_to, heading, main, menu_for, sidebar
from tests.hostile import ENLACE_ENTITY, ENTITIES, USERS, build_hostile_database

pytestmark = pytest.mark.e2e

# The texts the corpus would put inside an element if it were rendered as markup.
FRAGMENTS = [
    "negrita",
    "cursiva",
    "tachado",
    "código",
    "EV",
    "B",
    "b",
    "a",
    "x",
    "y",
    "i",
    "R",
    "rojo",
    "insignia",
    "ayuda",
    "Título",
    "lista",
    "cita",
    "uno",
    "adm",
    "enlace",
    "fecha",
    "hoy",
    "NOPE",
    "lote",
    "r",
]
OWN_BADGES = ["mes parcial", "cohorte inmadura", "Datos de demostración"]

DATA_ELEMENTS_JS = """([fragments, ownBadges]) => {
  const found = [];
  const roots = ['stMain', 'stSidebar']
      .map(id => document.querySelector(`[data-testid="${id}"]`)).filter(Boolean);
  const text = el => (el.textContent || '').trim();
  const frag = new Set(fragments);
  const add = (what, el) => found.push(`${what}: ${el.outerHTML.slice(0, 200)}`);
  for (const root of roots) {
    for (const a of root.querySelectorAll('a')) {
      const href = a.getAttribute('href') || '';
      const ours = href === '' || href.startsWith('#') || a.href.startsWith(location.origin + '/');
      if (!ours || frag.has(text(a))) add('link', a);  // javascript:, mailto:, https://evil
    }
    const md = root.querySelectorAll('[data-testid="stMarkdownContainer"]');
    for (const box of md) {
      for (const el of box.querySelectorAll(
          'strong, b, em, i, del, s, code, pre, h1, h2, h3, h4, h5, h6, li, blockquote')) {
        if (frag.has(text(el))) add('markup', el);
      }
      for (const el of box.querySelectorAll('table, hr, img, input')) add('block', el);
      for (const el of box.querySelectorAll('.stMarkdownColoredText, .stMarkdownBadge')) {
        if (!ownBadges.some(b => text(el).includes(b))) add('colour', el);
      }
      for (const el of box.querySelectorAll('span[role="img"]')) add('icon', el);
      if (/[\\u{1F300}-\\u{1FAFF}\\u{1F44D}]/u.test(box.textContent)) add('emoji', box);
    }
    for (const el of root.querySelectorAll('script, iframe, .katex, .katex-display, img')) {
      add('element', el);
    }
    for (const svg of root.querySelectorAll('.main-svg')) {
      for (const el of svg.querySelectorAll('a')) add('chart link', el);
      for (const el of svg.querySelectorAll('tspan[style]')) add('chart style', el);
      for (const el of svg.querySelectorAll('tspan.line')) add('chart line break', el);
    }
  }
  return found;
}"""

OVERFLOW_JS = """() => ['stMain', 'stSidebarContent'].map(id => {
  const el = document.querySelector(`[data-testid="${id}"]`);
  return el ? [id, el.scrollWidth, el.clientWidth] : [id, 0, 0];
}).concat([['document', document.documentElement.scrollWidth, window.innerWidth]])"""


def visible_text(text: str) -> str:
    """Rendered text without the invisible marks `md` adds (word joiner, isolates)."""
    return text.replace(WORD_JOINER, "").replace(FSI, "").replace(PDI, "").strip()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("e2e_hostile")
    path = workdir / "hostil.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    prepare_database(engine, Settings())
    build_hostile_database(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("pragma wal_checkpoint(truncate)")
    engine.dispose()
    with start_streamlit(
        PROJECT / "app.py",
        cwd=PROJECT,
        log_path=workdir / "streamlit.log",
        env=_server_env(f"sqlite:///{path}", workdir),
    ) as server:
        yield server


def sign_in(page: Page, server: Server, role: Role) -> None:
    page.goto(server.url)
    form = main(page).get_by_test_id("stForm")
    expect(form).to_be_visible(timeout=90_000)
    form.get_by_label("Usuario").fill(USERS[role])
    form.get_by_label("Contraseña").fill(PASSWORD)
    form.get_by_role("button", name="Ingresar").click()
    expect(heading(page)).to_have_text("Resumen", timeout=60_000)
    wait_render(page)
    expect(main(page).get_by_test_id("stForm")).to_have_count(0)


def check_page(page: Page, server: Server, where: str) -> None:
    wait_render(page)
    assert_clean(page, server, where)
    assert not error_alerts(page), f"{where}: {error_alerts(page)}"
    made = page.evaluate(DATA_ELEMENTS_JS, [FRAGMENTS, OWN_BADGES])
    assert not made, f"{where}: elements made from data:\n" + "\n".join(made)
    for name, scroll, client in page.evaluate(OVERFLOW_JS):
        assert scroll <= client + 1, f"{where}: {name} overflows sideways ({scroll} > {client})"


def chart_texts(page: Page) -> str:
    return " ".join(main(page).locator(".main-svg").all_text_contents())


@pytest.mark.parametrize("role", ["admin", "director", "enlace"])
def test_every_page_shows_hostile_data_as_text(
    chromium: Browser, hostile_server: Server, role: Role
) -> None:
    page = new_page(chromium)
    sign_in(page, hostile_server, role)
    line = sidebar(page).get_by_test_id("stText").first.inner_text()
    assert line.startswith(plain(USERS[role])), line
    charts = ""
    for label in menu_for(role):
        if label != "Resumen":
            go_to(page, hostile_server, label)
        check_page(page, hostile_server, f"{role} · {label}")
        charts += chart_texts(page)
        shot = SCREENSHOTS / f"hostil_{role}_{label.split()[0].lower()}.png"
        full_page_screenshot(page, shot)
    for entity in ENTITIES[:3]:
        assert entity.entity_id in charts, f"{entity.entity_id!r} is no chart label"
    page.context.close()


def test_the_entity_header_reads_the_imported_name_character_for_character(
    chromium: Browser, hostile_server: Server
) -> None:
    """The issue's reproduction, for each hostile entity, and the enlace's own entity."""
    page = new_page(chromium)
    sign_in(page, hostile_server, "admin")
    go_to(page, hostile_server, "Entidad")
    for entity in ENTITIES[:3]:
        option = plain(f"{entity.entity_id} · {entity.name}", limit=SHORT)
        choose(page, "Entidad", option, search=entity.entity_id[:6])
        header = main(page).locator("h3").first
        want = f"{plain(entity.entity_id)} — {plain(entity.name, limit=LONG)}"
        expect(header).to_have_text(re.compile(r".+"))
        page.wait_for_function(
            "([want, wj]) => { const h = document.querySelector('[data-testid=stMain] h3');"
            " return h && h.textContent.replaceAll(wj, '').replaceAll('\\u2068', '')"
            ".replaceAll('\\u2069', '').trim() === want; }",
            arg=[visible_text(want), WORD_JOINER],
            timeout=60_000,
        )
        assert visible_text(header.inner_text()) == visible_text(want)
        check_page(page, hostile_server, f"Entidad {entity.entity_id}")
    full_page_screenshot(page, SCREENSHOTS / "hostil_entidad_ficha.png")
    page.context.close()


def test_the_enlace_reads_their_own_hostile_entity_as_text(
    chromium: Browser, hostile_server: Server
) -> None:
    page = new_page(chromium)
    sign_in(page, hostile_server, "enlace")
    go_to(page, hostile_server, "Ranking")
    own = main(page).get_by_test_id("stAlertContentInfo").filter(has_text="Su entidad,").first
    expect(own).to_be_visible()
    text = own.get_by_test_id("stMarkdownContainer").first.inner_text()
    assert visible_text(text).startswith(
        f"Su entidad, {plain(ENLACE_ENTITY)} — {plain(ENTITIES[0].name)},"
    )
    assert own.locator("strong").count() == 2  # ours: the entity and the position, no more
    link = main(page).get_by_test_id("stPageLink").filter(has_text="Abrir la ficha de")
    shown = visible_text(link.inner_text())
    assert shown.endswith(f"Abrir la ficha de {plain(ENLACE_ENTITY)}"), shown
    check_page(page, hostile_server, "Ranking enlace")
    page.context.close()


def test_pages_are_all_checked() -> None:
    """The e2e walk covers every page some role can open (PAGES is the source of truth)."""
    assert {p.label for p in PAGES} == {label for role in ROLES for label in menu_for(role)}
