"""The control chart of one entity's índice (Entidad page; docs/metrics.md §16).

Frame in: `cac311.ui.views.early_warning.chart_frame` (percentages, one row per month); figure
out. The limits move with each month's n and baseline, so they are drawn as steps per month;
a month not evaluated has no limits. Months en deterioro are red, signals are larger.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui.charts.style import (
    LIMIT_LINE,
    PRIMARY,
    SECONDARY,
    VENCIDO,
    empty_figure,
    month_axis,
    styled,
)
from metrics.early_warning import EN_DETERIORO

TITLE = "Gráfico de control del índice de cumplimiento"


def _limit(frame: pl.DataFrame, column: str, name: str, dash: str, color: str) -> go.Scatter:
    return go.Scatter(
        x=frame["periodo"].to_list(),
        y=frame[column].to_list(),
        name=name,
        mode="lines",
        line={"color": color, "width": 1.5, "dash": dash, "shape": "hvh"},
        connectgaps=False,
        hovertemplate="%{x}: %{y:.1f} %<extra>" + name + "</extra>",
    )


def control_chart(frame: pl.DataFrame) -> go.Figure:
    """The índice per month with the baseline p̄ and the 2σ/3σ limits (Laney p′ when the
    baseline is overdispersed); red markers on the months en deterioro."""
    if frame.is_empty() or frame["indice_cumplimiento"].is_null().all():
        return empty_figure("Sin casos evaluados en los meses del gráfico.", TITLE)
    alert = [state == EN_DETERIORO for state in frame["estado_alerta"].to_list()]
    signal = frame["senal"].to_list()
    fig = go.Figure(
        [
            _limit(frame, "lsc_3s_pct", "Límite superior 3σ", "dot", SECONDARY),
            _limit(frame, "linea_base_pct", "Línea base (12 meses)", "dash", LIMIT_LINE),
            _limit(frame, "lic_2s_pct", "Límite inferior 2σ", "dot", VENCIDO),
            _limit(frame, "lic_3s_pct", "Límite inferior 3σ", "solid", VENCIDO),
            go.Scatter(
                x=frame["periodo"].to_list(),
                y=frame["indice_cumplimiento"].to_list(),
                name="Índice de cumplimiento",
                mode="lines+markers",
                line={"color": PRIMARY, "width": 2.5},
                marker={
                    "color": [VENCIDO if a else PRIMARY for a in alert],
                    "size": [13 if s else 8 for s in signal],
                    "symbol": ["diamond" if s else "circle" for s in signal],
                },
                customdata=frame["n"].to_list(),
                hovertemplate="%{x}: %{y:.1f} % (n = %{customdata})<extra></extra>",
            ),
        ]
    )
    month_axis(fig)
    fig.update_yaxes(title="%", range=[0, 105])
    return styled(fig, TITLE, height=380)
