"""The import's hook into the monthly summaries (`cac311.db.summaries`).

An import of cases wraps its final apply step (the upsert from the staging table, or the index
rebuild of a direct first load) in `summaries_maintained`: before it, the months the staged rows
will change are read (the new cases, and the old and new versions of every stored case whose
update changes a summary-relevant column); after it, exactly those months are recomputed from
the cases, in the import's transaction. Other kinds (entities, reviews, releases) touch no
summary: the sector is read from `entities` when the summaries are queried.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from cac311.db.summaries import SummaryChanges
from cac311.ingest.kinds import KindSpec
from cac311.ingest.upsert import compared_columns, staging_table


@contextmanager
def summaries_maintained(
    conn: Connection, spec: KindSpec, present: set[str], *, staged: bool
) -> Iterator[None]:
    """Keep the summaries equal to the cases across the apply step inside the `with`.

    `staged`: the rows wait in the staging table (ordinary upsert); else they were copied
    straight into an empty `cases` table (direct first load: every stored case is new).
    """
    if spec.table != "cases":
        yield
        return
    changes = SummaryChanges(conn)
    if staged:
        compared = compared_columns(spec, present)
        changes.add_staged(staging_table(spec), compared, (*compared, *spec.derived))
    yield
    if not staged:
        changes.add_every_case()
    changes.apply()
