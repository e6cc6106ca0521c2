"""Imports under faults (issue 18): `kill -9` in the middle of a 1M-row load, two imports at once,
a read-only SQLite file and a full disk. Each leaves the database exactly as it was (rows and
schema) or, for two imports, loses and duplicates nothing; the user gets one clear line.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from cac311.db.faults import DISK_FULL_LINE, IMPORT_LOCK_KEY, READ_ONLY_LINE, WAITING_LINE
from tests.faults.conftest import BIG_ROWS, FaultDb, small_csv
from tests.faults.support import Running, count, run_cli, snapshot

pytestmark = pytest.mark.faults

BIG_ACCEPTED = BIG_ROWS - BIG_ROWS // 10_000


def import_lock_holders(db: FaultDb) -> int:
    """Backends inside an open transaction that hold the import lock (PostgreSQL)."""
    return count(
        db.engine,
        "select count(*) from pg_locks as l join pg_stat_activity as a on a.pid = l.pid"
        f" where l.locktype = 'advisory' and l.objid = {IMPORT_LOCK_KEY} and l.granted"
        " and a.xact_start is not null",
    )


def wal_bytes(db: FaultDb) -> int:
    path = Path(str(sa.make_url(db.url).database) + "-wal")
    return path.stat().st_size if path.exists() else 0


REPORT_LINE = re.compile(r"^(Insertados|Actualizados|Sin cambios|En cuarentena): (\d+)", re.M)


def report(stdout: str) -> dict[str, int]:
    """The four counts `cac311 import` prints."""
    return {name: int(value) for name, value in REPORT_LINE.findall(stdout)}


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


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder whose files cannot be written. Root ignores permissions, so as root the folder
    is bind-mounted read-only (EROFS, what root gets too); otherwise file and folder lose their
    write bits. Either way SQLite can neither write the file nor create its -wal/-shm."""
    folder = tmp_path / "solo_lectura"
    folder.mkdir()
    yield folder
    make_writable(folder)


def make_writable(folder: Path) -> None:
    # A bind mount on the same file system is invisible to os.path.ismount: read the table.
    mounts = Path("/proc/mounts").read_text(encoding="utf-8").split()
    if str(folder) in mounts:
        subprocess.run(["umount", str(folder)], check=True)
    folder.chmod(0o755)


def make_read_only(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
    else:
        for path in folder.iterdir():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        folder.chmod(0o555)


def test_read_only_sqlite_file_gives_one_line_and_changes_nothing(
    sqlite_fault_db: FaultDb, read_only_dir: Path, tmp_path: Path
) -> None:
    # SQLite only: a PostgreSQL database's files belong to its server (its role is tested in auth).
    fault_db = sqlite_fault_db
    fault_db.engine.dispose()
    target = read_only_dir / "solo_lectura.sqlite"
    shutil.copyfile(Path(str(sa.make_url(fault_db.url).database)), target)
    csv = small_csv(tmp_path, "casos.csv", 5_000, start=0)
    before = snapshot(make_ro_engine(target))
    make_read_only(read_only_dir)
    done = run_cli("import", "cases", str(csv), url=f"sqlite:///{target}")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"Error: {READ_ONLY_LINE}"
    assert "Traceback" not in done.stderr
    make_writable(read_only_dir)  # to read it back (WAL mode needs its -shm file)
    assert snapshot(make_ro_engine(target)) == before


def make_ro_engine(path: Path) -> sa.Engine:
    from cac311.db.engine import make_engine

    return make_engine(f"sqlite:///{path}", read_only=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[tuple[Path, dict[str, object]]]:
    """A 24 MB file system for the database (tmpfs, as root), else a 24 MB file-size limit in
    the child (RLIMIT_FSIZE, with SIGXFSZ ignored so a write fails instead of killing it)."""
    mount_point = tmp_path / "disco"
    mount_point.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=24m,mode=0755", "tmpfs", str(mount_point)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    popen: dict[str, object] = {}
    if not mounted:
        import resource

        def limit() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (24 << 20, 24 << 20))

        popen["preexec_fn"] = limit
    try:
        yield mount_point, popen
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_full_disk_during_import_gives_one_line_and_changes_nothing(
    sqlite_fault_db: FaultDb, big_csv: Path, small_disk: tuple[Path, dict[str, object]]
) -> None:
    # SQLite only: the embedded file's disk is the product's; PostgreSQL's is its server's.
    fault_db = sqlite_fault_db
    disk, popen = small_disk
    fault_db.engine.dispose()
    target = disk / "lleno.sqlite"
    shutil.copyfile(Path(str(sa.make_url(fault_db.url).database)), target)
    url = f"sqlite:///{target}"
    before = snapshot(make_ro_engine(target))
    running = Running(["import", "cases", str(big_csv)], url=url, **popen)
    code, _, err = running.finish()
    assert code == 2, err[-2000:]
    assert err.strip().splitlines()[-1] == f"Error: {DISK_FULL_LINE}"
    assert "Traceback" not in err
    assert running.rows_done() > 0  # it failed in the middle of the load, not before
    assert snapshot(make_ro_engine(target)) == before
