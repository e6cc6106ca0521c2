"""The batch pipeline of `cac311 import` (the orchestration is `importer`): each batch of the file
is mapped, parsed and validated on its own in worker threads (`_check_batch`, pure Polars), then
taken in file order, where the ids repeated from earlier batches are marked
(`with_earlier_keys`), so every row gets the reason one pass over the whole file would give it.
On PostgreSQL each batch's COPY runs while the next batches are validated (`BatchWriter`);
memory holds at most four batches.

Transfers name cases: before a batch of transfers is validated, the cases it names are looked
up in the database (`_stored_cases`, through a temporary table of the batch's ids, so the cost
follows the file and not the size of `cases`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cac311.config import Settings
from cac311.db.bulk import copy_into
from cac311.db.setup import stored_timezone
from cac311.ingest.frames import canonical_exprs
from cac311.ingest.kinds import KindSpec
from cac311.ingest.mapping import Profile
from cac311.ingest.readers import TableSource
from cac311.ingest.validate import (
    ValidationContext,
    accepted_with_warnings,
    mark_reasons,
    parse_timestamps,
    quarantined_rows,
)
from metrics.daycount import calendar_frame

VALIDATION_WORKERS = 2


@dataclass(frozen=True)
class Plan:
    """A file ready to import: where it comes from and how to read it."""

    spec: KindSpec
    profile: Profile
    file_timezone: str
    used: dict[str, int]


class BatchWriter:
    """COPYs each batch's rows while the next batch is read and validated (PostgreSQL).

    One worker thread and at most one batch in flight, so memory stays bounded.
    The connection is used by one thread at a time: `submit` and `wait` first wait for the
    in-flight COPY, and the caller calls `wait` before any other statement. Polars and psycopg
    release the GIL, so parsing the next batch overlaps the server's work on this one. On
    SQLite the rows are written inline.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._pool: ThreadPoolExecutor | None = None
        if conn.dialect.name == "postgresql":
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cac311-copy")
        self._pending: Future[None] | None = None

    def _write(self, parts: list[tuple[str, pl.DataFrame]]) -> None:
        for table, frame in parts:
            copy_into(self._conn, table, frame)

    def submit(self, parts: list[tuple[str, pl.DataFrame]]) -> None:
        if self._pool is None:
            self._write(parts)
            return
        self.wait()
        self._pending = self._pool.submit(self._write, parts)

    def wait(self) -> None:
        """Wait for the in-flight COPY; raise its error if it failed."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Let any in-flight COPY end (its error, if any, is the caller's to have raised)."""
        if self._pending is not None:
            wait_futures([self._pending])
            self._pending = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)


@dataclass(frozen=True)
class CheckedBatch:
    """One validated batch: the marked rows (`__key`, `__reason`, ...), the typed accepted rows,
    the quarantine rows and the warnings of the accepted rows (all without `batch_id`)."""

    marked: pl.DataFrame
    accepted: pl.DataFrame
    rejected: pl.DataFrame
    warnings: pl.DataFrame


def _split(marked: pl.DataFrame, ctx: ValidationContext, raw_json: pl.Expr) -> CheckedBatch:
    good = marked.filter(pl.col("__reason").is_null())
    bad = marked.filter(pl.col("__reason").is_not_null())
    accepted, warnings = accepted_with_warnings(good, ctx)
    return CheckedBatch(marked, accepted, quarantined_rows(bad, raw_json), warnings)


CASE_LOOKUP_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "__case_created_at": pl.Datetime("us"),
}


def _check_batch(
    raw: pl.DataFrame,
    ctx: ValidationContext,
    plan: Plan,
    raw_json: pl.Expr,
    stored_cases: pl.DataFrame | None = None,
) -> CheckedBatch:
    """Map, parse and validate one batch on its own (duplicates within the batch only).

    Pure (Polars only, no connection), so batches are checked in parallel worker threads;
    `with_earlier_keys` then adds the duplicates of earlier batches, in file order.
    `stored_cases` (transfers only): the batch's cases found in the database (CASE_LOOKUP_SCHEMA).
    """
    frame = raw.with_columns(canonical_exprs(ctx.spec, plan.profile, plan.used))
    if stored_cases is not None:
        frame = frame.join(
            stored_cases, on="case_id", how="left", maintain_order="left"
        ).with_columns(pl.col("__case_created_at").is_not_null().alias("__case_known"))
    no_earlier = pl.Series("__key", [], dtype=pl.String)
    return _split(mark_reasons(parse_timestamps(frame, ctx), ctx, no_earlier), ctx, raw_json)


def with_earlier_keys(
    checked: CheckedBatch, seen: pl.Series, ctx: ValidationContext, raw_json: pl.Expr
) -> CheckedBatch:
    """The batch as `mark_reasons` marks it given the keys of the file's earlier batches.

    Only a batch that repeats an earlier key is marked again (rare: a file repeating an id far
    apart), so every row keeps the one reason the sequential reading would give it.
    """
    keys = checked.marked.get_column("__key").drop_nulls()
    if seen.len() == 0 or not seen.is_in(keys.implode()).any():
        return checked
    unmarked = checked.marked.drop("__key", "__dup", "__reason", "__detail")
    return _split(mark_reasons(unmarked, ctx, seen), ctx, raw_json)


CASE_LOOKUP_TABLE = "tmp_import_case_lookup"


def _case_ids(raw: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """The distinct case ids a batch of transfers names (canonical text, as validation sees)."""
    exprs = canonical_exprs(plan.spec, plan.profile, plan.used)
    case_id = exprs[plan.spec.canonical.index("case_id")]
    return raw.select(case_id).drop_nulls().unique()


def _start_case_lookup(conn: Connection) -> None:
    conn.execute(sa.text(f"drop table if exists {CASE_LOOKUP_TABLE}"))
    on_commit = " on commit drop" if conn.dialect.name == "postgresql" else ""
    conn.execute(sa.text(f"create temp table {CASE_LOOKUP_TABLE} (case_id text){on_commit}"))


def _stored_cases(conn: Connection, ids: pl.DataFrame) -> pl.DataFrame:
    """`case_id` and `__case_created_at` (naive UTC) of the stored cases among `ids`."""
    conn.execute(sa.text(f"delete from {CASE_LOOKUP_TABLE}"))  # noqa: S608 - fixed identifier
    copy_into(conn, CASE_LOOKUP_TABLE, ids)
    query = sa.text(
        f"select c.case_id, c.created_at from cases as c "  # noqa: S608 - fixed identifiers
        f"inner join {CASE_LOOKUP_TABLE} as l on l.case_id = c.case_id"
    ).columns(sa.column("case_id", sa.String()), sa.column("created_at", sa.DateTime()))
    rows = conn.execute(query).all()
    return pl.DataFrame([(r[0], r[1]) for r in rows], schema=CASE_LOOKUP_SCHEMA, orient="row")


def validate_in_order(
    conn: Connection,
    plan: Plan,
    *,
    source: TableSource,
    ctx: ValidationContext,
    raw_json: pl.Expr,
    writer: BatchWriter,
    apply: Callable[[CheckedBatch], None],
) -> None:
    """Read the file batch by batch, validate up to VALIDATION_WORKERS batches at once in
    threads, and hand each validated batch to `apply` in file order."""
    looks_up_cases = plan.spec.kind == "transfers"  # each batch's cases, for their creation
    if looks_up_cases:
        _start_case_lookup(conn)
    pool = ThreadPoolExecutor(max_workers=VALIDATION_WORKERS, thread_name_prefix="cac311-check")
    pending: deque[Future[CheckedBatch]] = deque()
    try:
        for raw in source.frames(sorted(set(plan.used.values()))):
            cases = None
            if looks_up_cases:
                writer.wait()  # the connection is free for the lookup
                cases = _stored_cases(conn, _case_ids(raw, plan))
            pending.append(pool.submit(_check_batch, raw, ctx, plan, raw_json, cases))
            if len(pending) >= VALIDATION_WORKERS:
                apply(pending.popleft().result())
        while pending:
            apply(pending.popleft().result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if looks_up_cases:
        writer.wait()
        conn.execute(sa.text(f"drop table if exists {CASE_LOOKUP_TABLE}"))


def validation_context(conn: Connection, settings: Settings, plan: Plan) -> ValidationContext:
    """What validating a row needs from the database: its time zone, calendar and entities."""
    return ValidationContext(
        spec=plan.spec,
        profile=plan.profile,
        file_timezone=plan.file_timezone,
        db_timezone=stored_timezone(conn, settings),
        calendar=calendar_frame(settings.extra_days_off),
        known_entities=_known_entities(conn, plan.spec),
    )


def _known_entities(conn: Connection, spec: KindSpec) -> pl.Series | None:
    if spec.kind == "entities":
        return None
    ids = conn.execute(sa.text("select entity_id from entities")).scalars().all()
    return pl.Series("entity_id", [str(i) for i in ids], dtype=pl.String)
