"""The publication calendar as the Publicación page and `cac311 publication status` show it.

Composes the recorded publication dates (`records`) with the pure rules of
`metrics.publication_calendar`: the last `months` months that have ended on `today` (the current
month is not due yet), newest first, leaving out months before the first month with data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.common import working_calendar
from cac311.config import Settings
from cac311.publishing.records import published_dates
from metrics.period import Month
from metrics.publication_calendar import (
    CALENDAR_SCHEMA,
    due_date,
    on_time_share,
    publication_calendar,
    status_text,
)

CALENDAR_MONTHS = 12


@dataclass(frozen=True)
class CalendarView:
    """`frame`: `metrics.publication_calendar.CALENDAR_SCHEMA` + `estado_texto`; `pct_a_tiempo`."""

    frame: pl.DataFrame
    pct_a_tiempo: float | None
    working_days: int


def publication_due_date(settings: Settings, month: Month) -> date:
    """`fecha_limite` of `month` under the settings' rule and calendar."""
    calendar = working_calendar(settings.extra_days_off)
    return due_date(month, settings.publication_due_working_days, calendar)


def calendar_view(
    engine: Engine,
    settings: Settings,
    today: date,
    first_month: Month | None = None,
    months: int = CALENDAR_MONTHS,
) -> CalendarView:
    """The last `months` ended months on `today` (not before `first_month`), newest first."""
    last = Month.of(today).shift(-1)
    if first_month is not None:
        months = min(months, len(first_month.through(last)))
    calendar = working_calendar(settings.extra_days_off)
    frame = (
        publication_calendar(
            last,
            months,
            published_dates(engine),
            as_of=today,
            working_days=settings.publication_due_working_days,
            calendar=calendar,
        )
        if months > 0
        else pl.DataFrame(schema=CALENDAR_SCHEMA)
    )
    statuses = frame["estado_publicacion"].to_list()
    late_days = frame["dias_habiles_tarde"].to_list()
    texts = [status_text(s, late) for s, late in zip(statuses, late_days, strict=True)]
    frame = frame.with_columns(pl.Series("estado_texto", texts, dtype=pl.String))
    return CalendarView(frame, on_time_share(frame), settings.publication_due_working_days)
