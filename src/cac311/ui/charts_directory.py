"""Chart builders of the Directorio y comunicados page (frame in, figure out)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui import charts
from cac311.ui.format import fmt_dec

MAX_BARS = 30


def release_anticipation(rows: pl.DataFrame) -> go.Figure:
    """Per entity, releases the 311 got in advance (green) and without anticipation (red),
    stacked; entities with releases without anticipation come first (frame:
    `metrics.directory_views.release_rows`). The median lead time is in the hover."""
    title = "Comunicados por entidad: con y sin anticipación"
    if rows.is_empty():
        return charts.empty_figure("Sin comunicados recibidos en el mes.", title)
    shown = rows.head(MAX_BARS).reverse()
    entities = shown["entidad_id"].to_list()
    hover = [
        f"{name}<br>mediana de anticipación: {fmt_dec(hours)} h"
        for name, hours in zip(
            shown["entidad"].to_list(), shown["mediana_anticipacion_horas"].to_list(), strict=True
        )
    ]
    fig = go.Figure(
        [
            go.Bar(
                y=entities,
                x=shown["con_anticipacion"].to_list(),
                name="Con anticipación",
                orientation="h",
                marker_color=charts.EN_PLAZO,
                customdata=hover,
                hovertemplate="%{customdata}<br>con anticipación: %{x}<extra></extra>",
            ),
            go.Bar(
                y=entities,
                x=shown["sin_anticipacion"].to_list(),
                name="Sin anticipación (los medios primero)",
                orientation="h",
                marker_color=charts.VENCIDO,
                customdata=hover,
                hovertemplate="%{customdata}<br>sin anticipación: %{x}<extra></extra>",
            ),
        ]
    )
    fig.update_layout(barmode="stack", hovermode="closest")
    fig.update_yaxes(type="category")
    fig.update_xaxes(title="comunicados recibidos en el mes", rangemode="tozero")
    if rows.height > MAX_BARS:
        title += f" (primeras {MAX_BARS} de {rows.height})"
    return charts._style(fig, title, height=max(280, 24 * shown.height + 110))
