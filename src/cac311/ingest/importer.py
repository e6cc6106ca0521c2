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
(`upsert.begin_direct_load`): same rows, same counts. `preview_import` runs exactly the same
path and rolls back, so the upload page shows the real counts without changing anything.

This module is the orchestration (lock, transaction, staging or direct load, upsert, summaries);
the batch pipeline (validation in worker threads, file order, COPY overlap, the transfers' case
lookup) is `pipeline.py`; the report and its `import_batches` row are `import_report.py`.
"""

from __future__ import annotations

import getpass
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from tqdm import tqdm

from cac311.config import Settings
from cac311.db.faults import import_lock
from cac311.ingest.fastcsv import NeedsExactReader
from cac311.ingest.frames import raw_row_json
from cac311.ingest.import_report import ImportReport, finish_batch, start_batch, tally
from cac311.ingest.kinds import KIND_LABELS, spec_for
from cac311.ingest.mapping import (
    MAPPINGS_DIR,
    Profile,
    check_profile,
    check_timezone,
    load_profile,
    parse_profile,
    resolve_columns,
)
from cac311.ingest.pipeline import (
    BatchWriter,
    CheckedBatch,
    Plan,
    validate_in_order,
    validation_context,
    with_earlier_keys,
)
from cac311.ingest.readers import TableSource, open_table
from cac311.ingest.summary_hook import SummaryHook
from cac311.ingest.upsert import (
    begin_direct_load,
    create_staging,
    drop_staging,
    rebuild_secondary,
    upsert,
)
from cac311.ingest.validate import ValidationContext

__all__ = ["ImportReport", "import_bytes", "import_file", "preview_import"]

BATCH_ROWS = 100_000
PROGRESS_MIN_ROWS = 20_000


def _plan(
    settings: Settings, kind: str, profile: Profile, timezone: str | None, source: TableSource
) -> Plan:
    spec = spec_for(kind)
    check_profile(profile, spec)
    file_timezone = check_timezone(timezone or profile.timezone or settings.timezone)
    return Plan(spec, profile, file_timezone, resolve_columns(source.header, spec, profile))


def _run(
    conn: Connection,
    settings: Settings,
    plan: Plan,
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
    ctx = validation_context(conn, settings, plan)
    if conn.dialect.name == "postgresql":
        # Durability trade-off, not consistency: after a server crash only this last commit may
        # be lost (the import is then simply not there, all or nothing); the commit returns
        # without waiting for the WAL flush.
        conn.execute(sa.text("set local synchronous_commit = off"))
    report.batch_id = start_batch(conn, report, source.sha256, imported_by)
    direct = begin_direct_load(conn, spec, source.estimated_rows)
    summary = SummaryHook(conn, spec, direct=direct is not None)
    if direct is None:
        create_staging(conn, spec)
    present = set(plan.used) | set(plan.profile.defaults)
    _load_batches(
        conn,
        plan,
        ctx,
        source=source,
        report=report,
        summary=summary,
        direct=direct is not None,
        progress=progress,
    )
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
    finish_batch(conn, report)


def _load_batches(
    conn: Connection,
    plan: Plan,
    ctx: ValidationContext,
    *,
    source: TableSource,
    report: ImportReport,
    summary: SummaryHook,
    direct: bool,
    progress: bool,
) -> None:
    """Stream the file through the batch pipeline into the staging table (or, for a direct
    load, the target table), with its quarantine rows and warnings; count into `report`."""
    target = plan.spec.table if direct else f"tmp_import_{plan.spec.table}"
    batch_id = pl.lit(report.batch_id, dtype=pl.Int32).alias("batch_id")
    raw_json = raw_row_json(source.header, plan.used)
    seen = pl.Series("__key", [], dtype=pl.String)
    bar = tqdm(
        total=source.estimated_rows,
        unit=" filas",
        desc=f"Importando {KIND_LABELS[plan.spec.kind]}",
        file=sys.stderr,
        disable=not progress or source.estimated_rows < PROGRESS_MIN_ROWS,
    )

    def apply(checked: CheckedBatch) -> None:
        """Take one validated batch, in file order: earlier-batch duplicates, write, count."""
        nonlocal seen
        checked = with_earlier_keys(checked, seen, ctx, raw_json)
        seen = pl.concat([seen, checked.marked.get_column("__key").drop_nulls()])
        accepted = checked.accepted.with_columns(batch_id)
        rejected = checked.rejected.with_columns(batch_id)
        warned = checked.warnings.with_columns(batch_id)
        writer.submit([(target, accepted), ("quarantine", rejected), ("import_warnings", warned)])
        summary.add_batch(accepted)
        if direct:
            report.inserted += accepted.height
        tally(report, checked)
        bar.update(checked.marked.height)

    writer = BatchWriter(conn)
    try:
        with bar:
            validate_in_order(
                conn, plan, source=source, ctx=ctx, raw_json=raw_json, writer=writer, apply=apply
            )
        writer.wait()
    finally:
        writer.close()


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
