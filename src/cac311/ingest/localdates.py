"""Derive the local dates and day ordinals every metric keys on, from UTC timestamps.

For each timestamp column `X_at` (naive UTC) it adds `X_on` (local date in the product's time
zone), `X_month` (yyyymm), `X_day` (calendar ordinal) and `X_bday` (working-day ordinal), see
`metrics.daycount`.
"""

from __future__ import annotations

import polars as pl

from metrics.daycount import CALENDAR_END, EPOCH


def local_date_expr(column: str, timezone: str) -> pl.Expr:
    """Local date of a naive-UTC timestamp column."""
    return pl.col(column).dt.replace_time_zone("UTC").dt.convert_time_zone(timezone).dt.date()


def add_local_columns(
    frame: pl.DataFrame, prefix: str, timezone: str, calendar: pl.DataFrame
) -> pl.DataFrame:
    """Add `{prefix}_on/_month/_day/_bday` for the timestamp column `{prefix}_at`."""
    on = f"{prefix}_on"
    with_date = frame.with_columns(local_date_expr(f"{prefix}_at", timezone).alias(on))
    lookup = calendar.select(
        pl.col("dia").alias(on),
        pl.col("day_num").alias(f"{prefix}_day"),
        pl.col("bday_num").alias(f"{prefix}_bday"),
    )
    return with_date.join(lookup, on=on, how="left", maintain_order="left").with_columns(
        (pl.col(on).dt.year() * 100 + pl.col(on).dt.month()).cast(pl.Int32).alias(f"{prefix}_month")
    )


def in_calendar_range(column: str) -> pl.Expr:
    """True when a local-date column lies within the supported calendar."""
    return pl.col(column).is_between(pl.lit(EPOCH), pl.lit(CALENDAR_END))
