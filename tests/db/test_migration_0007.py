"""Migration 0007 (the transfers' local date and day ordinals) fills the rows written before it
from the stored time zone and the calendar, and downgrades cleanly, on both databases."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from cac311.db import migrate
from metrics.daycount import WorkingCalendar, day_num
from tests.conftest import empty_tables

COLUMNS = {"transferred_on", "transferred_month", "transferred_day", "transferred_bday"}


def _to(engine: Engine, revision: str, *, down: bool) -> None:
    cfg = migrate._alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_upgrade_from_0006_fills_the_local_columns(engine: Engine) -> None:
    empty_tables(engine)
    _to(engine, "0006", down=True)
    try:
        columns = {c["name"] for c in sa.inspect(engine).get_columns("transfers")}
        assert not columns & COLUMNS
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "insert into transfers (case_id, from_entity_id, to_entity_id, transferred_at)"
                    " values ('C1', 'A', 'B', :at)"
                ),
                # 03:00 UTC on 1 Nov is 22:00 on Saturday 31 Oct in Panama
                {"at": datetime(2026, 11, 1, 3, 0)},
            )
        _to(engine, "head", down=False)
        with engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "select transferred_on, transferred_month, transferred_day, transferred_bday"
                    " from transfers"
                )
            ).one()
        local = date(2026, 10, 31)
        assert str(row[0])[:10] == local.isoformat()
        assert row[1] == 202610
        assert row[2] == day_num(local)
        assert row[3] == WorkingCalendar(()).bday_num(local)
        index = [
            i for i in sa.inspect(engine).get_indexes("transfers") if i["name"] == "ix_transfers_on"
        ]
        assert index and index[0]["column_names"] == ["transferred_on"]
        _to(engine, "0006", down=True)
        columns = {c["name"] for c in sa.inspect(engine).get_columns("transfers")}
        assert not columns & COLUMNS
    finally:
        _to(engine, "head", down=False)
        empty_tables(engine)
