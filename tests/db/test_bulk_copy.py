"""`copy_into` on PostgreSQL: binary COPY (pgpq) stores exactly what the CSV COPY stores, casts
frames to the columns' types, and falls back to CSV for a column type it has no binary form for."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.db import bulk
from cac311.db.bulk import copy_into

EVERY_TYPE_DDL = (
    "create temp table tmp_types (t text, v varchar(10), s smallint, i integer, b bigint,"
    " f boolean, d double precision, r real, day date, ts timestamp)"
)


def _every_type_frame() -> pl.DataFrame:
    """Two rows of values (accents, quotes, commas, a newline, extremes) and one of nulls."""
    return pl.DataFrame(
        {
            "t": ['Panamá, "Oeste"\nlínea 2', "", None],
            "v": ["MINSA", "ñ", None],
            "s": [-32768, 32767, None],
            "i": [-(2**31), 2**31 - 1, None],
            "b": [-(2**63), 2**63 - 1, None],
            "f": [True, False, None],
            "d": [1.5, -2.25e300, None],
            "r": [0.5, -3.0, None],
            "day": [date(2000, 1, 1), date(2045, 12, 31), None],
            "ts": [datetime(2024, 2, 29, 23, 59, 59, 123456), datetime(1999, 1, 1), None],
        },
        schema={
            "t": pl.String,
            "v": pl.String,
            "s": pl.Int16,
            "i": pl.Int32,
            "b": pl.Int64,
            "f": pl.Boolean,
            "d": pl.Float64,
            "r": pl.Float32,
            "day": pl.Date,
            "ts": pl.Datetime("us"),
        },
    )


@pytest.fixture
def pg_conn(pg_engine_session: Engine) -> Iterator[Connection]:
    with pg_engine_session.connect() as conn, conn.begin() as transaction:
        conn.execute(sa.text(EVERY_TYPE_DDL))
        yield conn
        transaction.rollback()


def _stored(conn: Connection) -> list[tuple[object, ...]]:
    rows = conn.execute(sa.text("select * from tmp_types order by i nulls last")).all()
    return [tuple(row) for row in rows]


def _csv_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BINARY_TYPES", {})


def test_binary_copy_stores_what_csv_copy_stores(
    pg_conn: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = _every_type_frame()
    assert copy_into(pg_conn, "tmp_types", frame) == 3
    binary = _stored(pg_conn)
    pg_conn.execute(sa.text("truncate tmp_types"))
    with monkeypatch.context() as patch:
        _csv_only(patch)
        copy_into(pg_conn, "tmp_types", frame)
    text = _stored(pg_conn)
    assert binary == text
    assert binary[1][0] == ""  # an empty text stays empty, not null
    assert binary[0] == (
        'Panamá, "Oeste"\nlínea 2',
        "MINSA",
        -32768,
        -(2**31),
        -(2**63),
        True,
        1.5,
        0.5,
        date(2000, 1, 1),
        datetime(2024, 2, 29, 23, 59, 59, 123456),
    )
    assert binary[2] == (None,) * 10


def test_frame_is_cast_to_the_column_types(pg_conn: Connection) -> None:
    """Wider or different frame types (Int64 for integer, ns or zoned timestamps) still load;
    a zoned timestamp is stored as its naive-UTC instant."""
    frame = pl.DataFrame(
        {
            "i": [7],
            "s": [3],
            "d": [2],
            "ts": [datetime(2024, 1, 1, 10, 0, tzinfo=UTC)],
        },
        schema={
            "i": pl.Int64,
            "s": pl.Int64,
            "d": pl.Int32,
            "ts": pl.Datetime("ns", "America/Panama"),
        },
    )
    copy_into(pg_conn, "tmp_types", frame)
    row = pg_conn.execute(sa.text("select i, s, d, ts from tmp_types")).one()
    assert tuple(row) == (7, 3, 2.0, datetime(2024, 1, 1, 10, 0))


def test_unmapped_column_type_falls_back_to_csv(pg_conn: Connection) -> None:
    pg_conn.execute(sa.text("create temp table tmp_numeric (n numeric(6, 2), label text)"))
    frame = pl.DataFrame({"n": [1.25, None], "label": ["a", "b"]})
    assert copy_into(pg_conn, "tmp_numeric", frame) == 2
    rows = pg_conn.execute(sa.text("select n::text, label from tmp_numeric order by label")).all()
    assert [tuple(r) for r in rows] == [("1.25", "a"), (None, "b")]


def test_many_chunks_arrive_whole(pg_conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "COPY_CHUNK_ROWS", 3)
    frame = pl.DataFrame(
        {"i": list(range(10)), "t": [f"fila {n}" for n in range(10)]},
        schema={"i": pl.Int32, "t": pl.String},
    )
    assert copy_into(pg_conn, "tmp_types", frame) == 10
    rows = pg_conn.execute(sa.text("select i, t from tmp_types order by i")).all()
    assert [tuple(r) for r in rows] == list(zip(range(10), frame["t"].to_list(), strict=True))
