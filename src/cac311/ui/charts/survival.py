"""The Kaplan–Meier curve of one entity: share of the cohort closed by day t, with the L line."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui.charts.style import PRIMARY, SECONDARY, add_limit_line, empty_figure, styled

TITLE = "Casos cerrados según días transcurridos (incluye abiertos)"


def survival_chart(
    curve: pl.DataFrame, limit_days: int, mode_label: str, median: float | None
) -> go.Figure:
    """Estimated % of the cohort closed within t days (a step line starting at 0 % on day 0),
    the legal limit as a dashed line and, when estimated, the median as a dotted 50 % guide.

    `curve`: `metrics.survival.CURVE_SCHEMA`; `median`: `km_mediana_dias` (None when not
    estimated)."""
    if curve.is_empty():
        return empty_figure("Sin casos recibidos en la ventana de la cohorte.", TITLE)
    rows = curve.select("dias", "pct_cerrados", "en_riesgo").rows()
    if rows[0][0] > 0:  # nobody closed before the first observed time: 0 % from day 0
        rows = [(0, 0.0, rows[0][2]), *rows]
    days, closed, at_risk = (list(column) for column in zip(*rows, strict=True))
    fig = go.Figure(
        go.Scatter(
            x=days,
            y=closed,
            mode="lines",
            line={"shape": "hv", "color": PRIMARY, "width": 2.5},
            name="Cerrados (estimado)",
            customdata=at_risk,
            hovertemplate="%{x} días: %{y:.1f} % cerrados<br>en riesgo: %{customdata}"
            "<extra></extra>",
        )
    )
    add_limit_line(fig, limit_days, f"{limit_days} días")
    if median is not None:
        fig.add_hline(y=50, line={"color": SECONDARY, "dash": "dot", "width": 1})
        fig.add_vline(
            x=median,
            line={"color": SECONDARY, "dash": "dot", "width": 1},
            annotation_text=f"Mediana: {median:.1f} días",
            annotation_position="bottom right",
        )
    fig.update_xaxes(title=mode_label, rangemode="tozero")
    fig.update_yaxes(title="% de la cohorte cerrado", range=[0, 102], ticksuffix=" %")
    fig.update_layout(showlegend=False, hovermode="closest")
    return styled(fig, TITLE)
