"""The import's hook into the monthly summaries (`cac311.db.summaries`).

An import of cases creates a `SummaryHook` before streaming, hands it every batch of accepted
rows (`add_batch`) and wraps its final apply step (the upsert from the staging table, or the
index rebuild of a direct first load) in `applying`:

- ordinary upsert: before it, the months the staged rows will change are read (the new cases,
  and the old and new versions of every stored case whose update changes a summary-relevant
  column); after it, exactly those months are recomputed from the cases in SQL;
- direct first load (`cases` was empty): the batches were reduced to summary rows in Polars as
  they streamed (`cac311.db.summary_frames`), copied in after the rebuild — a million cases
  grouped by PostgreSQL in one `insert ... select` took several seconds of one core.

Both in the import's transaction. Other kinds (entities, reviews, releases) touch no summary:
the sector is read from `entities` when the summaries are queried.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from sqlalchemy.engine import Connection

from cac311.db.summaries import data_horizon, summary_limit
from cac311.db.summary_changes import SummaryChanges
from cac311.db.summary_frames import SummaryBuilder, write_built
from cac311.ingest.kinds import KindSpec
from cac311.ingest.upsert import compared_columns, staging_table


class SummaryHook:
    """Keeps the summaries equal to the cases across one import (see the module docstring)."""

    def __init__(self, conn: Connection, spec: KindSpec, *, direct: bool) -> None:
        self._conn = conn
        self._spec = spec
        self._active = spec.table == "cases"
        self._direct = direct
        limit = summary_limit(conn) if self._active and direct else None
        self._builder = SummaryBuilder(limit) if limit is not None else None

    def add_batch(self, accepted: pl.DataFrame) -> None:
        """One batch of accepted rows, as written (direct loads reduce it now)."""
        if self._builder is not None:
            self._builder.add(accepted)

    @contextmanager
    def applying(self, present: set[str]) -> Iterator[None]:
        """Wrap the step that makes the rows final in `cases` (upsert or rebuild)."""
        if not self._active:
            yield
            return
        if self._direct:
            yield
            if self._builder is not None:
                write_built(self._conn, self._builder, data_horizon(self._conn))
            return
        changes = SummaryChanges(self._conn)
        compared = compared_columns(self._spec, present)
        changes.add_staged(staging_table(self._spec), compared, (*compared, *self._spec.derived))
        yield
        changes.apply()
