"""`kill -9` of `cac311 import cases` in the middle of a 1M-row load (issue 18), on SQLite and
PostgreSQL: the database is exactly as before (rows and schema) and the next import works."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.faults.conftest import (
    BIG_ACCEPTED,
    BIG_ROWS,
    FaultDb,
    import_lock_holders,
    report,
    small_csv,
    wal_bytes,
)
from tests.faults.support import Running, count, run_cli, snapshot

pytestmark = pytest.mark.faults


def test_kill_9_in_the_middle_of_a_1m_row_import_changes_nothing(
    fault_db: FaultDb, big_csv: Path, tmp_path: Path
) -> None:
    if fault_db.dialect == "sqlite":  # earlier data, so "as before" is more than empty tables
        earlier = small_csv(tmp_path, "anteriores.csv", 2_000, start=5_000_000)
        assert run_cli("import", "cases", str(earlier), url=fault_db.url).returncode == 0
    # On PostgreSQL `cases` stays empty: the 1M rows take the direct path, which drops the
    # indexes and keys (transactional DDL) — the snapshot checks that they are all back.
    before = snapshot(fault_db.engine)
    cases_before = count(fault_db.engine, "select count(*) from cases")

    running = Running(["import", "cases", str(big_csv)], url=fault_db.url)
    running.wait_for(lambda: running.rows_done() >= 300_000, "300,000 rows in the import")
    # Provably in the middle of the load, not before it started or after it committed:
    assert running.rows_done() < BIG_ROWS
    if fault_db.dialect == "postgresql":
        assert import_lock_holders(fault_db) == 1  # its transaction is open, holding the lock
    else:
        assert wal_bytes(fault_db) > 1_000_000  # uncommitted pages written to the WAL
    os.kill(running.proc.pid, signal.SIGKILL)
    assert running.proc.wait(timeout=30) == -signal.SIGKILL

    if fault_db.dialect == "postgresql":  # the server notices the lost client and rolls back
        deadline = time.monotonic() + 60
        while import_lock_holders(fault_db) and time.monotonic() < deadline:
            time.sleep(0.2)
    fault_db.engine.dispose()
    assert snapshot(fault_db.engine) == before

    done = run_cli("import", "cases", str(big_csv), url=fault_db.url)
    assert done.returncode == 0, done.stderr
    assert report(done.stdout) == {
        "Insertados": BIG_ACCEPTED,
        "Actualizados": 0,
        "Sin cambios": 0,
        "En cuarentena": BIG_ROWS - BIG_ACCEPTED,
    }
    assert count(fault_db.engine, "select count(*) from cases") == cases_before + BIG_ACCEPTED
