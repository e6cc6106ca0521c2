"""Shared fixtures: every database test body runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from `CAC311_TEST_PG_URL` (default: the local server's `test` database). The
tests never skip when it is unreachable: they fail, so CI can't go green without it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database

DEFAULT_TEST_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATA_TABLES = (
    "deliveries",
    "publications",
    "obligation_releases",
    "obligation_reviews",
    "obligation_attachments",
    "user_entities",
    "summary_received",
    "summary_closed",
    "summary_open",
    "summary_values",
    "audit_log",
    "user_sessions",
    "users",
    "import_warnings",
    "quarantine",
    "press_releases",
    "directory_reviews",
    "transfers",
    "cases",
    "entities",
    "import_batches",
)
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pg_test_url() -> str:
    """The PostgreSQL test database; under pytest-xdist each worker gets its own copy."""
    base = os.environ.get("CAC311_TEST_PG_URL", DEFAULT_TEST_PG_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return base
    url = sa.make_url(base)
    name = f"{url.database}_{worker}"
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        conn.execute(sa.text(f'create database "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"truncate {', '.join(DATA_TABLES)} restart identity cascade"))
        else:
            for table in DATA_TABLES:
                conn.execute(sa.text(f"delete from {table}"))
            conn.execute(
                sa.text(
                    "delete from app_settings where key not in"
                    " ('zona_horaria', 'dias_libres_extra', 'resumenes_limite_dias')"
                )
            )


@pytest.fixture(scope="session")
def pg_engine_session() -> Iterator[Engine]:
    """A migrated PostgreSQL schema, rebuilt from scratch once per test session."""
    engine = make_engine(pg_test_url())
    with engine.begin() as conn:
        conn.execute(sa.text("drop schema public cascade"))
        conn.execute(sa.text("create schema public"))
    prepare_database(engine, Settings())
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite_template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    prepare_database(engine, Settings())
    with engine.connect() as conn:
        conn.exec_driver_sql("pragma wal_checkpoint(truncate)")
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Engine]:
    """A writable, migrated, empty database: once SQLite, once PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copyfile(sqlite_template, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        pg: Engine = request.getfixturevalue("pg_engine_session")
        empty_tables(pg)
        yield pg


def _uses_postgresql(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return (
        "postgresql" in item.nodeid
        or any(name.startswith("pg_") for name in names)
        or "_pg" in item.path.stem
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _uses_postgresql(item):
            item.add_marker(pytest.mark.postgresql)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran against the real PostgreSQL server (CI must show a count > 0)."""
    outcomes: dict[str, int] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") == "call" and "postgresql" in report.keywords:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
    summary = ", ".join(f"{count} {outcome}" for outcome, count in outcomes.items()) or "none"
    url = sa.make_url(os.environ.get("CAC311_TEST_PG_URL", DEFAULT_TEST_PG_URL))
    terminalreporter.write_line(
        f"PostgreSQL tests ({url.render_as_string(hide_password=True)}): {summary}"
    )
