"""Timestamps as files write them → naive-UTC instants: an offset is read as written, anything
else is local time of the file's time zone. Profile formats are tried first, then ISO 8601; a
batch of plain `YYYY-MM-DD HH:MM:SS` values (the common export shape) takes one fast parse.
Used by `validate.parse_timestamps` for every timestamp column of a batch.
"""

from __future__ import annotations

import polars as pl

ISO_NAIVE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d")
ISO_OFFSET_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z")
OFFSET_PATTERN = r"\d:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)$"


def _first_matching(texts: pl.Series, formats: list[str], want: int) -> pl.Series:
    """Parse with each format in turn, stopping as soon as `want` values have parsed."""
    parsed = pl.Series(texts.name, [None] * texts.len(), dtype=pl.Datetime("us"))
    for fmt in formats:
        attempt = texts.str.to_datetime(fmt, strict=False, time_unit="us")
        if attempt.dtype != pl.Datetime("us"):
            attempt = attempt.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        parsed = parsed.fill_null(attempt)
        if texts.len() - parsed.null_count() >= want:
            break
    return parsed


PLAIN_ISO_PATTERN = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$"
PLAIN_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _local_to_utc(naive: pl.Series, file_timezone: str) -> pl.Series:
    return (
        naive.dt.replace_time_zone(file_timezone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
    )


def _plain_iso_local(text: pl.Series, present: int, file_timezone: str) -> pl.Series | None:
    """Fast path: every value is `YYYY-MM-DD HH:MM:SS` (or with `T`), the common export shape.

    Such a value has no offset and is read by the first ISO naive format exactly as the general
    path reads it; one pattern check and one parse replace its rewrites and offset detection.
    None when any value has another shape (the general path then decides, value by value).
    """
    if int(text.str.contains(PLAIN_ISO_PATTERN).sum()) != present:
        return None
    # Without a fraction `%.f` reads nothing, so this format gives the same instants as
    # ISO_NAIVE_FORMATS[0] (and the same nulls for impossible dates), through Polars' fast parser.
    naive = text.str.replace(" ", "T", literal=True).str.to_datetime(
        PLAIN_ISO_FORMAT, strict=False, time_unit="us"
    )
    if naive.len() - naive.null_count() != present:
        return None
    return _local_to_utc(naive, file_timezone).alias(text.name)


def parse_timestamp_series(
    text: pl.Series, formats: tuple[str, ...], file_timezone: str
) -> pl.Series:
    """Naive-UTC instants of text timestamps: with an offset as written, else local to the file.

    Formats are tried in order (profile formats, then ISO 8601) and parsing stops at the first
    that reads every value of the batch, so a clean file costs one parse per column.
    """
    present = text.len() - text.null_count()
    empty = pl.Series(text.name, [None] * text.len(), dtype=pl.Datetime("us"))
    if present == 0:
        return empty
    if not formats:
        plain = _plain_iso_local(text, present, file_timezone)
        if plain is not None:
            return plain
    iso = text.str.replace(" ", "T", literal=True).str.replace(r"\s+([+-]\d|[Zz])", "$1")
    has_offset = text.str.contains(OFFSET_PATTERN).fill_null(False)
    with_offset_count = int(has_offset.sum())
    result = empty
    if with_offset_count:
        offset_text = iso.str.replace(r"[Zz]$", "+00:00")
        result = _first_matching(
            pl.select(pl.when(has_offset).then(offset_text)).to_series(),
            list(ISO_OFFSET_FORMATS),
            with_offset_count,
        )
    if with_offset_count < present:
        naive_text = pl.select(pl.when(~has_offset).then(text)).to_series()
        naive_iso = pl.select(pl.when(~has_offset).then(iso)).to_series()
        want = present - with_offset_count
        naive = _first_matching(naive_text, list(formats), want) if formats else empty
        if naive.len() - naive.null_count() < want:
            naive = naive.fill_null(_first_matching(naive_iso, list(ISO_NAIVE_FORMATS), want))
        result = result.fill_null(_local_to_utc(naive, file_timezone))
    return result.alias(text.name)
