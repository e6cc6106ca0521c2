"""The bulk path (large first load): secondary indexes (and PostgreSQL's foreign keys) dropped
and rebuilt inside the import transaction, with the same result as the ordinary path."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.errors import UserError
from cac311.ingest import upsert
from cac311.ingest.importer import import_bytes
from cac311.ingest.kinds import KindSpec

ENTITIES = "entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\n"
CASES = "case_id,entity_id,case_type,created_at,closed_at\n" + "".join(
    f"K{i},MINSA,queja,2024-01-0{1 + i % 9} 10:00,{'2024-02-01' if i % 2 else ''}\n"
    for i in range(50)
)


def _structures(engine: Engine) -> tuple[int, int]:
    """Indexes and foreign keys of `cases` (SQLite: its created indexes, FKs are fixed)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            indexes = conn.execute(
                sa.text(
                    "select count(*) from sqlite_master"
                    " where type = 'index' and tbl_name = 'cases' and sql is not null"
                )
            ).scalar_one()
        assert indexes == 4
        return int(indexes), 0
    with engine.connect() as conn:
        indexes = conn.execute(
            sa.text("select count(*) from pg_indexes where tablename = 'cases'")
        ).scalar_one()
        fks = conn.execute(
            sa.text(
                "select count(*) from pg_constraint"
                " where conrelid = 'cases'::regclass and contype = 'f'"
            )
        ).scalar_one()
    return int(indexes), int(fks)


def test_bulk_path_rebuilds_indexes_and_foreign_keys(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upsert, "BULK_MIN_NEW_ROWS", 10)
    dropped: list[str] = []
    real_drop = upsert.drop_secondary

    def recording_drop(conn: sa.Connection, spec: KindSpec) -> upsert.Dropped:
        result = real_drop(conn, spec)
        dropped.extend(name for name, _ in result.indexes)
        return result

    monkeypatch.setattr(upsert, "drop_secondary", recording_drop)
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    before = _structures(engine)
    report = import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert (report.inserted, report.quarantined) == (50, 0)
    assert len(dropped) == 4, "the bulk path was taken"
    assert _structures(engine) == before
    again = import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert again.unchanged == 50
    with engine.connect() as conn:
        closed = conn.execute(
            sa.text("select count(*) from cases where status = 'cerrado'")
        ).scalar_one()
    assert closed == 25


def test_bulk_path_failure_leaves_structures(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upsert, "BULK_MIN_NEW_ROWS", 10)
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    before = _structures(engine)

    def broken(*_args: object) -> None:
        raise UserError("fallo simulado")

    monkeypatch.setattr(upsert, "insert_new", broken)
    with pytest.raises(UserError):
        import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert _structures(engine) == before
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from cases")).scalar_one() == 0
