"""Import warnings for the Calidad de datos page: named SQL → fixed-schema Polars frames.

Kept apart from `analytics_ops` (which holds the quarantine's twins) so the warnings can grow
without touching the analytics modules. Every function takes the engine first, then plain
values.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Engine

from cac311.db.queries import run_query
from metrics.import_warnings import WARNING_COUNTS_SCHEMA, WARNING_ROWS_SCHEMA


def warnings_by_code(engine: Engine, batch_id: int | None = None) -> pl.DataFrame:
    """Warnings per code and field (of one batch, or of all when None): code, field, filas."""
    return run_query(
        engine,
        "quality__import_warnings_by_code",
        {"all_batches": batch_id is None, "batch_id": 0 if batch_id is None else int(batch_id)},
        WARNING_COUNTS_SCHEMA,
    )


def warning_rows(engine: Engine, batch_id: int) -> pl.DataFrame:
    """The warnings of one batch (WARNING_ROWS_SCHEMA), by line then field."""
    return run_query(
        engine,
        "quality__import_warnings_rows",
        {"batch_id": int(batch_id)},
        WARNING_ROWS_SCHEMA,
    )
