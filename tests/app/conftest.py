"""AppTest fixtures: a demo SQLite database built once per session and a page runner.

`open_page(path, role=..., entity=..., params=...)` runs `app.py` (so the guard and the sidebar
run as in the browser) and then switches to `path`, in demo mode with the given role, with the
given URL query parameters. The demo data is fixed at `DEMO_TODAY`, so figures are reproducible.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Node

from cac311.auth import users
from cac311.auth.session import DEMO_ENTITY_KEY, DEMO_ROLE_KEY
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo
from tests.auth.helpers import PASSWORD

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


# --- Shared by the cross-cutting page tests (all pages, URL filters, access, empty database) ---

LOCAL_USERS = {
    "admin": "admin@aig.gob.pa",
    "director": "director@aig.gob.pa",
    "enlace": "enlace@minsa.gob.pa",
}
SIGN_IN_BUTTON = "Ingresar"


def copy_sqlite(source_url: str, target: Path) -> str:
    """A consistent copy of a SQLite database (the backup API, so WAL content comes along)."""
    source_path = source_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def local_accounts_url(demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo database with local accounts (so no longer demo-only: sign-in form).

    Users (password `tests.auth.helpers.PASSWORD`): `LOCAL_USERS` — an admin, a director and
    an enlace of MINSA. Tests that change a user's state create their own user.
    """
    url = copy_sqlite(demo_sqlite_url, tmp_path_factory.mktemp("local_accounts") / "cuentas.sqlite")
    engine = make_engine(url)
    try:
        for role, email in LOCAL_USERS.items():
            users.add_user(
                engine, email, role, ENLACE_ENTITY if role == "enlace" else None, PASSWORD
            )
    finally:
        engine.dispose()
    return url


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    """Fill the local sign-in form ("Usuario", "Contraseña") and press "Ingresar"."""
    at.text_input(key="auth_user").input(email)
    at.text_input(key="auth_password").input(password)
    [button] = [b for b in at.button if b.label == SIGN_IN_BUTTON]
    return button.click().run()


@pytest.fixture
def open_signed_in(local_accounts_url: str, monkeypatch: pytest.MonkeyPatch) -> PageRunner:
    """Run `app.py`, sign in through the local form as `email`, then switch to `path`.

    `params` are the URL query parameters of the visit (a deep link); `url` another database.
    """
    monkeypatch.chdir(PROJECT)

    def run(
        path: str = "app.py",
        *,
        email: str,
        password: str = PASSWORD,
        params: Mapping[str, str | Sequence[str]] | None = None,
        url: str | None = None,
    ) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url or local_accounts_url)
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=APP_TIMEOUT)
        for key, value in (params or {}).items():
            at.query_params[key] = value if isinstance(value, str) else list(value)
        at.run()
        sign_in(at, email, password)
        if path != "app.py":
            at.switch_page(path).run()
        return at

    return run


def walk(node: Block | Node) -> Iterator[Node]:
    """Every element under `node` (depth first), blocks included."""
    yield node
    if isinstance(node, Block):
        for child in node.children.values():
            yield from walk(child)


def elements_of(at: AppTest, kind: str) -> list[Node]:
    """Every element of proto type `kind` ("dataframe", "metric", "plotly_chart", ...)."""
    return [n for root in (at.main, at.sidebar) for n in walk(root) if n.type == kind]


DATA_ELEMENTS = (
    "dataframe",
    "table",
    "metric",
    "plotly_chart",
    "download_button",
    "arrow_vega_lite_chart",
    "vega_lite_chart",
)


def data_shown(at: AppTest) -> dict[str, int]:
    """How many data-bearing elements (tables, KPIs, charts, downloads) the page drew."""
    counts = {kind: len(elements_of(at, kind)) for kind in DATA_ELEMENTS}
    return {kind: n for kind, n in counts.items() if n}


def page_text(at: AppTest) -> str:
    """All the text the page shows: every element's proto, plus every dataframe's cells."""
    parts = [str(getattr(n, "proto", "")) for root in (at.main, at.sidebar) for n in walk(root)]
    parts.extend(frame.value.to_csv() for frame in at.dataframe)
    parts.extend(table.value.to_csv() for table in at.table)
    return "\n".join(parts)


def texts(elements: Iterable[Any]) -> list[str]:
    return [str(e.value) for e in elements]


CASE_ID = re.compile(r"\b311-\d{4}-\d{7}\b")  # the demo data's case ids


@pytest.fixture(scope="session")
def case_entities(demo_sqlite_url: str) -> dict[str, str]:
    """case_id → entity_id of every demo case (the local-accounts copy has the same cases)."""
    engine = make_engine(demo_sqlite_url, read_only=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("select case_id, entity_id from cases")).all()
    finally:
        engine.dispose()
    return {str(case_id): str(entity_id) for case_id, entity_id in rows}


def entities_of_shown_cases(at: AppTest, case_entities: dict[str, str]) -> set[str]:
    """The entities whose case ids appear anywhere on the page (tables, text, captions)."""
    found = set(CASE_ID.findall(page_text(at)))
    unknown = found - case_entities.keys()
    assert not unknown, f"case-id-like strings that are no case: {sorted(unknown)[:5]}"
    return {case_entities[case_id] for case_id in found}
