"""Which faults get which one-line Spanish message (`cac311.db.faults`, `cac311.server`)."""

from __future__ import annotations

import errno
import sqlite3

import pytest
import sqlalchemy as sa

from cac311.db import faults
from cac311.server import UNEXPECTED_LINE, script_error_line
from tests.faults.support import run_cli


def wrapped(message: str) -> sa.exc.OperationalError:
    return sa.exc.OperationalError("insert ...", {}, sqlite3.OperationalError(message))


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (wrapped("attempt to write a readonly database"), faults.READ_ONLY_LINE),
        (wrapped("unable to open database file"), faults.READ_ONLY_LINE),
        (wrapped("database or disk is full"), faults.DISK_FULL_LINE),
        (wrapped("disk I/O error"), faults.DISK_FULL_LINE),
        (wrapped("database is locked"), faults.BUSY_LINE),
        (OSError(errno.ENOSPC, "No space left on device"), faults.DISK_FULL_LINE),
        (OSError(errno.EROFS, "Read-only file system"), faults.READ_ONLY_LINE),
        (
            wrapped('connection to server at "127.0.0.1", port 5999 failed: Connection refused'),
            faults.CONNECTION_LINE,
        ),
        (wrapped("server closed the connection unexpectedly"), faults.CONNECTION_LINE),
        (wrapped("no such table: cases"), None),
        (ValueError("x"), None),
    ],
)
def test_describe(exc: BaseException, line: str | None) -> None:
    assert faults.describe(exc) == line


def test_outage_and_script_error_lines() -> None:
    refused = wrapped("connection to server at 127.0.0.1 failed: Connection refused")
    assert faults.is_outage(refused)
    assert not faults.is_outage(wrapped("permission denied for table users"))
    assert script_error_line(refused) == faults.OUTAGE_LINE
    assert script_error_line(KeyError("x")) == UNEXPECTED_LINE
    for line in (faults.OUTAGE_LINE, UNEXPECTED_LINE, faults.DISK_FULL_LINE):
        assert "\n" not in line


def test_cli_on_a_server_that_is_down_prints_one_spanish_line() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run_cli("users", "list", url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/nada")
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Error: No se pudo conectar a la base de datos")
    assert line.endswith(
        "el servidor no responde o rechazó la conexión. Intente de nuevo en unos minutos."
    )
