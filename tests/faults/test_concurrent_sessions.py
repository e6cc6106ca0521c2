"""20 browser sessions open Resumen at the same moment on a cold server: all render, none fails
(issue 18). CI's version on a 20,000-case demo; the 1M-case run is bench/bench_sessions.py
(results in docs/benchmarks.md). No timing is asserted: times are measured in the bench.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserType

from bench.bench_sessions import concurrent_resumen
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo
from tests.e2e.support import PROJECT, Server, launch_chromium, start_streamlit

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

SESSIONS = 20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("sessions_server")
    path = workdir / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    prepare_database(engine, Settings())
    generate_demo(engine, Settings(), cases=20_000, seed=311, today=date(2026, 11, 15))
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAC311_")}
    env.update({"DATABASE_URL": f"sqlite:///{path}", "HOME": str(workdir)})
    with start_streamlit(
        PROJECT / "serve.py", cwd=PROJECT, log_path=workdir / "streamlit.log", env=env
    ) as running:
        yield running


@pytest.fixture(scope="module")
def chromium(browser_type: BrowserType) -> Iterator[Browser]:
    browser = launch_chromium(browser_type)
    yield browser
    browser.close()


def test_twenty_sessions_at_once_on_a_cold_server_all_render(
    chromium: Browser, server: Server
) -> None:
    result = concurrent_resumen(
        server.url, server.pid, sessions=SESSIONS, timeout_s=300, browser=chromium
    )
    assert result["failures"] == [], (result, server.log_tail())
    assert result["rendered"] == SESSIONS
    assert "Traceback" not in Path(server.log_path).read_text(encoding="utf-8", errors="replace")
    print(result)  # time and memory, for the record (-s shows it)
