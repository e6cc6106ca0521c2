"""Test helpers that write entities and cases through the real path (derived local columns).

Cases are given with naive-UTC `created_at`/`closed_at`; `add_local_columns` derives the local
dates and ordinals exactly as the import does, and `copy_into` writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import polars as pl
from sqlalchemy.engine import Engine

from cac311.db.bulk import copy_into
from cac311.db.summary_changes import SummaryChanges
from cac311.ingest.localdates import add_local_columns
from metrics.daycount import calendar_frame

TIMEZONE = "America/Panama"
CASE_DEFAULTS: dict[str, Any] = {
    "case_type": "queja",
    "category": "general",
    "channel": "web",
    "province": "PA-8",
    "district": None,
    "sla_days": None,
    "closed_at": None,
    "status": None,
}
CASE_INPUT_SCHEMA: dict[str, Any] = {
    "case_id": pl.String,
    "entity_id": pl.String,
    "case_type": pl.String,
    "category": pl.String,
    "channel": pl.String,
    "province": pl.String,
    "district": pl.String,
    "status": pl.String,
    "sla_days": pl.Int32,
    "created_at": pl.Datetime("us"),
    "closed_at": pl.Datetime("us"),
}


@lru_cache(maxsize=4)
def cached_calendar(extra_days_off: tuple[date, ...] = ()) -> pl.DataFrame:
    return calendar_frame(extra_days_off)


def case_rows(cases: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Full `cases` rows (derived columns included) from dicts with at least case_id,
    entity_id and created_at (naive UTC)."""
    rows = []
    for case in cases:
        row = {**CASE_DEFAULTS, **case}
        if row["status"] is None:
            row["status"] = "cerrado" if row["closed_at"] is not None else "abierto"
        rows.append({k: row[k] for k in CASE_INPUT_SCHEMA})
    frame = pl.DataFrame(rows, schema=CASE_INPUT_SCHEMA, orient="row")
    calendar = cached_calendar()
    frame = add_local_columns(frame, "created", TIMEZONE, calendar)
    return add_local_columns(frame, "closed", TIMEZONE, calendar)


def insert_entities(engine: Engine, entities: Iterable[tuple[str, str, str, bool]]) -> None:
    frame = pl.DataFrame(
        list(entities),
        schema={
            "entity_id": pl.String,
            "name": pl.String,
            "sector": pl.String,
            "active": pl.Boolean,
        },
        orient="row",
    )
    with engine.begin() as conn:
        copy_into(conn, "entities", frame)


def insert_cases(engine: Engine, cases: Iterable[Mapping[str, Any]]) -> None:
    """Insert new cases, keeping the monthly summaries equal to them (as every write path)."""
    rows = case_rows(cases)
    with engine.begin() as conn:
        changes = SummaryChanges(conn)
        copy_into(conn, "cases", rows)
        changes.add_rows(rows)
        changes.apply()


def utc(local: str) -> datetime:
    """Naive UTC of a Panama local time 'YYYY-MM-DD HH:MM' (UTC−5, no DST)."""
    from datetime import timedelta

    return datetime.fromisoformat(local) + timedelta(hours=5)
