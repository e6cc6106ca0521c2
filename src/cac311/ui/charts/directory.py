"""Charts of the Directorio y comunicados page: freshness map and press-release anticipation."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui.charts.style import EN_PLAZO, FUERA_DE_PLAZO, VENCIDO, empty_figure, styled, texts
from cac311.ui.format import fmt_date, fmt_dec
from cac311.ui.safe import SHORT, plotly_text

MAX_BARS = 30


def freshness_heatmap(freshness: pl.DataFrame, states: dict[str, str]) -> go.Figure:
    """Entities × items coloured by freshness state (frame: directory_freshness)."""
    order = ["al_dia", "por_vencer", "vencido", "sin_registro"]
    colour_of = {
        "al_dia": EN_PLAZO,
        "por_vencer": FUERA_DE_PLAZO,
        "vencido": VENCIDO,
        "sin_registro": "#5b5b5b",
    }
    fig = go.Figure()
    for state in order:
        rows = freshness.filter(pl.col("estado") == state)
        fig.add_trace(
            go.Scatter(
                x=texts(rows["item"].to_list()),
                y=texts(rows["entidad_id"].to_list()),
                mode="markers",
                marker={"symbol": "square", "size": 14, "color": colour_of[state]},
                name=plotly_text(states.get(state, state)),
                customdata=[fmt_date(d) for d in rows["ultima_revision"].to_list()],
                hovertemplate="%{y} · %{x}<br>última revisión: %{customdata}<extra></extra>",
            )
        )
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(type="category", side="top")
    fig.update_layout(hovermode="closest")
    return styled(fig, "", height=max(300, 16 * freshness["entidad_id"].n_unique() + 90))


def release_anticipation(rows: pl.DataFrame) -> go.Figure:
    """Per entity, releases the 311 got in advance (green) and without anticipation (red),
    stacked; entities with releases without anticipation come first (frame:
    `cac311.ui.views.directory.release_rows`). The median lead time is in the hover."""
    title = "Comunicados por entidad: con y sin anticipación"
    if rows.is_empty():
        return empty_figure("Sin comunicados recibidos en el mes.", title)
    shown = rows.head(MAX_BARS).reverse()
    entities = texts(shown["entidad_id"].to_list())
    hover = [
        f"{plotly_text(name, limit=SHORT)}<br>mediana de anticipación: {fmt_dec(hours)} h"
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
                marker_color=EN_PLAZO,
                customdata=hover,
                hovertemplate="%{customdata}<br>con anticipación: %{x}<extra></extra>",
            ),
            go.Bar(
                y=entities,
                x=shown["sin_anticipacion"].to_list(),
                name="Sin anticipación (los medios primero)",
                orientation="h",
                marker_color=VENCIDO,
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
    return styled(fig, title, height=max(280, 24 * shown.height + 110))
