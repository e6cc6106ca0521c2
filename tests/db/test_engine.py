"""Engines and migrations on both databases: read-only is read-only, upgrades are idempotent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.cli import main
from cac311.config import Settings
from cac311.db import migrate
from cac311.db.engine import DatabaseError, make_engine
from cac311.db.setup import prepare_database
from tests.conftest import url_of


def test_schema_is_at_head(engine: Engine) -> None:
    assert migrate.current_revision(engine) == migrate.head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    expected = {"entities", "cases", "transfers", "directory_reviews", "press_releases"}
    assert expected | {"import_batches", "quarantine", "users", "audit_log", "calendar"} <= tables


def test_upgrading_an_upgraded_database_is_a_no_op(engine: Engine) -> None:
    assert prepare_database(engine, Settings()) is False
    assert migrate.upgrade(engine) is False


def test_write_through_the_read_only_connection_fails(engine: Engine) -> None:
    reader = make_engine(url_of(engine), read_only=True)
    with reader.connect() as conn:
        assert conn.execute(sa.text("select count(*) from entities")).scalar_one() == 0
    with pytest.raises(sa.exc.DBAPIError), reader.begin() as conn:
        conn.execute(
            sa.text("insert into entities (entity_id, name, sector) values ('X', 'x', 'otro')")
        )
    reader.dispose()
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from entities")).scalar_one() == 0


def test_calendar_counts_panama_working_days(engine: Engine) -> None:
    """November 2025 has 20 weekdays, 4 of them public holidays (3, 5, 10, 28)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select count(*) from calendar where es_habil = :t and dia between :a and :b"),
            {"t": True, "a": "2025-11-01", "b": "2025-11-30"},
        ).scalar_one()
    assert rows == 16


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("foo://bar", "no soportada"),
        ("not a url", "inválida"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/x", "No se pudo conectar"),
    ],
)
def test_bad_database_url_is_one_clear_line(
    url: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(DatabaseError, match=fragment):
        make_engine(url)
    assert main(["db", "upgrade", "--database-url", url]) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_cli_upgrade_twice_reports_no_op(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", url_of(engine), "db", "upgrade"]) == 0
    assert "nada que hacer" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", url_of(engine)]) == 0
    assert "nada que hacer" in capsys.readouterr().out


def test_read_only_sqlite_engine_serves_many_threads(tmp_path: Path) -> None:
    """Streamlit runs every rerun in its own thread; the read-only SQLite engine must not close
    a connection another thread still uses (it did with SQLAlchemy's in-memory pool)."""
    path = tmp_path / "threads.sqlite"
    prepare_database(make_engine(f"sqlite:///{path}"), Settings())
    reader = make_engine(f"sqlite:///{path}", read_only=True)

    def count(_: int) -> int:
        with reader.connect() as conn:
            return int(conn.execute(sa.text("select count(*) from calendar")).scalar_one())

    with ThreadPoolExecutor(max_workers=12) as pool:
        counts = list(pool.map(count, range(120)))
    reader.dispose()
    assert len(set(counts)) == 1 and counts[0] > 0
