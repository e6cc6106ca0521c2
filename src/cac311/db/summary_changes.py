"""Which months of the monthly summaries a write to `cases` touches (`cac311.db.summaries`).

A non-anulado case received in month `cm` and closed in `km` counts in the summaries of the
months `[cm, km]` (`[cm, H]` while open, H = the month of datos_al). A write touches, for every
case whose summary-relevant values it changes, the months of the old version and of the new
one, plus every month after the old H when it moves H forward; rows after the new H are
deleted by the refresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cac311.db import summaries
from cac311.db.summaries import data_horizon
from metrics.period import Month

# The columns of `cases` a summary row depends on (besides the key): a change to any other
# (category, district, sla_days, batch_id, ...) touches no summary.
RELEVANT_COLUMNS: Final = (
    "entity_id",
    "case_type",
    "channel",
    "province",
    "status",
    "created_on",
    "closed_on",
    "created_month",
    "closed_month",
    "created_day",
    "closed_day",
    "created_bday",
    "closed_bday",
)


def touched_months(
    pairs: Iterable[tuple[int, int | None]], before: Month | None, after: Month | None
) -> list[Month]:
    """The months whose summary rows a write changes (module docstring), ascending.

    `pairs`: (created_month, closed_month or None) of the old and the new version of every case
    whose summary-relevant values changed (anulado versions left out: they count nowhere);
    `before`/`after`: the horizon H before and after the write.
    """
    if after is None:
        return []
    months: set[Month] = set()
    for created, closed in pairs:
        end = Month(closed) if closed is not None else after
        months.update(Month(created).through(min(end, after)))
    if before is not None and after > before:
        months.update(before.shift(1).through(after))
    return sorted(months)


class SummaryChanges:
    """The months a write to `cases` touches, collected around it; `apply` refreshes them.

    Create it before the write (it reads the horizon H), add what the write changes, then call
    `apply` in the same transaction after the write.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._before = data_horizon(conn)
        self._pairs: set[tuple[int, int | None]] = set()

    @property
    def pairs(self) -> frozenset[tuple[int, int | None]]:
        return frozenset(self._pairs)

    def add_pairs(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        self._pairs.update((int(c), int(k) if k is not None else None) for c, k in pairs)

    def add_rows(self, rows: pl.DataFrame) -> None:
        """Cases written as new rows (`cases` columns, derived ones included)."""
        live = rows.filter(pl.col("status") != "anulado")
        self.add_pairs(live.select("created_month", "closed_month").unique().iter_rows())

    def add_every_case(self) -> None:
        """Every stored case (e.g. after a first load into an empty table)."""
        rows = self._conn.execute(
            sa.text(
                "select distinct created_month, closed_month from cases where status <> 'anulado'"
            )
        ).all()
        self.add_pairs((r[0], r[1]) for r in rows)

    def add_staged(self, staging: str, compared: Sequence[str], assigned: Sequence[str]) -> None:
        """Cases about to be upserted from `staging`, before the upsert runs: the new ones, and
        the old and new versions of the stored ones whose update (when any of `compared`
        differs) changes a summary-relevant column among `assigned`."""
        relevant = [c for c in RELEVANT_COLUMNS if c in assigned]
        changed = "1 = 0"
        if compared and relevant:
            updated = " or ".join(f"c.{col} is distinct from s.{col}" for col in compared)
            moved = " or ".join(f"c.{col} is distinct from s.{col}" for col in relevant)
            changed = f"({updated}) and ({moved})"
        # One pass over the staged rows (a re-import of a million unchanged cases joins them
        # once): the distinct (old months, new months) of the new and the changed cases.
        rows = self._conn.execute(
            sa.text(
                "select distinct c.case_id is null, c.status = 'anulado', c.created_month,"  # noqa: S608
                " c.closed_month, s.status = 'anulado', s.created_month, s.closed_month"
                f" from {staging} as s left join cases as c on c.case_id = s.case_id"
                f" where c.case_id is null or ({changed})"
            )
        ).all()
        for is_new, old_annulled, old_cm, old_km, new_annulled, new_cm, new_km in rows:
            if not is_new and not old_annulled:
                self.add_pairs([(old_cm, old_km)])
            if not new_annulled:
                self.add_pairs([(new_cm, new_km)])

    def months(self) -> list[Month]:
        """The touched months given the horizon now (call after the write)."""
        return touched_months(self._pairs, self._before, data_horizon(self._conn))

    def apply(self) -> list[Month]:
        """Refresh the touched months; returns them."""
        months = self.months()
        summaries.refresh_summaries(self._conn, months)
        return months
