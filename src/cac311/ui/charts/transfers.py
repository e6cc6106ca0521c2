"""Charts of the Traslados page: the origin × destination heatmap and the per-entity bars."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui.charts.style import (
    FUERA_DE_PLAZO,
    PRIMARY,
    VENCIDO,
    category_ticks,
    empty_figure,
    styled,
    texts,
)
from cac311.ui.format import metric_label
from cac311.ui.views.transfers import MatrixGrid

MATRIX_TITLE = "Traslados del mes: origen (filas) × destino (columnas)"
BREACH_TITLE = "Vencidos tras recibir el caso por traslado"


def matrix_heatmap(grid: MatrixGrid) -> go.Figure:
    """The top-N matrix as a heatmap (empty cells white, counts written in each cell)."""
    if not grid.labels:
        return empty_figure("No hubo traslados en el mes con los filtros aplicados.", MATRIX_TITLE)
    labels = texts(grid.labels)
    z = [[value if value else None for value in row] for row in grid.cells]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            colorscale=[[0.0, "#dbe7f3"], [1.0, PRIMARY]],
            text=[[f"{v:,}" if v else "" for v in row] for row in grid.cells],
            texttemplate="%{text}",
            hovertemplate="De %{y} a %{x}: %{z:,} traslados<extra></extra>",
            colorbar={"title": {"text": "Traslados"}},
            xgap=1,
            ygap=1,
        )
    )
    category_ticks(fig, "x", grid.labels)
    category_ticks(fig, "y", grid.labels)
    fig.update_yaxes(autorange="reversed", title="Origen", type="category")
    fig.update_xaxes(title="Destino", type="category", side="top")
    fig.update_layout(hovermode="closest")
    size = len(grid.labels)
    return styled(fig, MATRIX_TITLE, height=max(320, 34 * size + 160))


def breach_bars(figures: pl.DataFrame, limit: int = 15) -> go.Figure:
    """Per entity, breaches after a transfer in: inherited (fewer than K days left) and the rest,
    stacked; the entities with most first."""
    shown = (
        figures.filter(pl.col("vencidos_recibidos_traslado") > 0)
        .sort(
            ["vencidos_recibidos_traslado", "vencidos_heredados", "entidad_id"],
            descending=[True, True, False],
        )
        .head(limit)
        .reverse()
    )
    if shown.is_empty():
        return empty_figure(
            "Ningún caso venció en el mes tras recibirse por traslado.", BREACH_TITLE
        )
    ids = texts(shown["entidad_id"].to_list())
    inherited = shown["vencidos_heredados"].to_list()
    rest = (shown["vencidos_recibidos_traslado"] - shown["vencidos_heredados"]).to_list()
    fig = go.Figure(
        [
            go.Bar(
                x=inherited,
                y=ids,
                orientation="h",
                name=metric_label("vencidos_heredados"),
                marker_color=VENCIDO,
                hovertemplate="%{y}: %{x:,} heredados<extra></extra>",
            ),
            go.Bar(
                x=rest,
                y=ids,
                orientation="h",
                name="Otros vencidos tras traslado",
                marker_color=FUERA_DE_PLAZO,
                hovertemplate="%{y}: %{x:,} con más días restantes<extra></extra>",
            ),
        ]
    )
    category_ticks(fig, "y", shown["entidad_id"].to_list())
    fig.update_layout(barmode="stack", hovermode="closest")
    fig.update_xaxes(title="Casos vencidos en el mes", rangemode="tozero")
    fig.update_yaxes(type="category")
    return styled(fig, BREACH_TITLE, height=max(260, 30 * shown.height + 110))
