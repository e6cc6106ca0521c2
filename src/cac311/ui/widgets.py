"""Small Streamlit building blocks shared by the pages: KPI cards, charts, tables, downloads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from cac311.ui.format import (
    EMPTY,
    IMMATURE_MARK,
    PARTIAL_MARK,
    definition,
    fmt_delta,
    fmt_metric,
    metric_label,
)
from cac311.ui.safe import table_cells
from metrics.definitions import LOWER_IS_BETTER

DELTA_HELP = "La flecha compara con el mes anterior; debajo, con el mismo mes del año anterior."
PLOTLY_CONFIG = {"displaylogo": False, "locale": "es", "modeBarButtonsToRemove": ["lasso2d"]}


def kpi_row(deltas: pl.DataFrame, codes: Sequence[str] | None = None, per_row: int = 4) -> None:
    """One `st.metric` per KPI (frame: `kpi_deltas`), with the MoM change as the delta, the YoY
    change underneath and the definition on hover."""
    rows = {row["kpi"]: row for row in deltas.iter_rows(named=True)}
    wanted = [c for c in (codes or list(rows)) if c in rows]
    for start in range(0, len(wanted), per_row):
        columns = st.columns(per_row)
        for column, code in zip(columns, wanted[start : start + per_row], strict=False):
            row = rows[code]
            with column:
                st.metric(
                    metric_label(code),
                    fmt_metric(code, row["valor"]),
                    delta=fmt_delta(code, row["delta_mes"], row["delta_mes_pct"]),
                    delta_color=_delta_color(code, row["delta_mes"]),
                    help=f"{definition(code)} {DELTA_HELP}",
                    border=True,
                )
                yearly_md = fmt_delta(code, row["delta_anio"], row["delta_anio_pct"])
                st.caption(f"Año anterior: {yearly_md}" if yearly_md else "Año anterior: sin datos")
    if deltas.height and bool(deltas["parcial"].any()):
        st.caption(
            f":orange-badge[{PARTIAL_MARK}] El mes aún no termina en la fecha de corte: sus cifras "
            "no son definitivas y se comparan con meses completos."
        )


def _delta_color(code: str, delta: float | None) -> Literal["normal", "inverse", "off"]:
    """Green for good news, red for bad (a rise of a lower-is-better KPI); grey when nothing
    changed."""
    if not delta:
        return "off"
    return "inverse" if code in LOWER_IS_BETTER else "normal"


def data_table(
    data: pl.DataFrame,
    *,
    key: str,
    column_config: Mapping[str, Any] | None = None,
    column_order: Sequence[str] | None = None,
    height: int | Literal["auto"] = "auto",
) -> None:
    """A read-only table in the dashboard's style: full width, no index, and `EMPTY` ("—") where
    a value is missing (a median with no closed case, a never-reviewed item), as the formatted
    figures show it, not Streamlit's "None". Text cells lose their bidi controls (display only:
    `cac311.ui.safe.table_cells`)."""
    st.dataframe(
        table_cells(data),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=column_config,
        column_order=column_order,
        placeholder=EMPTY,
        key=key,
    )


def plot(fig: go.Figure, key: str) -> None:
    """A Plotly chart in the dashboard's style (our own template, not Streamlit's theme)."""
    st.plotly_chart(fig, key=key, theme=None, config=PLOTLY_CONFIG)


def immature_note(frame: pl.DataFrame) -> None:
    """A caption when some month of `frame` has an immature cohort (`cohorte_madura` = "no")."""
    if "cohorte_madura" in frame.columns and (frame["cohorte_madura"] == "no").any():
        st.caption(
            f":gray-badge[{IMMATURE_MARK}] Meses sombreados: algunos casos recibidos ese mes aún "
            "no cumplen el plazo legal, su porcentaje de cohorte todavía puede cambiar."
        )


def csv_download(label: str, data: bytes, file_name: str, key: str) -> bool:
    """A CSV download button; True on the run after it was clicked."""
    return st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="rerun",
    )
