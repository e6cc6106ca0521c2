"""Chart builders of the Tendencias page (frame in, figure out; style from `charts`)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui import charts
from cac311.ui.format import IMMATURE_MARK
from metrics.trend_views import COHORT_KPI, DAY_KPIS, PERCENT_KPIS


def _shade_immature(fig: go.Figure, frame: pl.DataFrame) -> None:
    """Shade the months whose cohort is immature (`cohorte_madura` = "no")."""
    months = frame.select("periodo", "cohorte_madura").unique().sort("periodo")
    periods = sorted(set(frame["periodo"].to_list()))
    immature = months.filter(pl.col("cohorte_madura") == "no")["periodo"].to_list()
    for month in immature:
        position = periods.index(month)
        fig.add_vrect(
            x0=position - 0.5,
            x1=position + 0.5,
            fillcolor=charts.SHADE,
            line_width=0,
            layer="below",
        )
    if immature:
        fig.add_annotation(
            x=immature[0],
            yref="paper",
            y=0.0,
            text=IMMATURE_MARK + " →",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 11, "color": charts.SECONDARY},
        )


def kpi_trend(
    trend: pl.DataFrame,
    kpi: str,
    group_labels: dict[str, str],
    *,
    total: pl.DataFrame | None = None,
    total_label: str = "Total",
    limit_days: int | None = None,
) -> go.Figure:
    """One line per group of `kpi` by month (charts.split_trend), plus an optional dashed total
    line for context; % figures on a 0–100 axis, the legal limit on day figures, immature
    cohorts shaded when the KPI is the cohort share."""
    if trend.is_empty():
        return charts.empty_figure("Sin datos para estos filtros.", "Tendencia")
    fig = charts.split_trend(
        trend, kpi, group_labels, limit_days=limit_days if kpi in DAY_KPIS else None
    )
    if total is not None and total.height:
        ordered = total.sort("periodo")
        fig.add_trace(
            go.Scatter(
                x=ordered["periodo"].to_list(),
                y=ordered[kpi].to_list(),
                name=total_label,
                mode="lines",
                line={"color": charts.LIMIT_LINE, "width": 2, "dash": "dot"},
            )
        )
    # Up to 11 lines: a vertical legend on the right keeps clear of the title and the marks.
    fig.update_layout(
        legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1.0, "yanchor": "top"}
    )
    if kpi in PERCENT_KPIS:
        fig.update_yaxes(range=[0, 105], rangemode="normal")
    if kpi == COHORT_KPI:
        _shade_immature(fig, trend)
    return fig
