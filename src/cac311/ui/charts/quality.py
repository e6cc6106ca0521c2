"""Charts of the Calidad de datos page: same-minute closures and quarantine reasons."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui.charts.style import (
    FUERA_DE_PLAZO,
    PRIMARY,
    category_ticks,
    empty_figure,
    room_for_labels,
    styled,
    texts,
)
from cac311.ui.format import metric_label
from cac311.ui.safe import SHORT

SAME_MINUTE_TITLE = "Cierres en el mismo minuto de la apertura"
QUARANTINE_TITLE = "Filas en cuarentena por motivo"


def same_minute_bars(frame: pl.DataFrame, limit: int = 20) -> go.Figure:
    """Per entity, % of its closures in M made less than 60 s after creation (frame:
    `same_minute_closures`); the entities with the highest share first, those with none left out.
    """
    shown = (
        frame.filter(pl.col("mismo_minuto") > 0)
        .sort(["pct_mismo_minuto", "entidad_id"], descending=[True, False])
        .head(limit)
        .reverse()
    )
    if shown.is_empty():
        return empty_figure("Ningún caso se cerró en el mismo minuto de su apertura.", "")
    fig = go.Figure(
        go.Bar(
            x=shown["pct_mismo_minuto"].to_list(),
            y=texts(shown["entidad_id"].to_list()),
            orientation="h",
            marker_color=FUERA_DE_PLAZO,
            text=[f"{v:,.1f} %" for v in shown["pct_mismo_minuto"].to_list()],
            textposition="outside",
            customdata=list(
                zip(
                    texts(shown["entidad"].to_list(), limit=SHORT),
                    shown["mismo_minuto"].to_list(),
                    shown["cerrados"].to_list(),
                    strict=True,
                )
            ),
            hovertemplate="%{customdata[0]}<br>%{customdata[1]:,} de %{customdata[2]:,} "
            "cerrados (%{x:.1f} %)<extra></extra>",
            name=metric_label("pct_mismo_minuto"),
        )
    )
    fig.update_xaxes(title="% de los cerrados en el mes", rangemode="tozero")
    room_for_labels(fig, shown["pct_mismo_minuto"].to_list())
    fig.update_yaxes(type="category")
    fig.update_layout(hovermode="closest", showlegend=False)
    return styled(fig, SAME_MINUTE_TITLE, height=max(260, 30 * shown.height + 90))


def quarantine_bars(reasons: pl.DataFrame) -> go.Figure:
    """Quarantined rows per reason (frame: `reason_table`: reason, motivo, filas)."""
    if reasons.is_empty():
        return empty_figure("No hay filas en cuarentena.", QUARANTINE_TITLE)
    ordered = reasons.sort(["filas", "reason"], descending=[False, True])
    fig = go.Figure(
        go.Bar(
            x=ordered["filas"].to_list(),
            y=texts(ordered["motivo"].to_list()),
            orientation="h",
            marker_color=PRIMARY,
            text=[f"{v:,}" for v in ordered["filas"].to_list()],
            textposition="outside",
            customdata=texts(ordered["reason"].to_list()),
            hovertemplate="%{y} [%{customdata}]<br>%{x:,} filas<extra></extra>",
        )
    )
    fig.update_xaxes(title="filas", rangemode="tozero")
    room_for_labels(fig, ordered["filas"].to_list())
    fig.update_yaxes(type="category", automargin=True)
    category_ticks(fig, "y", ordered["motivo"].to_list())
    fig.update_layout(hovermode="closest", showlegend=False)
    return styled(fig, QUARANTINE_TITLE, height=max(240, 32 * ordered.height + 90))
