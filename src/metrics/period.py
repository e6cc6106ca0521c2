"""The period every figure is asked for: a calendar month and a day-count mode (SPEC §3).

`Month` and `DayMode` are parsed once where text enters the product (the URL, the command line,
a file name) and travel as typed values from there on: nothing downstream re-parses "YYYY-MM" or
re-validates the mode. The frames keep months as yyyymm integers (`metrics.months`), which is
what the database stores; `Month.yyyymm` is the bridge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from metrics.months import add_months, first_day, last_day, month_label, month_range, parse_month


class DayMode(StrEnum):
    """How `dias` are counted: calendar days or Panama working days (hábiles)."""

    CALENDARIO = "calendario"
    HABILES = "habiles"

    @classmethod
    def parse(cls, text: str) -> DayMode:
        """ "calendario" | "habiles" (also "hábiles", any case); ValueError in Spanish."""
        value = str(text).strip().lower()
        value = MODE_ALIASES.get(value, value)
        try:
            return cls(value)
        except ValueError:
            raise ValueError(
                f"Modo de días inválido: {text!r} (use calendario o habiles)"
            ) from None


# Other spellings people type in a link or a command line.
MODE_ALIASES = {
    "hábiles": "habiles",
    "habil": "habiles",
    "hábil": "habiles",
    "calendar": "calendario",
    "calendarios": "calendario",
}


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in local time. Orders chronologically; `str()` is "YYYY-MM"."""

    yyyymm: int

    def __post_init__(self) -> None:
        year, number = divmod(self.yyyymm, 100)
        if not (1 <= number <= 12 and 1900 <= year <= 9999):
            raise ValueError(f"Mes inválido: {self.yyyymm!r}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """ "YYYY-MM" → Month; ValueError (Spanish message) when malformed."""
        return cls(parse_month(text))

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a date falls in."""
        return cls(day.year * 100 + day.month)

    def __str__(self) -> str:
        return month_label(self.yyyymm)

    @property
    def first_day(self) -> date:
        return first_day(self.yyyymm)

    @property
    def last_day(self) -> date:
        """E, the month's last day."""
        return last_day(self.yyyymm)

    def shift(self, months: int) -> Month:
        """The month `months` later (negative: earlier)."""
        return Month(add_months(self.yyyymm, months))

    def through(self, last: Month) -> list[Month]:
        """Every month from this one to `last` inclusive (empty when `last` is earlier)."""
        return [Month(m) for m in month_range(self.yyyymm, last.yyyymm)]

    def is_complete(self, datos_al: date | None) -> bool:
        """SPEC §3: the month is complete when its last day E ≤ datos_al."""
        return datos_al is not None and self.last_day <= datos_al


@dataclass(frozen=True)
class Period:
    """What a monthly figure is computed for: month M in one day-count mode."""

    month: Month
    mode: DayMode = DayMode.CALENDARIO

    @classmethod
    def parse(cls, month: str, mode: str = DayMode.CALENDARIO) -> Period:
        return cls(Month.parse(month), DayMode.parse(mode))

    def shift(self, months: int) -> Period:
        return Period(self.month.shift(months), self.mode)
