"""Which database the dashboard opens, and the first start of the embedded SQLite file.

SPEC §4: on an EMPTY SQLite database (the embedded default or any SQLite `DATABASE_URL`) the
dashboard migrates it and fills it with reproducible demo data once; an empty PostgreSQL
database is never filled (the page explains `cac311 db upgrade` / `cac311 demo` / import).

Two sessions (or two server processes) starting at once must not both fill the file: the work
runs under an exclusive `fcntl` lock on `<file>.init.lock`, and the emptiness is checked again
once the lock is held (and once more by `generate_demo` inside its transaction).
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from cac311.config import Settings, resolve_database_url
from cac311.db.engine import make_engine, parse_url, sqlite_path
from cac311.db.setup import prepare_database
from cac311.ingest.demo import DemoSummary, generate_demo, is_database_empty

log = logging.getLogger(__name__)

SETUP_HINT = (
    "Prepare la base de datos desde la línea de comandos:\n\n"
    "```bash\n"
    "cac311 db upgrade\n"
    "cac311 import entities entidades.csv   # y luego: cases, reviews, releases\n"
    "# o, para probar el tablero con datos ficticios:\n"
    "cac311 demo\n"
    "```"
)

_prepared: set[str] = set()
_prepared_lock = threading.Lock()


def database_url() -> str:
    """`DATABASE_URL`, else secrets.toml `[database] url`, else the embedded SQLite file."""
    return resolve_database_url()


def is_sqlite(url: str) -> bool:
    return parse_url(url).get_backend_name() == "sqlite"


def _sqlite_file(url: str) -> Path | None:
    return sqlite_path(parse_url(url))


def embedded_needs_fill(url: str) -> bool:
    """True when the SQLite file is missing, has no schema, or has no entities and no cases."""
    path = _sqlite_file(url)
    if path is None or not path.is_file():
        return True
    engine = make_engine(url, read_only=True)
    try:
        if not sa.inspect(engine).has_table("cases"):
            return True
        return is_database_empty(engine)
    finally:
        engine.dispose()


def already_prepared(url: str) -> bool:
    return url in _prepared


@contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_embedded(url: str, settings: Settings) -> DemoSummary | None:
    """Migrate the SQLite file and, when it is empty, fill it with demo data (once).

    Returns the demo summary when this call filled it, else None.
    """
    path = _sqlite_file(url)
    if path is None:
        raise ValueError("prepare_embedded needs a SQLite file URL")
    with _prepared_lock, _exclusive(path.with_name(path.name + ".init.lock")):
        if url in _prepared:
            return None
        engine = make_engine(url)
        try:
            prepare_database(engine, settings)
            summary: DemoSummary | None = None
            if is_database_empty(engine):
                log.info("empty embedded database %s: generating demo data", path)
                summary = generate_demo(engine, settings, cases=settings.demo_cases)
                log.info("%s", summary)
        finally:
            engine.dispose()
        _prepared.add(url)
        return summary


def has_schema(engine: sa.Engine) -> bool:
    """True when the database has been migrated (the `cases` table exists)."""
    return sa.inspect(engine).has_table("cases")
