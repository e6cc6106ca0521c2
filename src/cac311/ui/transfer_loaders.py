"""Cached loaders of the transfer figures (docs/metrics.md §15), with the rules of `loaders.py`:
a `Source` (url + settings + the data's facts) and plain values in, the shared read-only engine,
a `ttl`. A new import changes the facts, so every figure is asked under a new key."""

from __future__ import annotations

import polars as pl
import streamlit as st

from cac311.analytics import transfers
from cac311.filters import CaseFilters
from cac311.ui import loaders
from cac311.ui.loaders import Source
from metrics.period import Period

TTL_SECONDS = loaders.TTL_SECONDS  # one cache lifetime for every loader


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def entity_figures(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    """Per entity: transfers out/in, cases received, median days held, breaches after a
    transfer in and inherited ones (metrics.transfers.ENTITY_SCHEMA). Pages with cases only."""
    assert source.datos_al is not None, "the page guard stops on a database without cases"
    return transfers.entity_figures(
        loaders.read_engine(source.url),
        source.settings,
        period=period,
        datos_al=source.datos_al,
        filters=filters,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def flows(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    """Transfers of M per (origin, destination) pair (metrics.transfers.FLOW_SCHEMA)."""
    return transfers.flows(loaders.read_engine(source.url), period=period, filters=filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def back_and_forth(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    """Case-level: the page passes the viewer's entities as the filter."""
    return transfers.back_and_forth(loaders.read_engine(source.url), period=period, filters=filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def broken_chains(source: Source) -> pl.DataFrame:
    """Case-level (Calidad de datos, administrators)."""
    return transfers.broken_chains(loaders.read_engine(source.url))
