"""Cached loaders of the obligation pages (issue 14), with the rules of `loaders.py`: a
`Source` (url + settings + the data's facts) and plain values in, the shared read-only engine,
a `ttl`.

A submission or an asesor's decision changes the data's stamp (`DataFacts.obligations`), so the
next page run asks every figure under a new key — in every server process, with no clearing.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from cac311.config import Settings
from cac311.filters import CaseFilters
from cac311.obligations import figures
from cac311.ui import loaders
from cac311.ui.loaders import Source
from metrics.period import Month

TTL_SECONDS = loaders.TTL_SECONDS  # one cache lifetime for every loader


@st.cache_data(ttl=3600, show_spinner=False)
def _timezone(url: str, settings: Settings) -> str:
    return figures.database_timezone(loaders.read_engine(url), settings)


def clock(source: Source) -> figures.LocalClock:
    """Today's local date (server clock) in the database's time zone."""
    timezone = _timezone(source.url, source.settings)
    return figures.LocalClock(today=datetime.now(ZoneInfo(timezone)).date(), timezone=timezone)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def review_items(
    source: Source, as_of: date, today: date, timezone: str, filters: CaseFilters
) -> pl.DataFrame:
    return figures.review_items(
        loaders.read_engine(source.url),
        as_of=as_of,
        clock=figures.LocalClock(today, timezone),
        filters=filters,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def entity_obligations(  # noqa: PLR0917 - plain values make the cache key
    source: Source, month: Month, as_of: date, today: date, timezone: str, filters: CaseFilters
) -> pl.DataFrame:
    return figures.entity_obligations(
        loaders.read_engine(source.url),
        month=month,
        as_of=as_of,
        clock=figures.LocalClock(today, timezone),
        filters=filters,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def submissions(  # noqa: PLR0917 - plain values make the cache key
    source: Source,
    entity_ids: tuple[str, ...],
    today: date,
    timezone: str,
    statuses: tuple[str, ...] = (),
    since: datetime | None = None,
) -> pl.DataFrame:
    """Case-free, but entity-bound: the page passes `identity.own_entities` only."""
    return figures.submissions(
        loaders.read_engine(source.url),
        entity_ids,
        figures.LocalClock(today, timezone),
        statuses,
        since,
    )
