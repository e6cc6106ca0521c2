"""The direct path (PostgreSQL, large first load into an empty table): accepted rows are copied
straight into the target table while the next batch is validated. Same rows and counts as the
staging path; all or nothing; a non-empty table still goes through staging."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.db.summary_check import check_summaries
from cac311.errors import UserError
from cac311.ingest import fastcsv, importer, pipeline, upsert
from cac311.ingest.importer import import_bytes
from cac311.ingest.timestamps import parse_timestamp_series
from tests.conftest import empty_tables

ENTITIES = "entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\nMOP,Obras,ministerio\n"
HEADER = "case_id,entity_id,case_type,created_at,closed_at,status,channel\n"
GOOD = "".join(
    f"K{i:03d},{'MINSA' if i % 3 else 'MOP'},queja,2024-01-0{1 + i % 9} 10:00:00,"
    f"{'2024-02-01 08:00:00' if i % 2 else ''},{'cerrado' if i % 2 else 'abierto'},web\n"
    for i in range(60)
)
BAD = (
    "K005,MINSA,queja,2024-01-01 10:00:00,,abierto,web\n"  # duplicate id
    "K900,NADIE,queja,2024-01-01 10:00:00,,abierto,web\n"  # unknown entity
    "K901,MINSA,queja,ayer,,abierto,web\n"  # unreadable date
)
CASES = HEADER + GOOD + BAD
SMALL = HEADER + "".join(GOOD.splitlines(keepends=True)[5:20])  # 15 rows of GOOD


def _structures(engine: Engine) -> tuple[int, int, int]:
    """Indexes, foreign keys and primary keys of `cases` (PostgreSQL)."""
    if engine.dialect.name != "postgresql":
        return (0, 0, 0)
    with engine.connect() as conn:
        indexes = conn.execute(
            sa.text("select count(*) from pg_indexes where tablename = 'cases'")
        ).scalar_one()
        fks, pks = conn.execute(
            sa.text(
                "select count(*) filter (where contype = 'f'),"
                " count(*) filter (where contype = 'p')"
                " from pg_constraint where conrelid = 'cases'::regclass"
            )
        ).one()
    assert engine.dialect.name != "postgresql" or (int(indexes), int(pks)) >= (5, 1)
    return int(indexes), int(fks), int(pks)


def _cases(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select * from cases order by case_id")).mappings().all()
    return [tuple(v for k, v in r.items() if k != "batch_id") for r in rows]


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many small batches, so several COPYs are in flight one after another."""
    monkeypatch.setattr(fastcsv, "BLOCK_BYTES", 512)
    monkeypatch.setattr(importer, "BATCH_ROWS", 7)


def _forbid_staging_insert(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    if engine.dialect.name == "postgresql":

        def no_staging(*_args: object) -> None:
            raise AssertionError("the direct path must not insert from staging")

        monkeypatch.setattr(upsert, "insert_new", no_staging)


@pytest.mark.usefixtures("small_batches")
def test_direct_path_same_rows_and_counts_as_staging(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    before = _structures(engine)
    monkeypatch.setattr(upsert, "DIRECT_MIN_ROWS", 10)
    with monkeypatch.context() as patch:
        _forbid_staging_insert(engine, patch)
        report = import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert (report.rows_read, report.inserted, report.updated, report.unchanged) == (63, 60, 0, 0)
    assert report.quarantined == 3
    assert set(report.reasons) == {"id_duplicado", "entidad_desconocida", "fecha_ilegible"}
    assert _structures(engine) == before
    direct_rows = _cases(engine)
    assert len(direct_rows) == 60
    assert check_summaries(engine).differences == []  # built in Polars while streaming
    again = import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert (again.inserted, again.updated, again.unchanged, again.quarantined) == (0, 0, 60, 3)

    empty_tables(engine)
    monkeypatch.setattr(upsert, "DIRECT_MIN_ROWS", 10**9)
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    staged = import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert (staged.inserted, staged.quarantined) == (60, 3)
    assert _cases(engine) == direct_rows
    assert check_summaries(engine).differences == []  # refreshed in SQL after the upsert


@pytest.mark.usefixtures("small_batches")
def test_direct_path_failure_changes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    before = _structures(engine)
    monkeypatch.setattr(upsert, "DIRECT_MIN_ROWS", 10)
    real_copy = pipeline.copy_into
    calls: list[str] = []

    def failing_copy(conn: sa.Connection, table: str, frame: pl.DataFrame) -> int:
        calls.append(table)
        if calls.count(table) == 3 and table != "quarantine":
            raise UserError("fallo simulado")
        return real_copy(conn, table, frame)

    monkeypatch.setattr(pipeline, "copy_into", failing_copy)
    with pytest.raises(UserError, match="fallo simulado"):
        import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert _structures(engine) == before
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from cases")).scalar_one() == 0
        assert conn.execute(sa.text("select count(*) from quarantine")).scalar_one() == 0
        kinds = conn.execute(sa.text("select kind from import_batches")).scalars().all()
    assert kinds == ["entities"]


@pytest.mark.usefixtures("small_batches")
def test_direct_path_restarts_with_exact_reader_on_ragged_row(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    before = _structures(engine)
    monkeypatch.setattr(upsert, "DIRECT_MIN_ROWS", 10)
    ragged = HEADER + GOOD + "K950,MINSA,queja\n"  # the fast reader gives up on the last line
    report = import_bytes(engine, Settings(), "cases", ragged.encode(), "r.csv")
    assert (report.inserted, report.quarantined) == (60, 1)
    assert set(report.reasons) == {"columnas_incorrectas"}
    assert report.rejected_sample[0]["line_number"] == 62
    assert _structures(engine) == before
    assert len(_cases(engine)) == 60


@pytest.mark.usefixtures("small_batches")
def test_non_empty_table_goes_through_staging(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    first = import_bytes(engine, Settings(), "cases", SMALL.encode(), "s.csv")
    assert first.inserted == 15
    monkeypatch.setattr(upsert, "DIRECT_MIN_ROWS", 10)
    report = import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert (report.inserted, report.updated, report.unchanged) == (45, 0, 15)
    assert len(_cases(engine)) == 60


def test_plain_timestamp_fast_path_matches_general_path() -> None:
    plain = [
        "2024-03-10 02:30:00",  # does not exist in New York (spring forward)
        "2024-11-03T01:30:00",  # ambiguous (fall back): earliest
        None,
        "2024-01-05 10:30:00",
    ]
    fast = parse_timestamp_series(pl.Series("t", plain), (), "America/New_York")
    # One value with an offset sends the whole batch through the general path.
    mixed = [*plain, "2024-01-05T10:30:00-05:00"]
    general = parse_timestamp_series(pl.Series("t", mixed), (), "America/New_York")
    assert fast.to_list() == general.head(4).to_list()
    assert fast.null_count() == 2


def test_index_rebuilds_run_no_more_processes_than_local_cores(pg_engine_session: Engine) -> None:
    def workers(conn: sa.Connection) -> int:
        return int(conn.execute(sa.text("show max_parallel_maintenance_workers")).scalar_one())

    cores = upsert.local_cores(pg_engine_session.url)
    assert cores is not None, "the test server runs on this machine"
    with pg_engine_session.connect() as conn:
        before = workers(conn)
        conn.commit()
        upsert.tune_index_builds(conn)
        during = workers(conn)
        conn.rollback()
        after = workers(conn)
    assert during == min(before, max(cores - 1, 0))
    assert after == before


def test_only_a_server_on_this_machine_counts_local_cores() -> None:
    assert upsert.local_cores(sa.make_url("postgresql+psycopg://u@db.example.org/x")) is None
    for url in (
        "postgresql+psycopg://u@127.0.0.1:5432/x",
        "postgresql+psycopg://u@localhost/x",
        "postgresql+psycopg:///x",
        "postgresql+psycopg://u@/x?host=/var/run/postgresql",
    ):
        assert (upsert.local_cores(sa.make_url(url)) or 0) >= 1, url
