"""Read side of the circular's obligations: named queries (`queries/obligations__*.sql`) on the
dashboard's READ-ONLY engine, composed with the pure figures of `metrics.obligations`.

Functions take the engine and settings first, then plain values; the clock is read only by
`local_today` (the pages pass its result on), so every figure is reproducible in tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.directory import press_releases
from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.db.setup import stored_timezone
from cac311.filters import NO_FILTERS, CaseFilters
from metrics import obligations as obligation_metrics
from metrics.period import Month

STATUSES: tuple[str, ...] = ("pendiente", "validado", "devuelto")
EPOCH = datetime(2000, 1, 1)


@dataclass(frozen=True)
class LocalClock:
    """Today's local date and the database's time zone (the one its local dates use)."""

    today: date
    timezone: str


def database_timezone(engine: Engine, settings: Settings) -> str:
    with engine.connect() as conn:
        return stored_timezone(conn, settings)


def local_today(engine: Engine, settings: Settings, now: datetime | None = None) -> LocalClock:
    """The local date of `now` (default: the server's clock) in the database's time zone."""
    timezone = database_timezone(engine, settings)
    moment = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(timezone))
    return LocalClock(today=moment.date(), timezone=timezone)


def _filtered(frame: pl.DataFrame, filters: CaseFilters) -> pl.DataFrame:
    if filters.entity_ids:
        frame = frame.filter(pl.col("entidad_id").is_in(list(filters.entity_ids)))
    if filters.sectors:
        frame = frame.filter(pl.col("sector").is_in(list(filters.sectors)))
    return frame


def review_items(
    engine: Engine, *, as_of: date, clock: LocalClock, filters: CaseFilters = NO_FILTERS
) -> pl.DataFrame:
    """Per active entity and item: last counted review and origin, pending, returned
    (`metrics.obligations.review_item_state`); only the entity and sector filters apply."""
    rows = run_query(
        engine,
        "obligations__review_items",
        {"as_of_on": as_of},
        obligation_metrics.REVIEW_ITEMS_SCHEMA,
    )
    return obligation_metrics.review_item_state(
        _filtered(rows, filters), clock.today, clock.timezone
    )


def release_states(
    engine: Engine, *, month: Month, filters: CaseFilters = NO_FILTERS
) -> pl.DataFrame:
    """Per entity with releases sent in the dashboard and received in the month:
    pendientes, devueltos (not resubmitted), validados."""
    rows = run_query(
        engine,
        "obligations__releases_by_entity",
        {"month": month.yyyymm},
        obligation_metrics.RELEASE_STATES_SCHEMA,
    )
    return _filtered(rows, filters)


def entity_obligations(
    engine: Engine,
    *,
    month: Month,
    as_of: date,
    clock: LocalClock,
    filters: CaseFilters = NO_FILTERS,
) -> pl.DataFrame:
    """One row per active entity (sector/entity filters): reviews pending (and the oldest's age)
    and returned, the month's counted releases, their share received before the media, and the
    month's pending and returned releases (`metrics.obligations.entity_obligations`)."""
    items = review_items(engine, as_of=as_of, clock=clock, filters=filters)
    summary = press_releases(engine, month=month, filters=filters)
    return obligation_metrics.entity_obligations(
        items, release_states(engine, month=month, filters=filters), summary
    )


def submissions(
    engine: Engine,
    entity_ids: Sequence[str],
    clock: LocalClock,
    statuses: Sequence[str] = (),
    since: datetime | None = None,
) -> pl.DataFrame:
    """The submissions of `entity_ids` (every state, or `statuses`) received since `since`
    (naive UTC), with local times and ages (`metrics.obligations.submission_view`).

    The caller decides which entities the user may see (`Identity.own_entities`)."""
    if not entity_ids:
        return obligation_metrics.submission_view(
            pl.DataFrame(schema=obligation_metrics.SUBMISSIONS_SCHEMA), clock.today, clock.timezone
        )
    unknown = set(statuses) - set(STATUSES)
    if unknown:
        raise ValueError(f"estado desconocido: {sorted(unknown)}")
    rows = run_query(
        engine,
        "obligations__submissions",
        {
            "entity_ids": list(entity_ids),
            "all_statuses": not statuses,
            "statuses": list(statuses) or [""],
            "since": since or EPOCH,
        },
        obligation_metrics.SUBMISSIONS_SCHEMA,
    )
    return obligation_metrics.submission_view(rows, clock.today, clock.timezone)
