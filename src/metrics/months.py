"""Calendar months as the product names them: "YYYY-MM" strings and yyyymm integers.

The database stores `created_month`/`closed_month` as yyyymm integers; users and files see
"YYYY-MM". Pure helpers, no clock.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(month: str) -> int:
    """ "YYYY-MM" → yyyymm; ValueError (Spanish message) when malformed."""
    match = MONTH_RE.match(month.strip()) if isinstance(month, str) else None
    if match is None:
        raise ValueError(f"Mes inválido: {month!r} (use AAAA-MM, por ejemplo 2026-10)")
    return int(match.group(1)) * 100 + int(match.group(2))


def month_label(yyyymm: int) -> str:
    """yyyymm → "YYYY-MM"."""
    return f"{yyyymm // 100:04d}-{yyyymm % 100:02d}"


def add_months(yyyymm: int, delta: int) -> int:
    """The month `delta` months after (negative: before) `yyyymm`."""
    index = (yyyymm // 100) * 12 + (yyyymm % 100 - 1) + delta
    return (index // 12) * 100 + index % 12 + 1


def month_of(d: date) -> int:
    """yyyymm of a date."""
    return d.year * 100 + d.month


def first_day(yyyymm: int) -> date:
    return date(yyyymm // 100, yyyymm % 100, 1)


def last_day(yyyymm: int) -> date:
    """E, the last day of the month."""
    year, month = yyyymm // 100, yyyymm % 100
    return date(year, month, monthrange(year, month)[1])


def month_range(first: int, last: int) -> list[int]:
    """Every month from `first` to `last` inclusive, ascending (empty when first > last)."""
    months: list[int] = []
    current = first
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months
