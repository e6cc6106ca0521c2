"""Write transfers through the real path: local columns from `add_local_columns`, as the import."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import polars as pl
from sqlalchemy.engine import Engine

from cac311.db.bulk import copy_into
from cac311.ingest.localdates import add_local_columns
from tests.db.cases_support import TIMEZONE, cached_calendar


def insert_transfers(engine: Engine, transfers: Iterable[tuple[str, str, str, datetime]]) -> None:
    """(case_id, from, to, naive-UTC instant) rows, written in the order given."""
    frame = pl.DataFrame(
        list(transfers),
        schema={
            "case_id": pl.String,
            "from_entity_id": pl.String,
            "to_entity_id": pl.String,
            "transferred_at": pl.Datetime("us"),
        },
        orient="row",
    )
    rows = add_local_columns(frame, "transferred", TIMEZONE, cached_calendar())
    with engine.begin() as conn:
        copy_into(conn, "transfers", rows)
