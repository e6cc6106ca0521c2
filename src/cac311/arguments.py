"""Checks of the plain values the analytics API receives (shared by analytics and analytics_ops).

A bad month or day-count mode becomes a `UserError` with one Spanish line, never a traceback.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import get_args

from cac311.errors import UserError
from metrics.daycount import DayMode, WorkingCalendar
from metrics.months import parse_month


def month_arg(month: str) -> int:
    """ "YYYY-MM" → yyyymm, or UserError."""
    try:
        return parse_month(month)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def mode_arg(mode: str) -> DayMode:
    """ "calendario" | "habiles", or UserError."""
    if mode not in get_args(DayMode):
        raise UserError(f"Modo de días inválido: {mode!r} (use calendario o habiles)")
    return mode  # type: ignore[return-value]


@lru_cache(maxsize=4)
def working_calendar(extra_days_off: tuple[date, ...]) -> WorkingCalendar:
    """The Panama working-day calendar with the decreed extra days off (cached per list)."""
    return WorkingCalendar(extra_days_off)
