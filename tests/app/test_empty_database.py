"""An empty, migrated PostgreSQL database through the real pages (SPEC §4, issue #4).

The dashboard never fills PostgreSQL with demo data; with no users it explains how to create the
first admin; a signed-in admin sees the "no cases yet" notice on every page. The database is our
own (`<CAC311_TEST_PG_URL database>_tablero_vacio`), created here; like every PostgreSQL test of
the project this one fails, never skips, when the server is unreachable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.auth import users
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ui import guard
from tests.app.conftest import PROJECT, PageRunner, data_shown, sign_in, texts
from tests.auth.helpers import PASSWORD
from tests.conftest import DEFAULT_TEST_PG_URL

pytestmark = pytest.mark.postgresql  # every test here runs on the real server

ADMIN = "primera@aig.gob.pa"
EMPTY_NOTICE = "La base de datos aún no tiene casos."
PAGE_PATHS = [page.path for page in guard.PAGES]


def own_database_url(suffix: str) -> str:
    """Our own database next to the test database (one per xdist worker)."""
    base = sa.make_url(os.environ.get("CAC311_TEST_PG_URL", DEFAULT_TEST_PG_URL))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{base.database}_{suffix}{'_' + worker if worker else ''}"
    return base.set(database=name).render_as_string(hide_password=False)


def create_database(suffix: str) -> Engine:
    """Drop and create our own database `suffix`; an engine on it (nothing migrated)."""
    url = sa.make_url(own_database_url(suffix))
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'drop database if exists "{url.database}" with (force)'))
            conn.execute(sa.text(f'create database "{url.database}"'))
    finally:
        admin.dispose()
    return make_engine(url.render_as_string(hide_password=False))


@pytest.fixture(scope="module")
def pg_empty() -> Iterator[Engine]:
    """A freshly created and migrated PostgreSQL database with no data and no users."""
    engine = create_database("tablero_vacio")
    prepare_database(engine, Settings())
    yield engine
    engine.dispose()


@pytest.fixture
def pg_no_users(pg_empty: Engine) -> Engine:
    with pg_empty.begin() as conn:
        conn.execute(sa.text("delete from audit_log"))
        conn.execute(sa.text("delete from users"))
    return pg_empty


def row_counts(engine: Engine) -> dict[str, int]:
    tables = ("cases", "entities", "import_batches", "quarantine", "directory_reviews")
    with engine.connect() as conn:
        return {
            t: int(conn.execute(sa.text(f"select count(*) from {t}")).scalar_one()) for t in tables
        }


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_no_users_explains_how_to_create_the_first_admin(
    pg_no_users: Engine, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    url = pg_no_users.url.render_as_string(hide_password=False)
    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.run()
    if path != "app.py":
        at.switch_page(path).run()
    assert not at.exception, texts(at.exception)
    [warning] = texts(at.warning)
    assert "no tiene usuarios" in warning
    [command] = texts(at.code)
    assert "cac311 users add" in command and "--role admin --password-stdin" in command
    assert not at.text_input  # no sign-in form: nobody could sign in
    assert not at.sidebar.selectbox  # and never the demo role picker
    assert data_shown(at) == {}
    assert row_counts(pg_no_users) == dict.fromkeys(row_counts(pg_no_users), 0)


def test_signed_in_admin_sees_the_empty_notice_on_every_page(
    pg_no_users: Engine, open_signed_in: PageRunner
) -> None:
    url = pg_no_users.url.render_as_string(hide_password=False)
    users.add_user(pg_no_users, ADMIN, "admin", None, PASSWORD)
    at = open_signed_in("app.py", email=ADMIN, url=url)
    assert not at.exception, texts(at.exception)
    menu = [link.proto.label for link in at.sidebar.get("page_link")]
    admin_pages = [page for page in guard.PAGES if "admin" in page.roles]
    assert menu == [page.label for page in admin_pages]  # signed in as admin
    for path in (page.path for page in admin_pages):
        at.switch_page(path).run()
        assert not at.exception, (path, texts(at.exception))
        assert not at.error, (path, texts(at.error))
        assert any(EMPTY_NOTICE in text for text in texts(at.info)), (path, texts(at.info))
        page = next(p for p in guard.PAGES if p.path == path)
        if page.needs_cases:  # stops after the notice: no figure at all
            assert not at.metric and not at.dataframe, path
        else:  # opens anyway (it is where to find out why), with nothing to count
            assert all(metric.value in {"—", "0"} for metric in at.metric), (path, at.metric)
        assert "Datos de demostración" not in " ".join(texts(at.markdown)), path
    assert row_counts(pg_no_users) == dict.fromkeys(row_counts(pg_no_users), 0)


def test_wrong_password_on_the_empty_database_is_counted(
    pg_no_users: Engine, open_signed_in: PageRunner
) -> None:
    url = pg_no_users.url.render_as_string(hide_password=False)
    users.add_user(pg_no_users, ADMIN, "admin", None, PASSWORD)
    wrong = "otra-clave-1"  # pragma: allowlist secret
    at = open_signed_in("app.py", email=ADMIN, password=wrong, url=url)
    assert texts(at.error) == ["Usuario o contraseña incorrectos."]
    assert not at.info  # no notice about the data before signing in
    record = users.find_user(pg_no_users, ADMIN)
    assert record is not None and record.failed_attempts == 1
    sign_in(at, ADMIN, PASSWORD)
    assert any(EMPTY_NOTICE in text for text in texts(at.info))


def test_unmigrated_database_gets_instructions_and_is_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = create_database("tablero_sin_esquema")
    try:
        monkeypatch.chdir(PROJECT)
        monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
        at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
        at.run()
        at.switch_page(guard.RANKING.path).run()
        assert not at.exception, texts(at.exception)
        assert "no tiene el esquema" in texts(at.warning)[0]
        assert "cac311 db upgrade" in " ".join(texts(at.markdown))
        assert data_shown(at) == {} and not at.text_input
        assert sa.inspect(engine).get_table_names() == []  # never migrated, never filled
    finally:
        engine.dispose()
