"""PostgreSQL restarts while the dashboard serves (issue 18), on a throwaway cluster of our own.

During the outage a page load shows one Spanish line (no traceback, no exception box); once
the server is back the next page load works, with the same Streamlit process (the cached
engines reconnect: `pool_pre_ping`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserType, Page, expect

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.faults import OUTAGE_LINE
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo
from tests.e2e.support import (
    PROJECT,
    Server,
    launch_chromium,
    new_page,
    start_streamlit,
    wait_render,
)
from tests.faults.pg_cluster import Cluster, throwaway_cluster

pytestmark = [pytest.mark.faults, pytest.mark.e2e]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as running:
        admin = make_engine(running.url())
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("create database tablero"))
        admin.dispose()
        engine = make_engine(running.url("tablero"))
        prepare_database(engine, Settings())
        generate_demo(engine, Settings(), cases=5_000, seed=311, today=date(2026, 11, 15))
        engine.dispose()
        yield running


@pytest.fixture(scope="module")
def chromium(browser_type: BrowserType) -> Iterator[Browser]:
    browser = launch_chromium(browser_type)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import os

    workdir = tmp_path_factory.mktemp("restart_server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAC311_")}
    env.update({"DATABASE_URL": cluster.url("tablero"), "HOME": str(workdir)})
    with start_streamlit(
        PROJECT / "serve.py", cwd=PROJECT, log_path=workdir / "streamlit.log", env=env
    ) as running:
        yield running


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    tracebacks = page.get_by_text("Traceback", exact=False)
    assert not any(tracebacks.nth(i).is_visible() for i in range(tracebacks.count()))


def dashboard_shown(page: Page) -> None:
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text(
        "Resumen", timeout=90_000
    )
    wait_render(page)
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    no_trouble_shown(page)
    no_exception(page)


def no_trouble_shown(page: Page) -> None:
    """No error or warning box (an info or success box is content: Resumen's early-warning
    section says "ninguna entidad en deterioro" in one)."""
    for kind in ("stAlertContentError", "stAlertContentWarning"):
        expect(page.get_by_test_id(kind)).to_have_count(0)


def test_the_next_page_load_after_a_restart_works_and_the_outage_is_one_spanish_line(
    chromium: Browser, cluster: Cluster, server: Server
) -> None:
    page = new_page(chromium)
    page.goto(server.url + "/?mes=2026-09")
    dashboard_shown(page)

    cluster.stop()
    try:
        for path in ("/?mes=2026-08", "/Ranking"):  # a reload and another page, not cached
            page.goto(server.url + path)
            alert = page.get_by_test_id("stAlert")
            expect(alert).to_have_count(1, timeout=90_000)
            wait_render(page)
            assert alert.inner_text().strip() == OUTAGE_LINE
            no_exception(page)
            expect(page.get_by_test_id("stMetric")).to_have_count(0)
            page.screenshot(path=str(server.log_path.with_name("outage.png")))
    finally:
        cluster.start()

    page.goto(server.url + "/?mes=2026-08")
    dashboard_shown(page)
    page.goto(server.url + "/Ranking")
    expect(page.get_by_test_id("stMain").locator("h1").first).to_have_text("Ranking")
    wait_render(page)
    no_exception(page)
    no_trouble_shown(page)
    page.context.close()
