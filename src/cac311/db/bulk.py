"""Fast bulk writes of Polars frames: COPY on PostgreSQL, executemany on SQLite.

Table and column names come from the project's own code (never from user input); values always
travel as data (COPY stream or `?` parameters), never inside SQL text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import polars as pl
from sqlalchemy.engine import Connection

KNOWN_TABLES = frozenset(
    {
        "entities",
        "cases",
        "transfers",
        "directory_reviews",
        "press_releases",
        "import_batches",
        "quarantine",
        "calendar",
        "users",
        "audit_log",
        "app_settings",
    }
)
COPY_CHUNK_ROWS = 200_000


def _check_identifiers(table: str, columns: Iterable[str]) -> None:
    if table not in KNOWN_TABLES and not table.startswith("tmp_"):
        raise ValueError(f"tabla desconocida: {table}")
    for column in columns:
        if not column.replace("_", "").isalnum():
            raise ValueError(f"columna inválida: {column}")


def _sqlite_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as SQLAlchemy stores them in SQLite (ISO text dates, 0/1 booleans)."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            col = col.dt.strftime("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime):
            col = col.dt.strftime("%Y-%m-%d %H:%M:%S.%6f")
        elif dtype == pl.Boolean:
            col = col.cast(pl.Int8)
        exprs.append(col.alias(name))
    return frame.select(exprs)


def copy_into(conn: Connection, table: str, frame: pl.DataFrame) -> int:
    """Append every row of `frame` to `table` (columns named as in the frame). Returns the count."""
    if frame.height == 0:
        return 0
    _check_identifiers(table, frame.columns)
    columns = ", ".join(frame.columns)
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:  # type: ignore[union-attr]
            copy_sql = f"copy {table} ({columns}) from stdin (format csv)"
            with cur.copy(copy_sql) as copy:
                for offset in range(0, frame.height, COPY_CHUNK_ROWS):
                    chunk = frame.slice(offset, COPY_CHUNK_ROWS)
                    buffer = io.BytesIO()
                    chunk.write_csv(buffer, include_header=False, null_value="")
                    copy.write(buffer.getvalue())
    else:
        placeholders = ", ".join("?" for _ in frame.columns)
        insert_sql = f"insert into {table} ({columns}) values ({placeholders})"  # noqa: S608
        ready = _sqlite_ready(frame)
        cur = raw.cursor()  # type: ignore[union-attr]
        for offset in range(0, ready.height, COPY_CHUNK_ROWS):
            cur.executemany(insert_sql, ready.slice(offset, COPY_CHUNK_ROWS).iter_rows())
        cur.close()
    return frame.height
