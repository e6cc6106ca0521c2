"""Helpers every analytics family shares: ordinals of a date, month windows, cohort maturity."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import polars as pl

from cac311.config import Settings
from cac311.errors import UserError
from metrics.daycount import WorkingCalendar
from metrics.monthly import cohort_is_mature
from metrics.period import DayMode, Month


@lru_cache(maxsize=4)
def working_calendar(extra_days_off: tuple[date, ...]) -> WorkingCalendar:
    """The Panama working-day calendar with the decreed extra days off (cached per list)."""
    return WorkingCalendar(extra_days_off)


def ordinal(settings: Settings, day: date, mode: DayMode) -> int:
    """`day`'s ordinal in the mode (the 'X_ordinal' every age-on-X query subtracts from)."""
    try:
        return working_calendar(settings.extra_days_off).ordinal(day, mode)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def month_window(first: Month, last: Month | None = None) -> dict[str, date]:
    """The `:start_on`/`:end_on` parameters of the months `first`..`last` (default: one month)."""
    return {"start_on": first.first_day, "end_on": (last or first).last_day}


def maturity(settings: Settings, month: Month, mode: DayMode, datos_al: date | None) -> str:
    """SPEC `cohorte_madura` of `month` in `mode`: "si" or "no"."""
    end = ordinal(settings, month.last_day, mode)
    cutoff = ordinal(settings, datos_al, mode) if datos_al is not None else None
    return "si" if cohort_is_mature(end, cutoff, settings.legal_limit_days) else "no"


def group_month_grid(groups: list[str], months: list[Month]) -> pl.DataFrame:
    """Every (grupo, mes) pair of `groups` × `months`: the rows a monthly frame has even where
    nothing happened."""
    return pl.DataFrame(
        [(g, m.yyyymm) for g in groups for m in months],
        schema={"grupo": pl.String, "mes": pl.Int64},
        orient="row",
    )
