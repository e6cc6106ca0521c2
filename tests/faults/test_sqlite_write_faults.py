"""A read-only SQLite file and a full disk during an import (issue 18): one clear Spanish line,
no traceback, and the file's contents unchanged."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from cac311.db.faults import DISK_FULL_LINE, READ_ONLY_LINE
from tests.faults.conftest import (
    FaultDb,
    small_csv,
)
from tests.faults.support import Running, run_cli, snapshot

pytestmark = pytest.mark.faults


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
