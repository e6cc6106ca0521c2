"""Migration 0002 (import warnings, the batches' warning count, the transfers' idempotence key)
upgrades a database that already holds 0001 data, and downgrades cleanly, on both databases."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.db import migrate
from cac311.db.setup import prepare_database


def _to(engine: Engine, revision: str, *, down: bool) -> None:
    cfg = migrate._alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_upgrade_from_0001_with_data_and_back(engine: Engine) -> None:
    _to(engine, "0001", down=True)
    try:
        assert migrate.current_revision(engine) == "0001"
        assert "import_warnings" not in sa.inspect(engine).get_table_names()
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "insert into import_batches (kind, source_name, started_at)"
                    " values ('cases', 'viejo.csv', :at)"
                ),
                {"at": datetime(2026, 11, 1, 12, 0)},
            )
            conn.execute(
                sa.text(
                    "insert into transfers (case_id, from_entity_id, to_entity_id, transferred_at)"
                    " values ('C1', 'A', 'B', :at)"
                ),
                {"at": datetime(2026, 11, 1, 12, 0)},
            )
        _to(engine, "head", down=False)
        assert migrate.current_revision(engine) == migrate.head_revision()
        inspector = sa.inspect(engine)
        assert "import_warnings" in inspector.get_table_names()
        unique = [i for i in inspector.get_indexes("transfers") if i["name"] == "uq_transfers_key"]
        assert unique and unique[0]["unique"]
        assert unique[0]["column_names"] == [
            "case_id",
            "from_entity_id",
            "to_entity_id",
            "transferred_at",
        ]
        with engine.connect() as conn:
            assert conn.execute(sa.text("select warnings from import_batches")).scalar_one() == 0
        _to(engine, "0001", down=True)
        assert "import_warnings" not in sa.inspect(engine).get_table_names()
        columns = {c["name"] for c in sa.inspect(engine).get_columns("import_batches")}
        assert "warnings" not in columns
    finally:
        # Back to head the way the product gets there (the downgrade dropped the summaries'
        # limit; prepare_database rebuilds them), so later tests on this database see it built.
        prepare_database(engine, Settings())
    assert migrate.current_revision(engine) == migrate.head_revision()
