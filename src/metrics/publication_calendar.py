"""The publication calendar: when each month's open-data bundle is due and whether it came on time.

Rules (docs/metrics.md §12, "Calendario de publicación"):

- **Due date** of month M (`fecha_limite`): the N-th working day after M's last day E (N = 7 by
  default, `CAC311_PUBLICACION_DIA_HABIL`), working days as in `metrics.daycount` (Monday–Friday,
  not a Panama public holiday, not a decreed day off). It is the first date X with
  `bday_num(X) − bday_num(E) = N`, so X is itself a working day.
- **Status** on the reference date `as_of` (today, in the product's time zone):
  `a_tiempo` — published on or before the due date; `tarde` — published after it, late by
  `dias_habiles_tarde` working days (a publication on a day off counts from the next working
  day, so it is never "0 days late"); `pendiente` — not published and `as_of ≤ fecha_limite`;
  `vencida` — not published and `as_of > fecha_limite`.
- **On-time share** (`pct_a_tiempo`): `100 × a_tiempo / (a_tiempo + tarde + vencida)` over the
  months shown; `pendiente` months are left out (nothing is decided yet); empty when no month is
  decided.

Pure: dates in, dates and frames out; the reference date is an argument, never the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

import polars as pl

from metrics.daycount import WorkingCalendar
from metrics.period import DayMode, Month
from metrics.rounding import percent_expr

PublicationStatus = Literal["a_tiempo", "tarde", "pendiente", "vencida"]
STATUS_LABELS: dict[str, str] = {
    "a_tiempo": "a tiempo",
    "tarde": "tarde",
    "pendiente": "pendiente",
    "vencida": "vencida",
}
CALENDAR_SCHEMA: dict[str, pl.DataType] = {
    "periodo": pl.String(),
    "fecha_limite": pl.Date(),
    "publicado_el": pl.Date(),
    "estado_publicacion": pl.String(),
    "dias_habiles_tarde": pl.Int64(),
}


def due_date(month: Month, working_days: int, calendar: WorkingCalendar) -> date:
    """`fecha_limite` of `month`: the `working_days`-th working day after its last day."""
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    return calendar.add_days(month.last_day, working_days, DayMode.HABILES)


def working_days_late(due: date, published_on: date, calendar: WorkingCalendar) -> int:
    """Working days from the due date to the publication (0 when on time).

    A publication on a day off counts as published on the next working day.
    """
    if published_on <= due:
        return 0
    late = calendar.days_between(due, published_on, DayMode.HABILES)
    return late if calendar.is_working_day(published_on) else late + 1


def publication_status(due: date, published_on: date | None, as_of: date) -> PublicationStatus:
    """The status of one month on `as_of` (see the module docstring)."""
    if published_on is not None:
        return "a_tiempo" if published_on <= due else "tarde"
    return "pendiente" if as_of <= due else "vencida"


def status_text(status: str, days_late: int | None) -> str:
    """ "a tiempo", "tarde 3 días hábiles" (1 día hábil), "pendiente", "vencida"."""
    if status == "tarde" and days_late:
        unit = "día hábil" if days_late == 1 else "días hábiles"
        return f"tarde {days_late} {unit}"
    return STATUS_LABELS.get(status, status)


def publication_calendar(
    last_month: Month,
    months: int,
    published: Mapping[str, date],
    *,
    as_of: date,
    working_days: int,
    calendar: WorkingCalendar,
) -> pl.DataFrame:
    """One row per month from `last_month − (months − 1)` to `last_month`, newest first.

    `published`: {"YYYY-MM": local date the bundle was published}. Output: CALENDAR_SCHEMA, where
    `dias_habiles_tarde` is set only for `tarde` and `publicado_el` is null until published.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    rows = []
    for offset in range(months):
        month = last_month.shift(-offset)
        label = str(month)
        due = due_date(month, working_days, calendar)
        published_on = published.get(label)
        status = publication_status(due, published_on, as_of)
        late = (
            working_days_late(due, published_on, calendar)
            if status == "tarde" and published_on is not None
            else None
        )
        rows.append((label, due, published_on, status, late))
    return pl.DataFrame(rows, schema=CALENDAR_SCHEMA, orient="row")


def on_time_share(calendar_frame: pl.DataFrame) -> float | None:
    """`pct_a_tiempo` of a `publication_calendar` frame (one decimal, half away from zero)."""
    counts = calendar_frame.select(
        (pl.col("estado_publicacion") == "a_tiempo").sum().cast(pl.Int64).alias("a_tiempo"),
        (pl.col("estado_publicacion") != "pendiente").sum().cast(pl.Int64).alias("decididos"),
    ).select(percent_expr("a_tiempo", "decididos").alias("pct_a_tiempo"))
    value = counts.item()
    return None if value is None else float(value)
