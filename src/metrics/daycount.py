"""Day counts of SPEC §3: calendar days and Panama working days (hábiles).

Both are stored per case as ordinals so the database can subtract them:

- `day_num(d)`  = days since EPOCH; `dias` calendario = day_num(closed_on) − day_num(created_on).
- `bday_num(d)` = working days in [EPOCH, d]; `dias` hábiles = bday_num(closed_on) −
  bday_num(created_on), which is exactly the number of working days d with
  created_on < d ≤ closed_on.

Working day: Monday–Friday, not a Panama public holiday (`holidays`, country PA) and not one of the
configured extra days off declared by decree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import holidays
import polars as pl

from metrics.period import DayMode

EPOCH = date(2000, 1, 1)
CALENDAR_END = date(2045, 12, 31)


def panama_holidays(
    first_year: int = EPOCH.year,
    last_year: int = CALENDAR_END.year,
    extra_days_off: Iterable[date] = (),
) -> list[date]:
    """Sorted Panama public holidays (observed days included) plus decreed extra days off."""
    public = holidays.country_holidays("PA", years=range(first_year, last_year + 1))
    return sorted(set(public.keys()) | set(extra_days_off))


def calendar_frame(extra_days_off: Iterable[date] = ()) -> pl.DataFrame:
    """One row per date from EPOCH to CALENDAR_END: day_num, bday_num, es_habil, feriado."""
    days = pl.date_range(EPOCH, CALENDAR_END, interval="1d", eager=True).alias("dia")
    closed = pl.Series("h", panama_holidays(extra_days_off=extra_days_off), dtype=pl.Date)
    frame = pl.DataFrame(days)
    return frame.select(
        pl.col("dia"),
        (pl.col("dia") - pl.lit(EPOCH)).dt.total_days().cast(pl.Int32).alias("day_num"),
        ((pl.col("dia").dt.weekday() <= 5) & ~pl.col("dia").is_in(closed.implode())).alias(
            "es_habil"
        ),
        pl.col("dia").is_in(closed.implode()).alias("feriado"),
    ).with_columns(pl.col("es_habil").cast(pl.Int32).cum_sum().alias("bday_num"))


def day_num(d: date) -> int:
    """Calendar-day ordinal of a date."""
    return (d - EPOCH).days


class WorkingCalendar:
    """Fast look-ups of the two ordinals for single dates (used for 'age on date X')."""

    def __init__(self, extra_days_off: Iterable[date] = ()) -> None:
        frame = calendar_frame(extra_days_off)
        self._bday = frame["bday_num"].to_list()
        self._habil = frame["es_habil"].to_list()

    def bday_num(self, d: date) -> int:
        idx = day_num(d)
        if not 0 <= idx < len(self._bday):
            raise ValueError(f"fecha fuera del calendario soportado: {d.isoformat()}")
        return int(self._bday[idx])

    def ordinal(self, d: date, mode: DayMode) -> int:
        """The ordinal of `d` in the given mode (day_num or bday_num)."""
        if mode == DayMode.CALENDARIO:
            return day_num(d)
        if mode == DayMode.HABILES:
            return self.bday_num(d)
        raise ValueError(f"Modo de días inválido: {mode!r}")

    def days_between(self, start: date, end: date, mode: DayMode) -> int:
        """`dias` from `start` to `end` in the given mode (SPEC §3 'Day counts')."""
        return self.ordinal(end, mode) - self.ordinal(start, mode)

    def is_working_day(self, d: date) -> bool:
        return bool(self._habil[day_num(d)])

    def add_days(self, start: date, days: int, mode: DayMode) -> date:
        """The first date X with days_between(start, X) >= days."""
        if mode == DayMode.CALENDARIO:
            return start + timedelta(days=days)
        target = self.bday_num(start) + days
        current = start
        while self.bday_num(current) < target:
            current += timedelta(days=1)
        return current
