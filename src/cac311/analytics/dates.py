"""The data's dates (datos_al, the months with data) and the stamp of its last changes.

A page reads them once per run (`data_facts`: three small queries answered from indexes and
primary keys) and hands them to every figure it asks for; cached figures are keyed by them, so
after an import, a submission or an asesor's decision no page shows new figures under an old
"Datos al" stamp or the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from cac311.db.queries import run_query
from metrics.period import Month

_DATE_RANGE_SCHEMA = {
    "first_created_on": pl.Date,
    "last_created_on": pl.Date,
    "last_closed_on": pl.Date,
}
_BATCH_SUMMARY_SCHEMA = {"batches": pl.Int64, "last_batch_id": pl.Int64, "demo_batches": pl.Int64}
_OBLIGATIONS_STAMP_SCHEMA: dict[str, pl.DataType] = {
    "reviews": pl.Int64(),
    "releases": pl.Int64(),
    "last_review_decision": pl.Datetime("us"),
    "last_release_decision": pl.Datetime("us"),
}


@dataclass(frozen=True)
class DataDates:
    """The data's local dates over every case, anulado included."""

    first_created_on: date | None = None
    last_created_on: date | None = None
    last_closed_on: date | None = None

    @property
    def datos_al(self) -> date | None:
        """SPEC datos_al: the latest local date of any created_at or closed_at."""
        last = [d for d in (self.last_created_on, self.last_closed_on) if d is not None]
        return max(last) if last else None

    @property
    def months(self) -> tuple[Month, ...]:
        """Months from the first month with data to the month of datos_al, ascending."""
        datos_al = self.datos_al
        if self.first_created_on is None or datos_al is None:
            return ()
        return tuple(Month.of(self.first_created_on).through(Month.of(datos_al)))

    @property
    def complete_months(self) -> tuple[Month, ...]:
        """The months with data whose last day is on or before datos_al."""
        return tuple(m for m in self.months if m.is_complete(self.datos_al))


@dataclass(frozen=True)
class DataFacts:
    """What every page and export needs to know about the data before asking anything else.

    Hashable: the cached figures are keyed by it (a new import changes `last_batch_id`).
    """

    dates: DataDates
    batches: int = 0
    last_batch_id: int | None = None
    is_demo: bool = False
    # The enlaces' submissions and the asesores' decisions (they move freshness and
    # anticipation): counts and the last decision time, as text.
    obligations: str = ""

    @property
    def datos_al(self) -> date | None:
        return self.dates.datos_al

    @property
    def months(self) -> tuple[Month, ...]:
        return self.dates.months

    @property
    def has_cases(self) -> bool:
        return self.datos_al is not None and bool(self.months)

    @property
    def has_batches(self) -> bool:
        return self.batches > 0


def data_dates(engine: Engine) -> DataDates:
    """First and last local creation date and last local closing date (None when empty)."""
    row = run_query(engine, "cases__date_range", {}, _DATE_RANGE_SCHEMA).row(0, named=True)
    return DataDates(row["first_created_on"], row["last_created_on"], row["last_closed_on"])


def data_facts(engine: Engine) -> DataFacts:
    """The data's dates and the import stamp (number of batches, the last one, any demo)."""
    batches = run_query(engine, "batches__summary", {}, _BATCH_SUMMARY_SCHEMA).row(0, named=True)
    obligations = run_query(engine, "obligations__stamp", {}, _OBLIGATIONS_STAMP_SCHEMA)
    return DataFacts(
        dates=data_dates(engine),
        batches=int(batches["batches"] or 0),
        last_batch_id=batches["last_batch_id"],
        is_demo=bool(batches["demo_batches"]),
        obligations="|".join(str(v) for v in obligations.row(0)),
    )
