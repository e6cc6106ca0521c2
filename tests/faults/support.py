"""Helpers of the fault tests: big CSV files fast, the real `cac311` in a child process, and a
snapshot of everything an import could touch (rows and schema), to compare before and after."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

PROJECT = Path(__file__).resolve().parents[2]
SNAPSHOT_TABLES = (
    "entities",
    "cases",
    "import_batches",
    "quarantine",
    "transfers",
    "directory_reviews",
    "press_releases",
    "users",
    "audit_log",
    "calendar",
    "app_settings",
)
PROGRESS = re.compile(r"(\d+)/(\d+)")


def write_entities_csv(path: Path, count: int = 60) -> None:
    lines = ["entity_id,name,sector", *(f"E{n:02d},Entidad {n},ministerio" for n in range(count))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_cases_csv(
    path: Path, rows: int, *, start: int = 0, seed: int = 18, bad_every: int = 0
) -> None:
    """`rows` canonical cases (ids C<start..>), vectorised: 1M rows in a few seconds.

    With `bad_every`, every n-th row names an unknown entity (it goes to quarantine)."""
    rng = np.random.default_rng(seed)
    created = np.datetime64("2025-01-01T08:00:00") + rng.integers(0, 600 * 86_400, rows).astype(
        "timedelta64[s]"
    )
    closed = created + rng.gamma(2.0, 6.0 * 86_400, rows).astype("int64").astype("timedelta64[s]")
    is_closed = rng.random(rows) < 0.8
    entity = rng.integers(0, 60, rows)
    frame = pl.DataFrame(
        {
            "n": np.arange(start, start + rows),
            "e": entity,
            "case_type": rng.choice(["queja", "reclamo", "solicitud", "consulta"], rows),
            "created_at": created.astype("datetime64[us]"),
            "closed_at": closed.astype("datetime64[us]"),
            "closed": is_closed,
            "channel": rng.choice(["llamada", "web", "app", "correo"], rows),
        }
    )
    entity_id = pl.format("E{}", pl.col("e").cast(pl.String).str.zfill(2))
    if bad_every:
        entity_id = (
            pl.when(pl.col("n") % bad_every == 0).then(pl.lit("NOEXISTE")).otherwise(entity_id)
        )
    frame.select(
        pl.format("C{}", pl.col("n").cast(pl.String).str.zfill(9)).alias("case_id"),
        entity_id.alias("entity_id"),
        "case_type",
        "created_at",
        pl.when("closed").then(pl.col("closed_at")).alias("closed_at"),
        pl.when("closed").then(pl.lit("cerrado")).otherwise(pl.lit("abierto")).alias("status"),
        "channel",
    ).write_csv(path, datetime_format="%Y-%m-%d %H:%M:%S")


def cli_command(*args: str, url: str) -> list[str]:
    return [sys.executable, "-m", "cac311.cli", *args, "--database-url", url]


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAC311_")}
    env.pop("DATABASE_URL", None)
    return env


def run_cli(*args: str, url: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args, url=url),
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=cli_env(),
        check=False,
        timeout=timeout,
    )


class Running:
    """A `cac311` child process whose standard error is read as it comes (tqdm's progress)."""

    def __init__(self, args: Sequence[str], url: str, **popen: object) -> None:
        self.proc = subprocess.Popen(
            cli_command(*args, url=url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=PROJECT,
            env=cli_env(),
            **popen,  # type: ignore[call-overload]
        )
        self._err = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        while chunk := os.read(self.proc.stderr.fileno(), 65536):
            self._err.extend(chunk)

    @property
    def stderr(self) -> str:
        return self._err.decode("utf-8", errors="replace")

    def rows_done(self) -> int:
        found = PROGRESS.findall(self.stderr)
        return int(found[-1][0]) if found else 0

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                raise AssertionError(f"import ended before {what}: {self.stderr[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: {self.stderr[-2000:]}")
            time.sleep(0.05)

    def finish(self, timeout: float = 600) -> tuple[int, str, str]:
        out, _ = self.proc.communicate(timeout=timeout)
        self._reader.join(timeout=10)
        return self.proc.returncode, out.decode("utf-8"), self.stderr


def _digest_rows(rows: Sequence[Sequence[object]]) -> str:
    h = hashlib.sha256()
    for row in sorted(repr(tuple(row)) for row in rows):
        h.update(row.encode())
    return h.hexdigest()


def snapshot(engine: Engine) -> dict[str, object]:
    """Every row of every product table (as a digest and a count) and the schema's indexes and
    constraints: equal snapshots mean the database is exactly as it was (sequences aside)."""
    shot: dict[str, object] = {}
    with engine.connect() as conn:
        for table in SNAPSHOT_TABLES:
            rows = conn.execute(sa.text(f"select * from {table}")).all()
            shot[table] = (len(rows), _digest_rows(rows))
        if engine.dialect.name == "postgresql":
            shot["schema"] = _digest_rows(
                conn.execute(
                    sa.text(
                        "select conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                        " from pg_constraint where connamespace = 'public'::regnamespace"
                        " union all select tablename, indexname, indexdef from pg_indexes"
                        " where schemaname = 'public'"
                    )
                ).all()
            )
        else:
            shot["schema"] = _digest_rows(
                conn.execute(sa.text("select type, name, sql from sqlite_master")).all()
            )
    return shot


def count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql)).scalar_one())
