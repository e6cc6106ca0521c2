"""SQLAlchemy engines for the embedded SQLite file and PostgreSQL (psycopg 3).

Two kinds of connection: the dashboard's read-only one (`read_only=True`: SQLite opened with
`mode=ro`, PostgreSQL with `default_transaction_read_only` and a statement timeout) and the
writing one used by the CLI, the import and the demo generator.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.errors import UserError


class DatabaseError(UserError):
    """A problem with the database a user can act on; the message is one Spanish sentence."""


PG_READ_ONLY_OPTIONS = "-c default_transaction_read_only=on -c statement_timeout=60000"
# Every query is planned for its actual parameter values. psycopg prepares a statement run five
# times on one connection, and PostgreSQL then switches to a generic plan, which cannot fold
# `(:all_entities or ...)` nor see the date window: measured at 1M cases, a one-month aggregate
# went from 0.045 s to 0.12-0.25 s and a 13-month one from 0.4 s to 1.2 s (docs/benchmarks.md).
# Planning these queries takes under a millisecond. JIT is off: at 10M cases PostgreSQL
# compiled the 13-month histogram for 3.7 s of its 7.5 s (inlining + optimization, decided from
# cost estimates), which these one-pass aggregates never win back.
PG_SESSION_OPTIONS = "-c timezone=UTC -c plan_cache_mode=force_custom_plan -c jit=off"


def parse_url(url: str) -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise DatabaseError(f"URL de base de datos inválida: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"Base de datos no soportada: {backend!r} (use sqlite:/// o postgresql+psycopg://)"
        )
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_path(url: sa.URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database."""
    if not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()


def _sqlite_engine(url: sa.URL, *, read_only: bool) -> Engine:
    path = sqlite_path(url)
    if path is None:
        raise DatabaseError("Use un archivo SQLite (sqlite:///ruta/archivo.sqlite), no :memory:")
    if read_only:
        if not path.is_file():
            raise DatabaseError(f"No existe la base de datos SQLite {path}")

        def connect_ro() -> sqlite3.Connection:
            return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

        # "sqlite://" alone would get SingletonThreadPool (meant for :memory:), which closes
        # connections still in use by other threads once more than 5 threads used the engine
        # ("Cannot operate on a closed database" under Streamlit's per-run threads).
        engine = sa.create_engine("sqlite://", creator=connect_ro, poolclass=sa.pool.QueuePool)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("pragma foreign_keys = on")
        if not read_only:
            cur.execute("pragma journal_mode = wal")
            cur.execute("pragma synchronous = normal")
        cur.close()

    return engine


def make_engine(url: str, *, read_only: bool = False, application_name: str = "cac311") -> Engine:
    """An engine for `url`; raises DatabaseError with one clear line when it cannot connect."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed, read_only=read_only)
    else:
        options = PG_SESSION_OPTIONS
        if read_only:
            options += " " + PG_READ_ONLY_OPTIONS
        engine = sa.create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            pool_recycle=1800,
            connect_args={
                "options": options,
                "application_name": application_name,
                "connect_timeout": 5,
            },
        )
    check_connection(engine)
    return engine


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        from cac311.db.faults import describe, is_outage

        if is_outage(exc):
            raise DatabaseError(
                f"No se pudo conectar a la base de datos {engine.url!r}: el servidor no responde "
                "o rechazó la conexión. Intente de nuevo en unos minutos."
            ) from exc
        known = describe(exc)
        if known is not None:
            raise DatabaseError(known) from exc  # e.g. a read-only SQLite file (WAL pragma)
        first_line = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).splitlines()[0]
        raise DatabaseError(
            f"No se pudo conectar a la base de datos {engine.url!r}: {first_line}"
        ) from exc
