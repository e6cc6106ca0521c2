"""The demo's clock: its first day and the conversion of its local second counts to the naive
UTC timestamps the database stores (shared by the demo's cases, reviews and press releases)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

DAY = 86_400


def first_day(today: date) -> date:
    """The demo's first day: the first of `today`'s month, three years back."""
    return date(today.year - 3, today.month, 1)


def to_utc(local: np.ndarray, timezone: str) -> pl.Series:
    """Naive local datetime64[s] values -> naive UTC Datetime('us')."""
    series = pl.Series("t", local.astype("datetime64[us]"))

    def convert(values: pl.Series) -> pl.Series:
        zoned = values.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        return zoned.dt.convert_time_zone("UTC").dt.replace_time_zone(None)

    return convert(series).fill_null(convert(series + timedelta(hours=1)))  # DST gaps


def local_seconds(first: date, seconds: np.ndarray) -> np.ndarray:
    """Seconds since `first` (local midnight) -> naive local datetime64[s]."""
    return np.datetime64(first, "s") + seconds.astype("timedelta64[s]")
