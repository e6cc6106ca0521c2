"""Browser end to end on the demo dashboard (issues #4 and #7): a real `streamlit run app.py`
on a 20,000-case demo SQLite file (one server for the module), Debian's chromium at 1366×768.

- a deep link on a freshly started server runs the guard (menu, month from the URL);
- a tampered link is ignored with notices, never a traceback;
- an admin clicks through every menu page: each renders without an exception, a traceback or an
  error box, carries the "Datos al" stamp and its charts/tables/KPIs, and is saved as a
  full-page screenshot (each tab too) under test-results/screenshots/;
- changing the day-count mode and the month changes the KPI cards to the metrics module's
  figures, and the menu carries the filters to the next page;
- the director's and the enlace's menus; an enlace is refused on "Calidad de datos";
- downloads equal the metrics module for the same filters: the Ranking CSV
  (`analytics.monthly.ranking`), the enlace's own vencidos (`analytics.open_cases`), the
  Tendencias CSV (`analytics.monthly.monthly_trend`) and the publication file (`build_bundle`,
  the CLI's bytes); each download is in the audit log.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata

import polars as pl
import pytest
from playwright.sync_api import Browser, Page, expect
from polars.testing import assert_frame_equal

from cac311.auth.audit import audit_entries
from cac311.auth.identity import ROLE_LABELS
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.export.publication import build_bundle
from tests import analytics_calls as calls
from tests.e2e.conftest import DEMO_TODAY, Dashboard
from tests.e2e.support import (
    SCREENSHOTS,
    assert_clean,
    full_page_screenshot,
    new_page,
    wait_render,
)
from tests.e2e.ui import (
    DATOS_AL,
    choose,
    download,
    download_csv,
    error_alerts,
    expected_kpis,
    go_to,
    heading,
    main,
    menu_for,
    menu_labels,
    open_app,
    selected,
    sidebar,
    sign_in_demo,
    wait_for_kpis,
)

pytestmark = pytest.mark.e2e

DEFAULT_MONTH = "2026-10"  # the last complete month at 15/11/2026
DEFAULT_MONTH_LABEL = "octubre de 2026"
OTHER_MONTH = "2026-09"
OTHER_MONTH_LABEL = "septiembre de 2026"  # how the month selector writes it
OWN_ENTITY = "MOP"  # the enlace's entity in demo mode: has vencidos at 15/11/2026


# What each page draws for an admin on the demo data, at least (test id → minimum count): a
# page that silently lost its charts, tables or KPI cards fails here.
PAGE_CONTENT: dict[str, dict[str, int]] = {
    "Resumen": {"stMetric": 8, "stPlotlyChart": 4},
    "Ranking": {"stDataFrame": 2, "stPlotlyChart": 1, "stDownloadButton": 1},
    "Entidad": {"stMetric": 8, "stPlotlyChart": 6, "stDataFrame": 2, "stDownloadButton": 2},
    "Tendencias": {"stPlotlyChart": 2, "stDataFrame": 1},
    "Traslados": {"stMetric": 4, "stPlotlyChart": 2, "stDataFrame": 1, "stDownloadButton": 2},
    "Directorio y comunicados": {"stMetric": 4, "stDataFrame": 2, "stPlotlyChart": 1},
    "Publicación": {"stDataFrame": 1, "stDownloadButton": 4},
    "Calidad de datos": {"stMetric": 4, "stDataFrame": 1},
    "Importar datos": {"stFileUploader": 1},
}


def screenshot_name(label: str) -> str:
    """`Directorio y comunicados` → `Directorio_y_comunicados` (ASCII, like the page URLs)."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"\W+", "_", ascii_label).strip("_")


def test_deep_link_on_a_fresh_server_runs_the_guard(
    chromium: Browser, fresh_dashboard: Dashboard
) -> None:
    page = new_page(chromium)
    open_app(page, fresh_dashboard.server, f"/Ranking?mes={OTHER_MONTH}")

    expect(heading(page)).to_have_text("Ranking")
    assert menu_labels(page) == menu_for("admin")
    expect(selected(page, "Mes")).to_have_value(OTHER_MONTH_LABEL)
    expect(main(page).get_by_text("septiembre de 2026").first).to_be_visible()
    expect(sidebar(page).get_by_text(f"Viendo como: {ROLE_LABELS['admin']}")).to_be_visible()
    assert f"mes={OTHER_MONTH}" in page.url
    page.context.close()


def test_a_tampered_link_is_ignored_with_notices_not_a_traceback(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server, "/Entidad?e=NOEXISTE&mes=1999-13&dias=semanal&sector=zzz&tipo=queja")
    expect(heading(page)).to_have_text("Entidad")
    for raw in ("NOEXISTE", "1999-13", "semanal", "zzz"):
        expect(main(page).get_by_text(f"Se ignoró «{raw}»")).to_be_visible()
    expect(selected(page, "Mes")).to_have_value(DEFAULT_MONTH_LABEL)
    expect(main(page).get_by_test_id("stMetric").first).to_be_visible()
    assert "tipo=queja" in page.url  # the valid parameter is kept
    assert "NOEXISTE" not in page.url
    page.context.close()


def test_admin_sees_every_page_without_errors(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server)
    sign_in_demo(page, server, "admin")
    labels = menu_labels(page)
    assert labels == menu_for("admin")

    problems: list[str] = []
    for label in labels:
        go_to(page, server, label)
        expect(main(page).get_by_text(DATOS_AL).first).to_be_visible()
        problems += [f"{label}: {text}" for text in error_alerts(page)]
        for test_id, minimum in PAGE_CONTENT[label].items():
            # Widgets' code loads lazily in the browser: wait for the n-th one, not a count.
            elements = main(page).get_by_test_id(test_id)
            try:
                expect(elements.nth(minimum - 1)).to_be_attached(timeout=15_000)
            except AssertionError:
                problems.append(
                    f"{label}: {elements.count()} {test_id}, expected at least {minimum}"
                )
        name = screenshot_name(label)
        full_page_screenshot(page, SCREENSHOTS / f"{name}.png")
        # Tabs: every tab's body is drawn by the same run; shoot each one for the layout review.
        tabs = main(page).get_by_role("tab")
        for index in range(1, tabs.count()):
            tab = tabs.nth(index)
            tab_name = screenshot_name(tab.inner_text())
            tab.click()
            expect(tab).to_have_attribute("aria-selected", "true")
            wait_render(page)
            full_page_screenshot(page, SCREENSHOTS / f"{name}__{tab_name}.png")
        assert_clean(page, server, f"page {label} after the screenshots")
    assert not problems, "pages with errors or missing content:\n" + "\n".join(problems)
    page.context.close()


def test_filters_change_the_kpis_and_follow_the_menu(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server)
    shown = expected_kpis(visited_dashboard.database_url, DEFAULT_MONTH, "calendario")
    wait_for_kpis(page, shown)

    # Day-count mode: the radio rewrites the URL, the stamp and the day-based KPIs.
    sidebar(page).get_by_text("Hábiles", exact=True).click()
    expect(main(page).get_by_text("días hábiles").first).to_be_visible(timeout=60_000)
    habiles = expected_kpis(visited_dashboard.database_url, DEFAULT_MONTH, "habiles")
    assert habiles != shown, "the demo data should make the modes differ"
    wait_for_kpis(page, habiles)
    assert "dias=habiles" in page.url

    # Month: another month, other figures.
    choose(page, "Mes", OTHER_MONTH_LABEL)
    expect(main(page).get_by_text("septiembre de 2026").first).to_be_visible(timeout=60_000)
    september = expected_kpis(visited_dashboard.database_url, OTHER_MONTH, "habiles")
    wait_for_kpis(page, september)
    assert f"mes={OTHER_MONTH}" in page.url

    # The menu carries the filters to the next page.
    go_to(page, server, "Ranking")
    expect(selected(page, "Mes")).to_have_value(OTHER_MONTH_LABEL)
    assert f"mes={OTHER_MONTH}" in page.url
    assert "dias=habiles" in page.url
    page.context.close()


def test_role_menus_and_the_enlace_refused_on_data_quality(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server)
    sign_in_demo(page, server, "director")
    assert menu_labels(page) == menu_for("director")
    sign_in_demo(page, server, "enlace", "MINSA")
    labels = menu_labels(page)
    assert labels == menu_for("enlace")
    assert "Calidad de datos" not in labels

    # A deep link opens a new session (demo: admin by default); as soon as the role becomes
    # enlace on that page, the guard refuses it and shows no data.
    open_app(page, server, "/Calidad_de_datos")
    expect(heading(page)).to_have_text("Calidad de datos")
    sign_in_demo(page, server, "enlace", "MINSA")
    expect(main(page).get_by_text("Esta página es solo para")).to_be_visible()
    assert_no_data(page)
    assert_clean(page, server, "Calidad de datos as enlace")
    page.context.close()


def assert_no_data(page: Page) -> None:
    """No table, chart, KPI card or download in the main area."""
    area = main(page)
    for test_id in ("stDataFrame", "stTable", "stPlotlyChart", "stMetric", "stDownloadButton"):
        expect(area.get_by_test_id(test_id)).to_have_count(0)


RANKING_INTS = (
    "posicion",
    "posicion_anterior",
    "cambio_posicion",
    "n",
    "cerrados_en_plazo",
    "cerrados",
    "vencidos_fin_mes",
)
RANKING_FLOATS = ("indice_cumplimiento", "score", "mediana_dias", "p90_dias")


def test_ranking_csv_equals_the_metrics_module(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server, f"/Ranking?mes={OTHER_MONTH}&dias=habiles")
    expect(heading(page)).to_have_text("Ranking")
    expect(main(page).get_by_text("días hábiles").first).to_be_visible()
    downloaded = download_csv(page, "Descargar ranking (CSV)")
    wait_render(page)
    assert_clean(page, server, "ranking download")

    engine = make_engine(visited_dashboard.database_url, read_only=True)
    try:
        expected = calls.ranking(engine, Settings(), OTHER_MONTH, "habiles")
    finally:
        engine.dispose()
    assert downloaded["periodo"].unique().to_list() == [OTHER_MONTH]
    assert downloaded["modo_dias"].unique().to_list() == ["habiles"]
    got = downloaded.select(
        "entidad_id",
        *(pl.col(c).cast(pl.Int64) for c in RANKING_INTS),
        *(pl.col(c).cast(pl.Float64) for c in RANKING_FLOATS),
    ).sort("entidad_id")
    want = expected.select("entidad_id", *RANKING_INTS, *RANKING_FLOATS).sort("entidad_id")
    assert got.height > 20
    assert_frame_equal(got, want, check_exact=False, rel_tol=1e-9)
    # Ranked rows first, in position order.
    positions = [p for p in downloaded["posicion"].cast(pl.Int64).to_list() if p is not None]
    assert positions == sorted(positions)
    assert positions == list(range(1, len(positions) + 1))
    assert_export_audited(visited_dashboard, "demo-admin@demo.local", f"ranking {OTHER_MONTH}")
    page.context.close()


def test_enlace_downloads_the_vencidos_of_their_own_entity(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server)
    sign_in_demo(page, server, "enlace", OWN_ENTITY)
    go_to(page, server, "Ranking")  # the enlace's own position on top of the ranking
    expect(main(page).get_by_text(f"Su entidad, {OWN_ENTITY} — ")).to_be_visible()
    go_to(page, server, "Entidad")
    expect(main(page).get_by_text(f"{OWN_ENTITY} — ").first).to_be_visible()

    engine = make_engine(visited_dashboard.database_url, read_only=True)
    try:
        expected = calls.open_case_list(
            engine, Settings(), OWN_ENTITY, DEMO_TODAY, "calendario", "vencidos"
        )
    finally:
        engine.dispose()
    assert expected.height > 0, "the demo data should give this entity vencidos"
    expect(main(page).get_by_text(f"Vencidos (más de 30 días): {expected.height}")).to_be_visible()

    downloaded = download_csv(page, "Descargar vencidos (CSV)")
    wait_render(page)
    assert_clean(page, server, "vencidos download")
    got = downloaded.select(
        "case_id", "entidad_id", pl.col("edad_dias").cast(pl.Int64), "created_on"
    )
    want = expected.select(
        "case_id", "entidad_id", "edad_dias", pl.col("created_on").cast(pl.String)
    )
    assert_frame_equal(got, want)
    assert_export_audited(visited_dashboard, "demo-enlace@demo.local", f"vencidos {OWN_ENTITY}")
    page.context.close()


def test_publication_download_is_the_cli_bundle(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server, f"/Publicacion?mes={OTHER_MONTH}&dias=habiles")
    expect(heading(page)).to_have_text("Publicación")
    engine = make_engine(visited_dashboard.database_url, read_only=True)
    try:
        bundle = build_bundle(engine, Settings(), period=calls.period(OTHER_MONTH, "habiles"))
    finally:
        engine.dispose()
    name = bundle.open_data_name
    expected = bundle.files[name]
    digest = hashlib.sha256(expected).hexdigest()
    expect(main(page).get_by_text(name, exact=True)).to_be_visible()
    expect(main(page).get_by_text(digest)).to_be_visible()

    # The button of the open-data file's own row (every file's button reads "Descargar").
    row = (
        main(page)
        .get_by_test_id("stHorizontalBlock")
        .filter(has=page.get_by_text(name, exact=True))
    )
    file_name, data = download(page, row.get_by_test_id("stDownloadButton"))
    assert file_name == name
    assert data == expected, "the page's file differs from `cac311 export publication`"
    assert_export_audited(visited_dashboard, "demo-admin@demo.local", f"publicación {name}")
    assert_clean(page, server, "publication download")
    page.context.close()


def test_trend_link_restores_its_choices_and_its_csv_equals_the_metrics_module(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server, "/Tendencias?kpi=cerrados&por=canal&meses=25")
    expect(heading(page)).to_have_text("Tendencias")
    expect(selected(page, "Indicador")).to_have_value("Cerrados")
    expect(selected(page, "Desglose por")).to_have_value("Canal")
    downloaded = download_csv(page, "Descargar CSV")
    wait_render(page)
    assert_clean(page, server, "trend download")

    engine = make_engine(visited_dashboard.database_url, read_only=True)
    try:
        expected = calls.monthly_trend(
            engine, Settings(), DEFAULT_MONTH, 25, "calendario", split_by="channel"
        )
    finally:
        engine.dispose()
    got = downloaded.select(
        "periodo", "grupo", pl.col("cerrados").cast(pl.Int64), pl.col("recibidos").cast(pl.Int64)
    ).sort("periodo", "grupo")
    want = (
        expected.filter(pl.col("grupo").is_in(got["grupo"].unique().to_list()))
        .select("periodo", "grupo", "cerrados", "recibidos")
        .sort("periodo", "grupo")
    )
    assert got["periodo"].n_unique() == 25
    assert got["grupo"].n_unique() >= 2
    assert_frame_equal(got, want)
    page.context.close()


def assert_export_audited(dashboard: Dashboard, email: str, detail_start: str) -> None:
    """The download was written to the audit log (action `export`) by the rerun it triggers."""
    deadline = time.monotonic() + 30
    details: list[str] = []
    while time.monotonic() < deadline:
        engine = make_engine(dashboard.database_url, read_only=True)
        try:
            log = audit_entries(engine, 50)
        finally:
            engine.dispose()
        exports = log.filter((pl.col("action") == "export") & (pl.col("email") == email))
        details = [str(d) for d in exports["detail"].to_list()]
        if any(d.startswith(detail_start) for d in details):
            return
        time.sleep(0.5)
    raise AssertionError(f"no export {detail_start!r} by {email} in the audit log: {details}")
