"""Fixtures of the fault tests: a fresh database of their own on each engine, and big files.

PostgreSQL databases are created next to the test database (`<name>_faults_<random>`) and
dropped afterwards, so killing an import there never disturbs the other tests' schema.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.faults import IMPORT_LOCK_KEY
from cac311.db.setup import prepare_database
from tests.conftest import pg_test_url
from tests.faults.support import count, run_cli, write_cases_csv, write_entities_csv

BIG_ROWS = 1_000_000


@dataclass(frozen=True)
class FaultDb:
    """A migrated database with 60 entities imported; `url` for the child `cac311`."""

    url: str
    engine: Engine
    dialect: str


@pytest.fixture(scope="session")
def entities_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("faults_files") / "entidades.csv"
    write_entities_csv(path)
    return path


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000,000 canonical cases, one in 10,000 of an unknown entity (quarantined)."""
    path = tmp_path_factory.mktemp("faults_files") / "casos_1m.csv"
    write_cases_csv(path, BIG_ROWS, bad_every=10_000)
    return path


def _pg_database() -> Iterator[str]:
    base = sa.make_url(pg_test_url())
    name = f"{base.database}_faults_{secrets.token_hex(4)}"
    admin = make_engine(base.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f'create database "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
        admin.dispose()


def _prepared(url: str, dialect: str, entities_csv: Path) -> FaultDb:
    engine = make_engine(url)
    prepare_database(engine, Settings())
    done = run_cli("import", "entities", str(entities_csv), url=url)
    assert done.returncode == 0, done.stderr
    return FaultDb(url=url, engine=engine, dialect=dialect)


@pytest.fixture(params=["sqlite", "postgresql"])
def fault_db(
    request: pytest.FixtureRequest, tmp_path: Path, entities_csv: Path
) -> Iterator[FaultDb]:
    if request.param == "sqlite":
        db = _prepared(f"sqlite:///{tmp_path / 'faults.sqlite'}", "sqlite", entities_csv)
        yield db
        db.engine.dispose()
        return
    for url in _pg_database():
        db = _prepared(url, "postgresql", entities_csv)
        yield db
        db.engine.dispose()


@pytest.fixture
def sqlite_fault_db(tmp_path: Path, entities_csv: Path) -> Iterator[FaultDb]:
    db = _prepared(f"sqlite:///{tmp_path / 'faults.sqlite'}", "sqlite", entities_csv)
    yield db
    db.engine.dispose()


@pytest.fixture
def pg_fault_db(tmp_path: Path, entities_csv: Path) -> Iterator[FaultDb]:
    for url in _pg_database():
        db = _prepared(url, "postgresql", entities_csv)
        yield db
        db.engine.dispose()


def small_csv(directory: Path, name: str, rows: int, start: int) -> Path:
    path = directory / name
    write_cases_csv(path, rows, start=start, seed=start + 1, bad_every=97)
    return path


BIG_ACCEPTED = BIG_ROWS - BIG_ROWS // 10_000


def import_lock_holders(db: FaultDb) -> int:
    """Backends inside an open transaction that hold the import lock (PostgreSQL)."""
    return count(
        db.engine,
        "select count(*) from pg_locks as l join pg_stat_activity as a on a.pid = l.pid"
        f" where l.locktype = 'advisory' and l.objid = {IMPORT_LOCK_KEY} and l.granted"
        " and a.xact_start is not null"
        # Advisory locks are per database, and the server is shared (other test workers).
        " and l.database = (select oid from pg_database where datname = current_database())",
    )


def wal_bytes(db: FaultDb) -> int:
    path = Path(str(sa.make_url(db.url).database) + "-wal")
    return path.stat().st_size if path.exists() else 0


REPORT_LINE = re.compile(r"^(Insertados|Actualizados|Sin cambios|En cuarentena): (\d+)", re.M)


def report(stdout: str) -> dict[str, int]:
    """The four counts `cac311 import` prints."""
    return {name: int(value) for name, value in REPORT_LINE.findall(stdout)}
