"""Page-level helpers for the dashboard's browser tests: menu, sidebar pickers, KPI read-outs.

They know the dashboard's labels (Spanish UI) and Streamlit's test ids; the waiting and the
failure checks live in `tests.e2e.support`.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import polars as pl
from playwright.sync_api import Locator, Page, expect

from cac311.auth.identity import ROLE_LABELS, Role
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.ui.format import fmt_metric, metric_label
from cac311.ui.guard import PAGES
from tests.e2e.support import Server, assert_clean, wait_render

DATOS_AL = "Datos al 15/11/2026"


def menu_for(role: Role) -> list[str]:
    """The menu labels `role` must see, in order (source of truth: the guard's PAGES)."""
    return [page.label for page in PAGES if role in page.roles]


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def menu_links(page: Page) -> Locator:
    return sidebar(page).get_by_test_id("stPageLink")


def menu_labels(page: Page) -> list[str]:
    """The sidebar menu's labels (the material icon's ligature text dropped). Every signed-in
    page has a menu: wait for it (a loaded machine draws the sidebar after the main area)."""
    expect(menu_links(page).first).to_be_visible(timeout=30_000)
    return [text.strip().splitlines()[-1].strip() for text in menu_links(page).all_inner_texts()]


def heading(page: Page) -> Locator:
    return main(page).locator("h1").first


def selectbox(page: Page, label: str) -> Locator:
    """The selectbox whose label is exactly `label` (anywhere on the page)."""
    return page.get_by_test_id("stSelectbox").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    )


def selected(page: Page, label: str) -> Locator:
    """The input of the selectbox `label`; its value is the shown choice (`to_have_value`)."""
    return selectbox(page, label).get_by_role("combobox")


def choose(page: Page, label: str, option: str | re.Pattern[str], search: str = "") -> None:
    """Pick `option` in the selectbox `label`; `search` is typed first (long lists are
    virtualised, so an option far down is not in the DOM until the list is filtered)."""
    box = selectbox(page, label)
    expect(box).to_have_count(1, timeout=60_000)  # a loaded machine takes more than 5 s
    field = box.locator("input").first
    field.click()
    if search:
        field.fill(search)
    if isinstance(option, str):
        page.get_by_role("option", name=option, exact=True).click()
    else:
        page.get_by_role("option", name=option).first.click()


def open_app(page: Page, server: Server, path: str = "/") -> None:
    page.goto(f"{server.url}{path}")
    # Right after the load the script state may read "notRunning" before the first run starts:
    # wait for a title first (every page and the sign-in form draw one).
    expect(heading(page)).to_be_visible(timeout=90_000)
    wait_render(page)
    assert_clean(page, server, f"open {path}")


def sign_in_demo(page: Page, server: Server, role: Role, entity: str | None = None) -> None:
    """Pick the demo role (and the enlace's entity) on the current page and wait for the rerun."""
    choose(page, "Rol de demostración", ROLE_LABELS[role])
    if role == "enlace":
        assert entity is not None
        expect(selectbox(page, "Entidad del enlace")).to_have_count(1)
        choose(page, "Entidad del enlace", re.compile(rf"^{re.escape(entity)} — "), entity)
    role_text = ROLE_LABELS[role] + (f" · {entity}" if entity else "")
    expect(sidebar(page).get_by_text(f"Viendo como: {role_text}")).to_be_visible()
    wait_render(page)
    assert_clean(page, server, f"demo role {role}")


def go_to(page: Page, server: Server, label: str) -> None:
    """Click the menu entry `label` and wait for its page (title = label)."""
    link = menu_links(page).filter(has_text=re.compile(rf"{re.escape(label)}$"))
    expect(link).to_have_count(1)
    link.locator("a").click()
    expect(heading(page)).to_have_text(label, timeout=60_000)
    wait_render(page)
    assert_clean(page, server, f"page {label}")


def kpis(page: Page) -> dict[str, str]:
    """The KPI cards shown in the main area: label → value text."""
    result: dict[str, str] = {}
    for card in main(page).get_by_test_id("stMetric").all():
        name = card.get_by_test_id("stMetricLabel").inner_text().strip()
        result[name] = card.get_by_test_id("stMetricValue").inner_text().strip()
    return result


def expected_kpis(database_url: str, month: str, mode: str) -> dict[str, str]:
    """The national KPI cards as the metrics module computes and formats them (read-only)."""
    from tests import analytics_calls as calls

    engine = make_engine(database_url, read_only=True)
    try:
        deltas = calls.kpi_deltas(engine, Settings(), month, mode)
    finally:
        engine.dispose()
    return {
        metric_label(row["kpi"]): fmt_metric(row["kpi"], row["valor"])
        for row in deltas.iter_rows(named=True)
    }


def wait_for_kpis(page: Page, wanted: dict[str, str], timeout_s: float = 60) -> None:
    """Wait until the KPI cards show `wanted` (after a filter change the rerun takes a moment)."""
    deadline = time.monotonic() + timeout_s
    shown = kpis(page)
    while shown != wanted and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        shown = kpis(page)
    assert shown == wanted, f"KPI cards {shown} != metrics module {wanted}"


def download(page: Page, button: Locator) -> tuple[str, bytes]:
    """Click the download `button` (an `stDownloadButton`); the file's name and bytes."""
    expect(button).to_have_count(1, timeout=60_000)  # a loaded machine takes more than 5 s
    with page.expect_download(timeout=60_000) as info:
        button.locator("button").click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def download_csv(page: Page, button_label: str) -> pl.DataFrame:
    """Click the download button `button_label` and read the file (UTF-8 with BOM) as text
    columns, so numbers are compared exactly as written."""
    button = main(page).get_by_test_id("stDownloadButton").filter(has_text=button_label)
    _name, data = download(page, button)
    assert data.startswith(b"\xef\xbb\xbf"), "CSV without the UTF-8 BOM (accents in Excel)"
    return pl.read_csv(io.BytesIO(data[3:]), infer_schema=False)


def error_alerts(page: Page) -> list[str]:
    """Texts of the `st.error` boxes on the page."""
    return [
        text.strip()
        for text in page.get_by_test_id("stAlertContentError").all_inner_texts()
        if text.strip()
    ]
