"""Import batches, the rows they quarantined and the warnings they left (Calidad de datos)."""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Engine

from cac311.db.queries import run_query
from metrics import quality as quality_metrics


def import_batches(engine: Engine) -> pl.DataFrame:
    """Every import batch, newest first (columns `metrics.quality.BATCHES_SCHEMA`, as stored)."""
    return run_query(engine, "batches__list", {}, quality_metrics.BATCHES_SCHEMA)


def quarantine_by_reason(engine: Engine, *, batch_id: int | None = None) -> pl.DataFrame:
    """Quarantined rows per reason (of one batch, or of all when None): reason, filas."""
    counts = run_query(
        engine,
        "quality__quarantine_by_reason",
        {"all_batches": batch_id is None, "batch_id": 0 if batch_id is None else int(batch_id)},
        quality_metrics.QUARANTINE_REASONS_SCHEMA,
    )
    return quality_metrics.quarantine_reasons(counts)


def quarantine_rows(engine: Engine, *, batch_id: int) -> pl.DataFrame:
    """The quarantined rows of one batch: line_number, reason, detail, raw_row (by line)."""
    return run_query(
        engine,
        "quality__quarantine_rows",
        {"batch_id": int(batch_id)},
        quality_metrics.QUARANTINE_ROWS_SCHEMA,
    )


def warnings_by_code(engine: Engine, *, batch_id: int | None = None) -> pl.DataFrame:
    """Warnings per code and field (of one batch, or of all when None): code, field, valores."""
    return run_query(
        engine,
        "quality__import_warnings_by_code",
        {"all_batches": batch_id is None, "batch_id": 0 if batch_id is None else int(batch_id)},
        quality_metrics.WARNING_COUNTS_SCHEMA,
    )


def warning_rows(engine: Engine, *, batch_id: int) -> pl.DataFrame:
    """The warnings of one batch (`metrics.quality.WARNING_ROWS_SCHEMA`), by line then field."""
    return run_query(
        engine,
        "quality__import_warnings_rows",
        {"batch_id": int(batch_id)},
        quality_metrics.WARNING_ROWS_SCHEMA,
    )
