"""Early-warning flags in the browser (docs/metrics.md §16): the ranking CSV carries each
entity's flag and state equal to the analytics, and the three pages draw them without errors.
(AppTest cannot read a download's bytes, so the CSV is checked here.)"""

from __future__ import annotations

import polars as pl
from playwright.sync_api import Browser, expect
from polars.testing import assert_frame_equal

from cac311.analytics.dates import data_dates
from cac311.analytics.early_warning import entity_flags
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.ingest.demo_cases import DETERIORATING_ENTITY
from metrics.early_warning import latest_states
from metrics.period import Period
from tests.e2e.conftest import Dashboard
from tests.e2e.support import assert_clean, new_page, wait_render
from tests.e2e.ui import download_csv, heading, main, open_app

MONTH = "2026-10"


def test_ranking_csv_carries_the_flags_and_the_pages_show_them(
    chromium: Browser, visited_dashboard: Dashboard
) -> None:
    server = visited_dashboard.server
    page = new_page(chromium)
    open_app(page, server, f"/Ranking?mes={MONTH}&dias=habiles")
    expect(heading(page)).to_have_text("Ranking")
    downloaded = download_csv(page, "Descargar ranking (CSV)")
    wait_render(page)
    assert_clean(page, server, "ranking download")

    engine = make_engine(visited_dashboard.database_url, read_only=True)
    try:
        period = Period.parse(MONTH, "habiles")
        flags = entity_flags(engine, Settings(), period=period, dates=data_dates(engine))
    finally:
        engine.dispose()
    want = latest_states(flags, period.month.yyyymm).select(
        "entidad_id",
        pl.col("alerta_deterioro").cast(pl.String).str.to_lowercase(),
        "estado_alerta",
    )
    got = downloaded.select("entidad_id", "alerta_deterioro", "estado_alerta").sort("entidad_id")
    assert got.height > 20
    assert_frame_equal(got, want.filter(pl.col("entidad_id").is_in(got["entidad_id"].implode())))
    assert got.filter(pl.col("entidad_id") == DETERIORATING_ENTITY)["estado_alerta"].to_list() == [
        "en_deterioro"
    ]

    open_app(page, server, f"/?mes={MONTH}")
    expect(main(page).get_by_text("Alertas de deterioro")).to_be_visible()
    expect(main(page).get_by_text("en deterioro").first).to_be_visible()
    open_app(page, server, f"/Entidad?mes={MONTH}&e={DETERIORATING_ENTITY}")
    expect(main(page).get_by_text("está en deterioro")).to_be_visible()
    assert_clean(page, server, "entidad control chart")
    page.context.close()
