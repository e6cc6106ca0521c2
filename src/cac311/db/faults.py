"""Database faults a user can act on, as one Spanish line; and the lock that serialises imports.

`describe(exc)` recognises the errors that the environment causes rather than the data — a
read-only SQLite file, a full disk, a database busy with another writer, a PostgreSQL server
that went away — and returns one line saying what happened and that nothing was saved (an
import is one transaction). The CLI prints it instead of a traceback; `DatabaseError` carries it
where a `UserError` is expected.

`import_lock(conn)` serialises imports into one database: on PostgreSQL a transaction-level
advisory lock taken before the import writes anything. A second import waits for the first
(saying so on standard error when it has to wait) instead of running into the first one's
table locks half-way (two imports used to deadlock: one held `cases`, the other
`import_batches`). SQLite serialises writers by itself; a writer that waits longer than the
engine's 60-second busy timeout gets the "busy" line.
"""

from __future__ import annotations

import errno
import logging
import sys
from typing import Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

# Any fixed 64-bit key: advisory locks are per database, so imports into two databases of the
# same server do not wait for each other.
IMPORT_LOCK_KEY: Final = 311_018_001

NOTHING_SAVED: Final = "no se guardó nada de esta operación"
READ_ONLY_LINE: Final = (
    "La base de datos no se puede escribir (archivo o carpeta de solo lectura, o disco montado "
    f"en solo lectura): {NOTHING_SAVED}. Use una cuenta o una ruta con permiso de escritura."
)
DISK_FULL_LINE: Final = (
    "No se pudo escribir en el disco de la base de datos (disco lleno o límite de tamaño "
    f"alcanzado): {NOTHING_SAVED}. Libere espacio e intente de nuevo."
)
BUSY_LINE: Final = (
    "La base de datos SQLite está ocupada por otro proceso que escribe (¿otra importación?): "
    f"{NOTHING_SAVED}. Intente de nuevo cuando termine."
)
CONNECTION_LINE: Final = (
    f"Se perdió la conexión con la base de datos: {NOTHING_SAVED}. "
    "Revise que el servidor esté en marcha e intente de nuevo."
)
OUTAGE_LINE: Final = (
    "No se pudo conectar con la base de datos en este momento. Intente de nuevo en unos "
    "minutos; si el problema continúa, avise al administrador."
)
WAITING_LINE: Final = (
    "Otra importación está en curso en esta base de datos; esperando a que termine…"
)

_READ_ONLY_MARKERS: Final = (
    "readonly database",
    "unable to open database file",  # SQLite in WAL mode in a read-only folder (no -wal/-shm)
    "read-only file system",
    "read only transaction",
    "read-only transaction",
)
_DISK_FULL_MARKERS: Final = (
    "database or disk is full",
    "no space left on device",
    "disk full",
    "could not extend file",
    "file too large",
    "disk i/o error",
)
_BUSY_MARKERS: Final = ("database is locked", "database table is locked")
_CONNECTION_MARKERS: Final = (
    "server closed the connection",
    "connection refused",
    "terminating connection",
    "connection is closed",
    "the database system is shutting down",
    "the database system is starting up",
    "consuming input failed",
    "connection to server",
    "connection timeout",
)


_ERRNO_LINES: Final = {
    errno.ENOSPC: DISK_FULL_LINE,
    errno.EFBIG: DISK_FULL_LINE,
    errno.EDQUOT: DISK_FULL_LINE,
    errno.EROFS: READ_ONLY_LINE,
    errno.EACCES: READ_ONLY_LINE,
}


def _texts(exc: BaseException) -> str:
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(str(current))
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException):
            parts.append(str(orig))
        current = current.__cause__ or current.__context__
    return " ".join(parts).lower()


def describe(exc: BaseException) -> str | None:
    """One Spanish line for a fault of the environment, or None when it is something else."""
    if isinstance(exc, OSError) and exc.errno in _ERRNO_LINES:
        return _ERRNO_LINES[exc.errno]
    text = _texts(exc)
    for markers, line in (
        (_READ_ONLY_MARKERS, READ_ONLY_LINE),
        (_DISK_FULL_MARKERS, DISK_FULL_LINE),
        (_BUSY_MARKERS, BUSY_LINE),
    ):
        if any(marker in text for marker in markers):
            return line
    return CONNECTION_LINE if is_outage(exc) else None


def is_outage(exc: BaseException) -> bool:
    """True when the database could not be reached or dropped the connection (a restart, a
    network cut), as opposed to a refusal (permissions, bad SQL, bad data)."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, sa.exc.OperationalError):
        return False
    text = _texts(exc)
    return any(marker in text for marker in _CONNECTION_MARKERS)


def import_lock(conn: Connection, *, announce: bool = False) -> None:
    """Take the database's import lock for the rest of this transaction (PostgreSQL).

    Waits while another import holds it; with `announce`, says so once on standard error.
    """
    if conn.dialect.name != "postgresql":
        return
    key = {"key": IMPORT_LOCK_KEY}
    if conn.execute(sa.text("select pg_try_advisory_xact_lock(:key)"), key).scalar_one():
        return
    log.info("import: waiting for another import to finish")
    if announce:
        print(WAITING_LINE, file=sys.stderr, flush=True)
    conn.execute(sa.text("select pg_advisory_xact_lock(:key)"), key)
