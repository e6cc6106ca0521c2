"""Cached loaders of the obligation pages (issue 14), kept apart from `loaders.py` while the
analytics refactor (issue 12) moves it; same rules: plain values in, the shared read-only
engine (`loaders.read_engine`), a `ttl`.

The TTL is short, and every write through `cac311.obligations.store` calls `after_write()`,
which forgets these frames AND the freshness/press-release frames of `loaders`, so a submission
or a validation shows at once on every page of this server process.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import streamlit as st

from cac311.filters import CaseFilters
from cac311.obligations import figures
from cac311.ui import loaders

TTL_SECONDS = 60


@st.cache_data(ttl=3600, show_spinner=False)
def _timezone(url: str) -> str:
    return figures.database_timezone(loaders.read_engine(url), loaders.settings())


def clock(url: str) -> figures.LocalClock:
    """Today's local date (server clock) in the database's time zone."""
    timezone = _timezone(url)
    return figures.LocalClock(today=datetime.now(ZoneInfo(timezone)).date(), timezone=timezone)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def review_items(
    url: str, as_of: date, today: date, timezone: str, filters: CaseFilters
) -> pl.DataFrame:
    return figures.review_items(
        loaders.read_engine(url),
        loaders.settings(),
        as_of,
        figures.LocalClock(today, timezone),
        filters,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def entity_obligations(  # noqa: PLR0917 - plain values make the cache key
    url: str, month: str, as_of: date, today: date, timezone: str, filters: CaseFilters
) -> pl.DataFrame:
    return figures.entity_obligations(
        loaders.read_engine(url),
        loaders.settings(),
        month,
        as_of,
        figures.LocalClock(today, timezone),
        filters,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def submissions(  # noqa: PLR0917 - plain values make the cache key
    url: str,
    entity_ids: tuple[str, ...],
    today: date,
    timezone: str,
    statuses: tuple[str, ...] = (),
    since: datetime | None = None,
) -> pl.DataFrame:
    """Case-free, but entity-bound: the page passes `identity.own_entities` only."""
    return figures.submissions(
        loaders.read_engine(url),
        entity_ids,
        figures.LocalClock(today, timezone),
        statuses,
        since,
    )


def after_write() -> None:
    """Forget every frame a submission or a decision changes (this process, every session)."""
    for loader in (review_items, entity_obligations, submissions):
        loader.clear()
    for cached in (
        loaders.directory_freshness,
        loaders.entity_freshness,
        loaders.stale_and_breaching,
        loaders.press_releases,
    ):
        cached.clear()
