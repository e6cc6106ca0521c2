"""`cac311 import`: load entities, cases, reviews, releases or transfers from CSV or .xlsx
(SPEC §5, §6).

Imports into one database run one at a time (`faults.import_lock`: a second one waits, and says
so on the command line). One import is one transaction: the batch record, the accepted rows
(upserted by id), the quarantined rows and the warnings (descriptive values of accepted cases
stored differently from how the file wrote them, `descriptive.py`) commit together, or nothing
changes. The file is
streamed in batches: each batch is mapped (profile), validated, its accepted rows bulk-copied
into a staging table, its rejected rows into `quarantine` and its warnings into
`import_warnings`; at the end one set-based upsert applies the staging table. A large first
load on PostgreSQL (empty target table) copies the accepted rows straight into the target
instead, with its indexes, primary key and foreign keys rebuilt at the end
(`upsert.begin_direct_load`): same rows, same counts. Batches are validated two at a time in
worker threads (`_check_batch`, pure Polars) and then taken in file order, where the ids
repeated from earlier batches are marked (`_with_earlier_keys`), so every row gets the reason
one pass over the whole file would give it. On PostgreSQL each batch's COPY runs while the next
batches are validated (`_BatchWriter`); memory holds at most four batches.
`preview_import` runs exactly the same path and rolls back, so the upload page shows the real
counts without changing anything.

Transfers name cases: before a batch of transfers is validated, the cases it names are looked
up in the database (`_stored_cases`, through a temporary table of the batch's ids, so the cost
follows the file and not the size of `cases`).
"""

from __future__ import annotations

import getpass
import sys
import tempfile
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from tqdm import tqdm

from cac311.config import Settings
from cac311.db.bulk import copy_into
from cac311.db.faults import import_lock
from cac311.db.setup import stored_timezone
from cac311.ingest.descriptive import WARNINGS_SCHEMA
from cac311.ingest.fastcsv import NeedsExactReader
from cac311.ingest.frames import canonical_exprs, raw_row_json
from cac311.ingest.kinds import KIND_LABELS, KindSpec, spec_for
from cac311.ingest.mapping import (
    MAPPINGS_DIR,
    Profile,
    check_profile,
    check_timezone,
    load_profile,
    parse_profile,
    resolve_columns,
)
from cac311.ingest.readers import TableSource, open_table
from cac311.ingest.reasons import reason_text, warning_text
from cac311.ingest.summary_hook import SummaryHook
from cac311.ingest.upsert import (
    begin_direct_load,
    create_staging,
    drop_staging,
    rebuild_secondary,
    upsert,
)
from cac311.ingest.validate import (
    ValidationContext,
    accepted_with_warnings,
    mark_reasons,
    parse_timestamps,
    quarantined_rows,
)
from metrics.daycount import calendar_frame

BATCH_ROWS = 100_000
VALIDATION_WORKERS = 2
PROGRESS_MIN_ROWS = 20_000
SAMPLE_ROWS = 200


@dataclass
class ImportReport:
    """What an import did (or, for a preview, would do)."""

    kind: str
    source_name: str
    batch_id: int | None = None
    preview: bool = False
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    rejected_sample: list[dict[str, Any]] = field(default_factory=list)
    warned: int = 0
    # (code, field) -> values of accepted rows stored differently from how the file wrote them.
    warnings: Counter[tuple[str, str]] = field(default_factory=Counter)
    warning_sample: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def reason_summary(self) -> str:
        """`texto [código]: n; ...`, most frequent first."""
        return "; ".join(
            f"{reason_text(code)} [{code}]: {count}" for code, count in self.reasons.most_common()
        )

    def warning_summary(self) -> str:
        """`texto (campo) [código]: n; ...`, most frequent first (then by code and field)."""
        ordered = sorted(self.warnings.items(), key=lambda item: (-item[1], item[0]))
        return "; ".join(
            f"{warning_text(code)} ({column}) [{code}]: {count}"
            for (code, column), count in ordered
        )

    def lines(self) -> list[str]:
        """One Spanish line each for insertados, actualizados, sin cambios, en cuarentena and
        avisos (warnings never change the other counts: a warned row is imported)."""
        quarantine = f"En cuarentena: {self.quarantined}"
        if self.quarantined:
            quarantine += f" ({self.reason_summary()})"
        warned = f"Avisos: {self.warned}"
        if self.warned:
            warned += f" ({self.warning_summary()})"
        return [
            f"Insertados: {self.inserted}",
            f"Actualizados: {self.updated}",
            f"Sin cambios: {self.unchanged}",
            quarantine,
            warned,
        ]

    def first_warnings(self, n: int = 20) -> pl.DataFrame:
        """The first `n` warnings (by file order of the batches, then field): the columns of
        `descriptive.WARNINGS_SCHEMA` (shape them with `cac311.ui.views.quality`)."""
        return pl.DataFrame(self.warning_sample[:n], schema=WARNINGS_SCHEMA)

    def first_rejected(self, n: int = 20) -> pl.DataFrame:
        """The first `n` quarantined rows: linea, motivo, codigo, detalle, fila (JSON)."""
        schema = {
            "linea": pl.Int64,
            "motivo": pl.String,
            "codigo": pl.String,
            "detalle": pl.String,
            "fila": pl.String,
        }
        rows = [
            {
                "linea": r["line_number"],
                "motivo": reason_text(r["reason"]),
                "codigo": r["reason"],
                "detalle": r["detail"],
                "fila": r["raw_row"],
            }
            for r in self.rejected_sample[:n]
        ]
        return pl.DataFrame(rows, schema=schema)


@dataclass(frozen=True)
class _Plan:
    """A file ready to import: where it comes from and how to read it."""

    spec: KindSpec
    profile: Profile
    file_timezone: str
    used: dict[str, int]


def _plan(
    settings: Settings, kind: str, profile: Profile, timezone: str | None, source: TableSource
) -> _Plan:
    spec = spec_for(kind)
    check_profile(profile, spec)
    file_timezone = check_timezone(timezone or profile.timezone or settings.timezone)
    return _Plan(spec, profile, file_timezone, resolve_columns(source.header, spec, profile))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _start_batch(conn: Connection, report: ImportReport, sha256: str, by: str | None) -> int:
    row = conn.execute(
        sa.text(
            "insert into import_batches (kind, source_name, source_sha256, started_at, imported_by)"
            " values (:kind, :source_name, :sha, :started_at, :by) returning batch_id"
        ),
        {
            "kind": report.kind,
            "source_name": report.source_name[:500],
            "sha": sha256,
            "started_at": _now(),
            "by": by,
        },
    ).one()
    return int(row[0])


def _finish_batch(conn: Connection, report: ImportReport) -> None:
    conn.execute(
        sa.text(
            "update import_batches set finished_at = :finished_at, rows_read = :rows_read, "
            "inserted = :inserted, updated = :updated, unchanged = :unchanged, "
            "quarantined = :quarantined, warnings = :warnings where batch_id = :batch_id"
        ),
        {
            "finished_at": _now(),
            "rows_read": report.rows_read,
            "inserted": report.inserted,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "quarantined": report.quarantined,
            "warnings": report.warned,
            "batch_id": report.batch_id,
        },
    )


class _BatchWriter:
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
class _CheckedBatch:
    """One validated batch: the marked rows (`__key`, `__reason`, ...), the typed accepted rows,
    the quarantine rows and the warnings of the accepted rows (all without `batch_id`)."""

    marked: pl.DataFrame
    accepted: pl.DataFrame
    rejected: pl.DataFrame
    warnings: pl.DataFrame


def _split(marked: pl.DataFrame, ctx: ValidationContext, raw_json: pl.Expr) -> _CheckedBatch:
    good = marked.filter(pl.col("__reason").is_null())
    bad = marked.filter(pl.col("__reason").is_not_null())
    accepted, warnings = accepted_with_warnings(good, ctx)
    return _CheckedBatch(marked, accepted, quarantined_rows(bad, raw_json), warnings)


CASE_LOOKUP_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "__case_created_at": pl.Datetime("us"),
}


def _check_batch(
    raw: pl.DataFrame,
    ctx: ValidationContext,
    plan: _Plan,
    raw_json: pl.Expr,
    stored_cases: pl.DataFrame | None = None,
) -> _CheckedBatch:
    """Map, parse and validate one batch on its own (duplicates within the batch only).

    Pure (Polars only, no connection), so batches are checked in parallel worker threads;
    `_with_earlier_keys` then adds the duplicates of earlier batches, in file order.
    `stored_cases` (transfers only): the batch's cases found in the database (CASE_LOOKUP_SCHEMA).
    """
    frame = raw.with_columns(canonical_exprs(ctx.spec, plan.profile, plan.used))
    if stored_cases is not None:
        frame = frame.join(
            stored_cases, on="case_id", how="left", maintain_order="left"
        ).with_columns(pl.col("__case_created_at").is_not_null().alias("__case_known"))
    no_earlier = pl.Series("__key", [], dtype=pl.String)
    return _split(mark_reasons(parse_timestamps(frame, ctx), ctx, no_earlier), ctx, raw_json)


def _with_earlier_keys(
    checked: _CheckedBatch, seen: pl.Series, ctx: ValidationContext, raw_json: pl.Expr
) -> _CheckedBatch:
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


def _case_ids(raw: pl.DataFrame, plan: _Plan) -> pl.DataFrame:
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


def _known_entities(conn: Connection, spec: KindSpec) -> pl.Series | None:
    if spec.kind == "entities":
        return None
    ids = conn.execute(sa.text("select entity_id from entities")).scalars().all()
    return pl.Series("entity_id", [str(i) for i in ids], dtype=pl.String)


def _run(
    conn: Connection,
    settings: Settings,
    plan: _Plan,
    *,
    source: TableSource,
    report: ImportReport,
    imported_by: str | None,
    progress: bool,
) -> None:
    # One import at a time per database: the second waits here, before reading or writing
    # anything (a first load's DDL would otherwise hold it up at its first read, silently).
    import_lock(conn, announce=progress)
    spec = plan.spec
    ctx = _validation_context(conn, settings, plan)
    if conn.dialect.name == "postgresql":
        # Durability trade-off, not consistency: after a server crash only this last commit may
        # be lost (the import is then simply not there, all or nothing); the commit returns
        # without waiting for the WAL flush.
        conn.execute(sa.text("set local synchronous_commit = off"))
    report.batch_id = _start_batch(conn, report, source.sha256, imported_by)
    batch_id = pl.lit(report.batch_id, dtype=pl.Int32).alias("batch_id")
    direct = begin_direct_load(conn, spec, source.estimated_rows)
    summary = SummaryHook(conn, spec, direct=direct is not None)
    target = spec.table if direct is not None else f"tmp_import_{spec.table}"
    if direct is None:
        create_staging(conn, spec)
    present = set(plan.used) | set(plan.profile.defaults)
    raw_json = raw_row_json(source.header, plan.used)
    seen = pl.Series("__key", [], dtype=pl.String)
    bar = tqdm(
        total=source.estimated_rows,
        unit=" filas",
        desc=f"Importando {KIND_LABELS[spec.kind]}",
        file=sys.stderr,
        disable=not progress or source.estimated_rows < PROGRESS_MIN_ROWS,
    )

    def apply(checked: _CheckedBatch) -> None:
        """Take one validated batch, in file order: earlier-batch duplicates, write, count."""
        nonlocal seen
        checked = _with_earlier_keys(checked, seen, ctx, raw_json)
        seen = pl.concat([seen, checked.marked.get_column("__key").drop_nulls()])
        accepted = checked.accepted.with_columns(batch_id)
        rejected = checked.rejected.with_columns(batch_id)
        warned = checked.warnings.with_columns(batch_id)
        writer.submit([(target, accepted), ("quarantine", rejected), ("import_warnings", warned)])
        summary.add_batch(accepted)
        if direct is not None:
            report.inserted += accepted.height
        _tally(report, checked)
        bar.update(checked.marked.height)

    writer = _BatchWriter(conn)
    try:
        with bar:
            _validate_in_order(
                conn, plan, source=source, ctx=ctx, raw_json=raw_json, writer=writer, apply=apply
            )
        writer.wait()
    finally:
        writer.close()
    with summary.applying(present):
        if direct is not None:
            rebuild_secondary(conn, spec, direct)
        else:
            counts = upsert(conn, spec, present)
            drop_staging(conn, spec)
            report.inserted, report.updated, report.unchanged = (
                counts.inserted,
                counts.updated,
                counts.unchanged,
            )
    _finish_batch(conn, report)


def _validate_in_order(
    conn: Connection,
    plan: _Plan,
    *,
    source: TableSource,
    ctx: ValidationContext,
    raw_json: pl.Expr,
    writer: _BatchWriter,
    apply: Callable[[_CheckedBatch], None],
) -> None:
    """Read the file batch by batch, validate up to VALIDATION_WORKERS batches at once in
    threads, and hand each validated batch to `apply` in file order."""
    looks_up_cases = plan.spec.kind == "transfers"  # each batch's cases, for their creation
    if looks_up_cases:
        _start_case_lookup(conn)
    pool = ThreadPoolExecutor(max_workers=VALIDATION_WORKERS, thread_name_prefix="cac311-check")
    pending: deque[Future[_CheckedBatch]] = deque()
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


def _validation_context(conn: Connection, settings: Settings, plan: _Plan) -> ValidationContext:
    """What validating a row needs from the database: its time zone, calendar and entities."""
    return ValidationContext(
        spec=plan.spec,
        profile=plan.profile,
        file_timezone=plan.file_timezone,
        db_timezone=stored_timezone(conn, settings),
        calendar=calendar_frame(settings.extra_days_off),
        known_entities=_known_entities(conn, plan.spec),
    )


def _tally(report: ImportReport, checked: _CheckedBatch) -> None:
    """Count one validated batch into the report: rows, quarantine reasons, warnings, samples."""
    report.rows_read += checked.marked.height
    report.quarantined += checked.rejected.height
    report.reasons.update(checked.rejected.get_column("reason").to_list())
    room = SAMPLE_ROWS - len(report.rejected_sample)
    if room > 0:
        report.rejected_sample.extend(checked.rejected.head(room).to_dicts())
    if checked.warnings.height == 0:
        return
    report.warned += checked.warnings.height
    report.warnings.update(
        checked.warnings.select("code", "field").iter_rows()  # type: ignore[arg-type]
    )
    room = SAMPLE_ROWS - len(report.warning_sample)
    if room > 0:
        report.warning_sample.extend(checked.warnings.head(room).to_dicts())


def _in_transaction(engine: Engine, work: Callable[[Connection], None], preview: bool) -> None:
    """Run `work` in one transaction: commit it, or roll it back for a preview or on error."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            work(conn)
        except BaseException:
            transaction.rollback()
            raise
        if preview:
            transaction.rollback()
        else:
            transaction.commit()


@dataclass(frozen=True)
class _Options:
    source_name: str
    profile: Profile
    timezone: str | None
    encoding: str | None
    progress: bool
    imported_by: str | None
    preview: bool


def _import_path(
    engine: Engine,
    settings: Settings,
    kind: str,
    path: Path,
    *,
    source_name: str,
    profile: Profile,
    timezone: str | None,
    encoding: str | None,
    progress: bool,
    imported_by: str | None,
    preview: bool,
) -> ImportReport:
    options = _Options(source_name, profile, timezone, encoding, progress, imported_by, preview)
    spec_for(kind)
    try:
        return _import_once(engine, settings, kind, path, options, exact=False)
    except NeedsExactReader:
        # The fast CSV reader met a row it can't place (e.g. a wrong field count): everything
        # was rolled back; read again line by line, which quarantines such rows.
        return _import_once(engine, settings, kind, path, options, exact=True)


def _import_once(
    engine: Engine,
    settings: Settings,
    kind: str,
    path: Path,
    options: _Options,
    *,
    exact: bool,
) -> ImportReport:
    source = open_table(
        path,
        encoding=options.encoding,
        batch_size=BATCH_ROWS,
        name=options.source_name,
        exact=exact,
    )
    try:
        plan = _plan(settings, kind, options.profile, options.timezone, source)
        report = ImportReport(kind=kind, source_name=options.source_name, preview=options.preview)
        _in_transaction(
            engine,
            lambda conn: _run(
                conn,
                settings,
                plan,
                source=source,
                report=report,
                imported_by=options.imported_by,
                progress=options.progress,
            ),
            options.preview,
        )
    finally:
        source.close()
    if options.preview:
        report.batch_id = None
    return report


def _cli_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def import_file(
    engine: Engine,
    settings: Settings,
    kind: str,
    path: Path,
    *,
    timezone: str | None = None,
    mapping_path: Path | None = None,
    encoding: str | None = None,
    progress: bool = False,
    imported_by: str | None = None,
) -> ImportReport:
    """Import `path` (CSV or .xlsx) as `kind`; raises UserError when the file can't be read."""
    profile = load_profile(mapping_path) if mapping_path else Profile()
    return _import_path(
        engine,
        settings,
        kind,
        Path(path),
        source_name=Path(path).name,
        profile=profile,
        timezone=timezone,
        encoding=encoding,
        progress=progress,
        imported_by=imported_by or _cli_user(),
        preview=False,
    )


def _bytes_profile(mapping_text: str | None, mapping_path: Path | None) -> Profile:
    if mapping_text is not None:
        return parse_profile(mapping_text, MAPPINGS_DIR, where="subido")
    if mapping_path is not None:
        return load_profile(mapping_path)
    return Profile()


def import_bytes(
    engine: Engine,
    settings: Settings,
    kind: str,
    data: bytes,
    filename: str,
    *,
    timezone: str | None = None,
    mapping_text: str | None = None,
    encoding: str | None = None,
    imported_by: str | None = None,
    mapping_path: Path | None = None,
    preview: bool = False,
) -> ImportReport:
    """Import an uploaded file's bytes (the upload page); `filename` decides CSV or .xlsx.

    `mapping_text` is a TOML profile whose lookup files resolve in `mappings/`; or pass
    `mapping_path` (e.g. one of `mapping.shipped_profiles()`).
    """
    profile = _bytes_profile(mapping_text, mapping_path)
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="cac311_upload_") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return _import_path(
            engine,
            settings,
            kind,
            path,
            source_name=Path(filename).name,
            profile=profile,
            timezone=timezone,
            encoding=encoding,
            progress=False,
            imported_by=imported_by,
            preview=preview,
        )


def preview_import(
    engine: Engine,
    settings: Settings,
    kind: str,
    data: bytes,
    filename: str,
    *,
    timezone: str | None = None,
    mapping_text: str | None = None,
    encoding: str | None = None,
    mapping_path: Path | None = None,
) -> ImportReport:
    """Validate and count exactly as `import_bytes` would, then roll back: nothing changes."""
    return import_bytes(
        engine,
        settings,
        kind,
        data,
        filename,
        timezone=timezone,
        mapping_text=mapping_text,
        encoding=encoding,
        mapping_path=mapping_path,
        preview=True,
    )
