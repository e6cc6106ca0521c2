"""Reproducible synthetic 311 data for Panama (`cac311 demo`), written into an empty database.

Same `cases`, `seed` and `today` give identical rows (ids, timestamps, everything). All draws are
vectorised with NumPy (no Python loop per case) from independent child generators of the seed, so
the directory reviews and press releases do not change with the number of cases. The rows are
written with `copy_into` in one transaction, every row tagged with one `import_batches` row
(kind `demo`, `is_demo` true).

Cases (one row per case, from the first day of `today`'s month three years back, to `today`): the
entities and territory of `demo_catalog`; weekly and yearly seasonality, quieter Panama holidays;
local creation times spread over the day (digital channels around the clock); per-entity
resolution behaviour drawn from the seed (`BEHAVIOURS`: most mostly on time, a few chronic
breachers); an open backlog with overdue and por-vencer cases at the end; ~1.5 % `anulado`; a few
closed the same minute they were opened; closures on working days. Timestamps are stored naive
UTC; the local columns come from `add_local_columns` in the database's stored time zone.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from tqdm import tqdm

from cac311.config import Settings
from cac311.db.bulk import copy_into
from cac311.db.setup import stored_timezone
from cac311.db.summary_frames import write_summaries_from
from cac311.errors import UserError
from cac311.ingest import demo_cases, demo_directory, demo_obligations, demo_transfers
from cac311.ingest.demo_catalog import (
    ENTITIES,
)
from cac311.ingest.demo_clock import first_day, to_utc
from metrics.daycount import CALENDAR_END, EPOCH, calendar_frame

log = logging.getLogger(__name__)

NOT_EMPTY = "La base de datos ya tiene datos; la demostración solo se carga en una base vacía."
WRITE_CHUNK_ROWS = 100_000


@dataclass(frozen=True)
class DemoSummary:
    """What `generate_demo` wrote; `str()` is the one-paragraph Spanish summary for users."""

    entities: int
    cases: int
    open_cases: int
    anulados: int
    transfers: int
    reviews: int
    releases: int
    first_day: date
    datos_al: date
    seed: int
    batch_id: int
    seconds: float
    submissions: int = 0  # enlaces' reviews and releases sent in the dashboard (issue 14)

    def __str__(self) -> str:
        return (
            f"Datos de demostración: {self.entities} entidades, {self.cases} casos "
            f"({self.open_cases} abiertos, {self.anulados} anulados), {self.transfers} traslados, "
            f"{self.reviews} revisiones del directorio y {self.releases} comunicados "
            f"(más {self.submissions} envíos de enlaces en el tablero), "
            f"desde el {self.first_day:%d/%m/%Y} (datos al {self.datos_al:%d/%m/%Y}); "
            f"semilla {self.seed}, {self.seconds:.1f} s."
        )


@dataclass(frozen=True)
class DemoFrames:
    """The generated tables, columns named as in the database (without batch_id)."""

    entities: pl.DataFrame
    cases: pl.DataFrame
    transfers: pl.DataFrame
    reviews: pl.DataFrame
    releases: pl.DataFrame
    # Enlaces' submissions in every state (cac311.ingest.demo_obligations), in insert order.
    submissions: tuple[dict[str, Any], ...] = ()


def _database_is_empty(conn: Connection) -> bool:
    for table in ("entities", "cases"):
        if conn.execute(sa.text(f"select 1 from {table} limit 1")).first() is not None:  # noqa: S608
            return False
    return True


def is_database_empty(engine: Engine) -> bool:
    """True when the database has no entities and no cases."""
    with engine.connect() as conn:
        return _database_is_empty(conn)


def build_demo_frames(
    cases: int, seed: int, today: date, timezone: str, settings: Settings
) -> DemoFrames:
    """Every demo table as a frame (pure: no database, no clock)."""
    # A fifth child for the submissions: the first four (and their data) stay as before.
    rng_cases, rng_transfers, rng_reviews, rng_releases, rng_submissions = (
        np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(5)
    )
    calendar = calendar_frame(settings.extra_days_off)
    case_frame = demo_cases.cases_frame(rng_cases, cases, today, timezone, calendar)
    end_of_today = np.array([np.datetime64(today + timedelta(days=1), "s") - 1])
    cutoff = to_utc(end_of_today, timezone).item()
    entities = pl.DataFrame(
        {
            "entity_id": [e.entity_id for e in ENTITIES],
            "name": [e.name for e in ENTITIES],
            "sector": [e.sector for e in ENTITIES],
            "active": [True] * len(ENTITIES),
        }
    )
    return DemoFrames(
        entities=entities,
        cases=case_frame,
        transfers=demo_transfers.transfers(
            rng_transfers,
            case_frame,
            cutoff,
            timezone=timezone,
            calendar=calendar,
            settings=settings,
        ),
        reviews=demo_directory.reviews(rng_reviews, today, timezone, settings),
        releases=demo_directory.releases(rng_releases, today, timezone),
        submissions=tuple(
            demo_obligations.build_rows(
                rng_submissions, today, timezone, entities["entity_id"].to_list()
            )
        ),
    )


def _start_batch(conn: Connection, cases: int, seed: int, today: date) -> int:
    row = conn.execute(
        sa.text(
            "insert into import_batches"
            " (kind, source_name, started_at, rows_read, inserted, is_demo)"
            " values ('demo', :source, :started, :rows, :rows, :is_demo)"
            " returning batch_id"
        ),
        {
            "source": f"demo casos={cases} semilla={seed} hasta={today.isoformat()}",
            "started": datetime.now(UTC).replace(tzinfo=None),
            "rows": cases,
            "is_demo": True,
        },
    )
    return int(row.scalar_one())


def _write(conn: Connection, frames: DemoFrames, batch_id: int, bar: tqdm[None]) -> None:
    """Append every frame (entities first, for the foreign keys), cases in chunks."""
    tables = (
        ("entities", frames.entities),
        ("cases", frames.cases),
        ("transfers", frames.transfers),
        ("directory_reviews", frames.reviews),
        ("press_releases", frames.releases),
    )
    for table, frame in tables:
        tagged = frame.with_columns(pl.lit(batch_id, dtype=pl.Int32).alias("batch_id"))
        for offset in range(0, tagged.height, WRITE_CHUNK_ROWS):
            chunk = tagged.slice(offset, WRITE_CHUNK_ROWS)
            copy_into(conn, table, chunk)
            if table == "cases":
                bar.update(chunk.height)
    demo_obligations.write_rows(conn, frames.submissions)
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("analyze " + ", ".join(table for table, _ in tables)))


def generate_demo(
    engine: Engine,
    settings: Settings,
    cases: int = 250_000,
    seed: int = 311,
    progress: bool = False,
    *,
    today: date | None = None,
) -> DemoSummary:
    """Fill an EMPTY, prepared database with demo data up to `today`.

    `today` defaults to the current date in the database's time zone; pass it for reproducible
    data. Raises `UserError` when the database already has entities or cases.
    """
    if cases < 1:
        raise UserError("El número de casos de la demostración debe ser al menos 1.")
    started = time.perf_counter()
    with engine.connect() as conn:
        if not _database_is_empty(conn):
            raise UserError(NOT_EMPTY)
        timezone = stored_timezone(conn, settings)
    today = today or datetime.now(ZoneInfo(timezone)).date()
    if first_day(today) < EPOCH or today + timedelta(days=800) > CALENDAR_END:
        raise UserError(f"Fecha fuera del calendario soportado: {today:%d/%m/%Y}.")
    bar = tqdm(total=cases, disable=not progress, unit=" casos", desc="Demostración")
    with bar, engine.begin() as conn:
        frames = build_demo_frames(cases, seed, today, timezone, settings)
        generated = time.perf_counter()
        if not _database_is_empty(conn):
            raise UserError(NOT_EMPTY)
        batch_id = _start_batch(conn, cases, seed, today)
        _write(conn, frames, batch_id, bar)
        write_summaries_from(conn, frames.cases)  # the monthly summaries, same transaction
        conn.execute(
            sa.text("update import_batches set finished_at = :at where batch_id = :batch_id"),
            {"at": datetime.now(UTC).replace(tzinfo=None), "batch_id": batch_id},
        )
    finished = time.perf_counter()
    log.info(
        "demo: generated in %.1f s, written in %.1f s", generated - started, finished - generated
    )
    case_frame = frames.cases
    datos_al = case_frame.select(
        pl.max_horizontal(pl.col("created_on").max(), pl.col("closed_on").max())
    ).item()
    return DemoSummary(
        entities=frames.entities.height,
        cases=case_frame.height,
        open_cases=int((case_frame["status"] == "abierto").sum()),
        anulados=int((case_frame["status"] == "anulado").sum()),
        transfers=frames.transfers.height,
        reviews=frames.reviews.height,
        releases=frames.releases.height,
        submissions=len(frames.submissions),
        first_day=first_day(today),
        datos_al=datos_al,
        seed=seed,
        batch_id=batch_id,
        seconds=finished - started,
    )
