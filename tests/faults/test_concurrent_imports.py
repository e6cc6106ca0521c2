"""Two imports at once into the same PostgreSQL database (issue 18): the second waits for the
first and says so; nothing is lost or duplicated (the same file twice, and two overlapping
files)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from cac311.db.faults import WAITING_LINE
from tests.faults.conftest import (
    BIG_ACCEPTED,
    FaultDb,
    import_lock_holders,
    report,
    small_csv,
)
from tests.faults.support import Running, count

pytestmark = pytest.mark.faults


@pytest.mark.parametrize("second_file", ["same", "overlapping"])
def test_two_imports_at_once_wait_for_each_other_and_lose_nothing(
    pg_fault_db: FaultDb, big_csv: Path, tmp_path: Path, second_file: str
) -> None:
    db = pg_fault_db
    other = big_csv
    if second_file == "overlapping":  # ids C000900000.. : 100,000 shared with the first file
        other = small_csv(tmp_path, "segundo.csv", 200_000, start=900_000)
    first = Running(["import", "cases", str(big_csv)], url=db.url)
    first.wait_for(lambda: first.rows_done() >= 100_000, "the first import to be loading")
    second = Running(["import", "cases", str(other)], url=db.url)
    second.wait_for(lambda: WAITING_LINE in second.stderr, "the second import to say it waits")
    assert import_lock_holders(db) == 1
    (code_a, out_a, err_a), (code_b, out_b, err_b) = first.finish(), second.finish()
    assert (code_a, code_b) == (0, 0), (err_a[-1000:], err_b[-1000:])
    a, b = report(out_a), report(out_b)

    expected_ids: set[str] = set()
    accepted_in: dict[Path, int] = {}
    for path in {big_csv, other}:
        frame = pl.read_csv(path, columns=["case_id", "entity_id"])
        good = frame.filter(pl.col("entity_id") != "NOEXISTE")["case_id"]
        accepted_in[path] = good.len()
        expected_ids |= set(good.to_list())
    with db.engine.connect() as conn:
        stored = set(conn.execute(sa.text("select case_id from cases")).scalars().all())
    assert stored == expected_ids  # nothing lost, nothing extra (case_id is the primary key)
    assert a["Insertados"] == BIG_ACCEPTED  # the first ran alone, then the second
    assert b["Insertados"] + b["Actualizados"] + b["Sin cambios"] == accepted_in[other]
    assert a["Insertados"] + b["Insertados"] == len(expected_ids)
    if second_file == "same":
        assert b["Sin cambios"] == BIG_ACCEPTED and b["Insertados"] == 0
    assert count(db.engine, "select count(*) from quarantine") == (
        a["En cuarentena"] + b["En cuarentena"]
    )
    assert count(db.engine, "select count(*) from import_batches where kind = 'cases'") == 2
