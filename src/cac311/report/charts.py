"""The report's one chart: 13 months of received/closed cases, overdue at month end, and the
compliance index — a Plotly figure from plain `TrendPoint`s (no Streamlit, no frames).

Drawn for print: fixed size, DejaVu Sans (the PDF's font), the dashboard's colours, month axis as
categories, a partial month labelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import plotly.graph_objects as go

from cac311.report.model import TrendPoint
from cac311.ui.charts.style import EN_PLAZO, PRIMARY, SECONDARY, VENCIDO

WIDTH: Final = 700
HEIGHT: Final = 250
FONT: Final = "DejaVu Sans"


def trend_chart(points: Sequence[TrendPoint]) -> go.Figure:
    """Bars of recibidos and cerrados, a line of vencidos (left axis, cases) and the índice de
    cumplimiento (right axis, %), one category per month."""
    months = [p.periodo + (" (parcial)" if p.parcial else "") for p in points]
    fig = go.Figure()
    fig.add_bar(name="Recibidos", x=months, y=[p.recibidos for p in points], marker_color=SECONDARY)
    fig.add_bar(name="Cerrados", x=months, y=[p.cerrados for p in points], marker_color=PRIMARY)
    fig.add_scatter(
        name="Vencidos al cierre",
        x=months,
        y=[p.vencidos_fin_mes for p in points],
        mode="lines+markers",
        line={"color": VENCIDO, "width": 2},
        marker={"size": 4},
    )
    fig.add_scatter(
        name="Índice de cumplimiento (%)",
        x=months,
        y=[p.indice_cumplimiento for p in points],
        mode="lines+markers",
        yaxis="y2",
        line={"color": EN_PLAZO, "width": 2, "dash": "dot"},
        marker={"size": 4},
        connectgaps=False,
    )
    fig.update_layout(
        width=WIDTH,
        height=HEIGHT,
        template="plotly_white",
        font={"family": FONT, "size": 9, "color": "#333333"},
        margin={"l": 45, "r": 45, "t": 8, "b": 30},
        barmode="group",
        bargap=0.25,
        separators=".,",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 8}},
        xaxis={"type": "category", "tickfont": {"size": 8}},
        yaxis={"title": {"text": "casos"}, "rangemode": "tozero", "tickformat": ",d"},
        yaxis2={
            "title": {"text": "índice %"},
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            "tickvals": [0, 25, 50, 75, 100],
            "showgrid": False,
        },
    )
    return fig
