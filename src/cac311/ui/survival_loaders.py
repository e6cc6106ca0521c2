"""Cached loaders of the Kaplan–Meier figures (docs/metrics.md §17), with the rules of
`loaders.py`: a `Source` (url + settings + the data's facts), a `Period` and `CaseFilters` in,
the shared read-only engine, a `ttl`. Open cases are censored at the Source's `datos_al`, so
the figures and the page's "Datos al" stamp come from the same state of the data.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from cac311.analytics import survival
from cac311.filters import CaseFilters
from cac311.ui import loaders
from cac311.ui.loaders import Source
from metrics.period import Period

TTL_SECONDS = loaders.TTL_SECONDS


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def survival_by_entity(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    """Per entity: `metrics.survival.SUMMARY_SCHEMA` (joined on entidad_id by the Ranking)."""
    return survival.survival_by_entity(
        loaders.read_engine(source.url),
        source.settings,
        period=period,
        datos_al=source.datos_al,
        filters=filters,
    )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def survival_curve(source: Source, period: Period, filters: CaseFilters) -> pl.DataFrame:
    """The curve of the filtered cases (`metrics.survival.CURVE_SCHEMA`)."""
    return survival.survival_curve(
        loaders.read_engine(source.url),
        source.settings,
        period=period,
        datos_al=source.datos_al,
        filters=filters,
    )
