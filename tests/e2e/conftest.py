"""Session fixtures of the browser tests: demo database, Streamlit servers, Debian's chromium.

- `demo_db`: a SQLite file with 20,000 demo cases up to 15/11/2026 (same recipe as the AppTest
  fixture `demo_sqlite_url`), so figures are reproducible and the demo role picker is on.
- `dashboard`: `streamlit run serve.py` (st.App over app.py, as `bash dev.sh run`) on that
  file, one server for the whole session. Its first
  browser visit is handed to the fresh-server deep-link test (`fresh_dashboard`).
- `accounts_db` / `accounts_dashboard`: a copy of the demo file with one admin and one enlace
  local account (so the sign-in form is shown instead of the demo picker), and a second server.
- `chromium`: /usr/bin/chromium launched through Playwright (fails when it is missing).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserType

from cac311.auth import users
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo
from tests.e2e.support import PROJECT, Server, launch_chromium, start_streamlit

DEMO_TODAY = date(2026, 11, 15)
DEMO_CASES = 20_000
ADMIN_EMAIL = "admin@aig.gob.pa"
ENLACE_EMAIL = "enlace.minsa@minsa.gob.pa"
ENLACE_ENTITY = "MINSA"
ACCOUNT_PASSWORD = "Tablero-e2e-2026"  # pragma: allowlist secret


def _server_env(database_url: str, home: Path) -> dict[str, str]:
    """The server's whole environment: ours, without inherited CAC311_* settings, with an empty
    HOME (no user-level secrets.toml that could switch the gate to OIDC)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CAC311_") and name != "DATABASE_URL"
    }
    env.update({"DATABASE_URL": database_url, "HOME": str(home), "CAC311_DEMO_CASOS": "20000"})
    return env


@dataclass
class Dashboard:
    """The shared dashboard server; `fresh` stays True until some test claims the first visit."""

    server: Server
    db_path: Path
    fresh: bool = True

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.db_path}"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with 20,000 demo cases up to 15/11/2026 (built once per session)."""
    path = tmp_path_factory.mktemp("e2e_demo") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    prepare_database(engine, Settings())
    generate_demo(engine, Settings(), cases=DEMO_CASES, seed=311, today=DEMO_TODAY)
    with engine.connect() as conn:
        conn.exec_driver_sql("pragma wal_checkpoint(truncate)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def dashboard(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """`streamlit run serve.py` (demo mode) on the demo file; stopped at the end of the session."""
    workdir = tmp_path_factory.mktemp("e2e_server")
    with start_streamlit(
        PROJECT / "serve.py",
        cwd=PROJECT,
        log_path=workdir / "streamlit.log",
        env=_server_env(f"sqlite:///{demo_db}", workdir),
    ) as server:
        yield Dashboard(server=server, db_path=demo_db)


@pytest.fixture
def fresh_dashboard(
    dashboard: Dashboard, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dashboard]:
    """A server no browser has visited yet: the shared one if still unvisited, else a new one."""
    if dashboard.fresh:
        dashboard.fresh = False
        yield dashboard
        return
    workdir = tmp_path_factory.mktemp("e2e_fresh_server")
    with start_streamlit(
        PROJECT / "serve.py",
        cwd=PROJECT,
        log_path=workdir / "streamlit.log",
        env=_server_env(dashboard.database_url, workdir),
    ) as server:
        yield Dashboard(server=server, db_path=dashboard.db_path, fresh=False)


@pytest.fixture
def visited_dashboard(dashboard: Dashboard) -> Dashboard:
    """The shared server for tests that do not need it fresh."""
    dashboard.fresh = False
    return dashboard


@pytest.fixture(scope="session")
def accounts_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo file with local accounts: one admin, one enlace of MINSA."""
    path = tmp_path_factory.mktemp("e2e_accounts") / "accounts.sqlite"
    shutil.copyfile(demo_db, path)
    engine = make_engine(f"sqlite:///{path}")
    users.add_user(engine, email=ADMIN_EMAIL, role="admin", password=ACCOUNT_PASSWORD)
    users.add_user(
        engine,
        email=ENLACE_EMAIL,
        role="enlace",
        entity_id=ENLACE_ENTITY,
        password=ACCOUNT_PASSWORD,
    )
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def accounts_dashboard(
    accounts_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dashboard]:
    """A second server on the accounts copy: the local sign-in form guards every page."""
    workdir = tmp_path_factory.mktemp("e2e_accounts_server")
    with start_streamlit(
        PROJECT / "serve.py",
        cwd=PROJECT,
        log_path=workdir / "streamlit.log",
        env=_server_env(f"sqlite:///{accounts_db}", workdir),
    ) as server:
        yield Dashboard(server=server, db_path=accounts_db, fresh=False)


@pytest.fixture(scope="session")
def chromium(browser_type: BrowserType) -> Iterator[Browser]:
    browser = launch_chromium(browser_type)
    yield browser
    browser.close()
