"""AppTest fixtures: a demo SQLite database built once per session and a page runner.

`open_page(path, role=..., entity=..., params=...)` runs `app.py` (so the guard and the sidebar
run as in the browser) and then switches to `path`, in demo mode with the given role, with the
given URL query parameters. The demo data is fixed at `DEMO_TODAY`, so figures are reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cac311.auth.session import DEMO_ENTITY_KEY, DEMO_ROLE_KEY
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo

PROJECT = Path(__file__).resolve().parents[2]
DEMO_TODAY = date(2026, 11, 15)
DEMO_CASES = 20_000
ENLACE_ENTITY = "MINSA"
APP_TIMEOUT = 90

PageRunner = Callable[..., AppTest]


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with 20,000 demo cases up to 15/11/2026 (built once per session)."""
    path = tmp_path_factory.mktemp("demo_app") / "demo.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    prepare_database(engine, Settings())
    generate_demo(engine, Settings(), cases=DEMO_CASES, seed=311, today=DEMO_TODAY)
    engine.dispose()
    return url


@pytest.fixture
def open_page(demo_sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PageRunner]:
    """Run a page in demo mode as `role` (and `entity` for an enlace) with URL `params`."""
    monkeypatch.chdir(PROJECT)

    def run(
        path: str = "app.py",
        *,
        role: str = "admin",
        entity: str | None = ENLACE_ENTITY,
        params: Mapping[str, str | Sequence[str]] | None = None,
        url: str | None = None,
    ) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url or demo_sqlite_url)
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=APP_TIMEOUT)
        at.session_state[DEMO_ROLE_KEY] = role
        if role == "enlace":
            at.session_state[DEMO_ENTITY_KEY] = entity
        for key, value in (params or {}).items():
            at.query_params[key] = value if isinstance(value, str) else list(value)
        at.run()
        if path != "app.py":
            at.switch_page(path).run()
        return at

    yield run
