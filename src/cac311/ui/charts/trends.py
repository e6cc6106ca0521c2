"""Monthly trend charts: volumes, backlog, índice, cohorts, any KPI split by group (Resumen,
Entidad, Tendencias). Frame in (`monthly_trend` / `trend_table` columns), figure out."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui.charts.style import (
    EN_PLAZO,
    LIMIT_LINE,
    PRIMARY,
    SECONDARY,
    SERIES,
    SHADE,
    VENCIDO,
    empty_figure,
    line,
    mark_partial,
    month_axis,
    partial_months,
    styled,
)
from cac311.ui.format import IMMATURE_MARK, metric_label
from cac311.ui.safe import SHORT, plotly_text
from cac311.ui.views.trends import COHORT_KPI
from metrics.definitions import DAY_METRICS, MISSING_VALUE, PERCENT_METRICS


def volume_trend(trend: pl.DataFrame) -> go.Figure:
    """Recibidos and cerrados per month (frame: monthly_trend, one group)."""
    fig = go.Figure(
        [
            line(trend, "recibidos", metric_label("recibidos"), PRIMARY),
            line(trend, "cerrados", metric_label("cerrados"), EN_PLAZO),
        ]
    )
    month_axis(fig)
    fig.update_yaxes(title="casos", rangemode="tozero")
    mark_partial(fig, partial_months(trend))
    return styled(fig, "Recibidos y cerrados por mes")


def backlog_trend(trend: pl.DataFrame) -> go.Figure:
    """Open cases at each month end, split into within term and overdue (vencidos)."""
    within = (trend["abiertos_fin_mes"] - trend["vencidos_fin_mes"]).to_list()
    months = trend["periodo"].to_list()
    fig = go.Figure(
        [
            go.Bar(x=months, y=within, name="Abiertos en plazo", marker_color=EN_PLAZO),
            go.Bar(
                x=months,
                y=trend["vencidos_fin_mes"].to_list(),
                name=metric_label("vencidos_fin_mes"),
                marker_color=VENCIDO,
            ),
        ]
    )
    fig.update_layout(barmode="stack")
    month_axis(fig)
    fig.update_yaxes(title="casos abiertos a fin de mes")
    mark_partial(fig, partial_months(trend))
    return styled(fig, "Rezago a fin de mes (abiertos y vencidos)")


def index_trend(trend: pl.DataFrame) -> go.Figure:
    """Índice de cumplimiento and % cerrados en plazo per month (0–100)."""
    fig = go.Figure(
        [
            line(trend, "indice_cumplimiento", metric_label("indice_cumplimiento"), PRIMARY),
            line(trend, "pct_cerrados_en_plazo", metric_label("pct_cerrados_en_plazo"), EN_PLAZO),
        ]
    )
    month_axis(fig)
    fig.update_yaxes(title="%", range=[0, 105])
    mark_partial(fig, partial_months(trend))
    return styled(fig, "Índice de cumplimiento por mes")


def split_trend(
    trend: pl.DataFrame, column: str, group_labels: dict[str, str], limit_days: int | None = None
) -> go.Figure:
    """One line per group of a KPI by month (frame: monthly_trend with split_by)."""
    fig = go.Figure()
    groups = (
        trend.group_by("grupo").agg(pl.col("recibidos").sum()).sort("recibidos", descending=True)
    )
    for index, group in enumerate(groups["grupo"].to_list()):
        rows = trend.filter(pl.col("grupo") == group).sort("periodo")
        name = group_labels.get(group, group) if group is not None else MISSING_VALUE
        fig.add_trace(
            line(rows, column, plotly_text(name, limit=SHORT), SERIES[index % len(SERIES)])
        )
    month_axis(fig)
    if limit_days is not None:
        fig.add_hline(
            y=limit_days,
            line={"color": LIMIT_LINE, "dash": "dash", "width": 1.5},
            annotation_text=f"Límite legal: {limit_days} días",
            annotation_position="top left",
        )
    fig.update_yaxes(title=metric_label(column), rangemode="tozero")
    mark_partial(fig, partial_months(trend))
    return styled(fig, f"{metric_label(column)} por mes", height=420)


def cohort_chart(trend: pl.DataFrame) -> go.Figure:
    """Share of each month's cohort closed within the limit; immature months shaded and hollow."""
    ordered = trend.sort("periodo")
    months = ordered["periodo"].to_list()
    immature = [m == "no" for m in ordered["cohorte_madura"].to_list()]
    fig = go.Figure(
        go.Bar(
            x=months,
            y=ordered["cohorte_en_plazo_pct"].to_list(),
            marker={
                "color": ["white" if i else EN_PLAZO for i in immature],
                "line": {"color": EN_PLAZO, "width": 2},
            },
            name=metric_label("cohorte_en_plazo_pct"),
        )
    )
    for month, is_immature in zip(months, immature, strict=True):
        if is_immature:
            fig.add_vrect(
                x0=months.index(month) - 0.5,
                x1=months.index(month) + 0.5,
                fillcolor=SHADE,
                line_width=0,
                layer="below",
            )
    if any(immature):
        first = months[immature.index(True)]
        fig.add_annotation(
            x=first,
            yref="paper",
            y=1.0,
            text=IMMATURE_MARK + " →",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 11, "color": SECONDARY},
        )
    month_axis(fig)
    fig.update_yaxes(title="% de la cohorte cerrada en plazo", range=[0, 105])
    fig.update_layout(showlegend=False)
    return styled(fig, "Cohortes: % de los recibidos de cada mes cerrados en plazo")


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
            fillcolor=SHADE,
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
            font={"size": 11, "color": SECONDARY},
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
    """One line per group of `kpi` by month (split_trend), plus an optional dashed total
    line for context; % figures on a 0–100 axis, the legal limit on day figures, immature
    cohorts shaded when the KPI is the cohort share."""
    if trend.is_empty():
        return empty_figure("Sin datos para estos filtros.", "Tendencia")
    fig = split_trend(
        trend, kpi, group_labels, limit_days=limit_days if kpi in DAY_METRICS else None
    )
    if total is not None and total.height:
        ordered = total.sort("periodo")
        fig.add_trace(
            go.Scatter(
                x=ordered["periodo"].to_list(),
                y=ordered[kpi].to_list(),
                name=plotly_text(total_label),
                mode="lines",
                line={"color": LIMIT_LINE, "width": 2, "dash": "dot"},
            )
        )
    # Up to 11 lines: a vertical legend on the right keeps clear of the title and the marks.
    fig.update_layout(
        legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1.0, "yanchor": "top"}
    )
    if kpi in PERCENT_METRICS:
        fig.update_yaxes(range=[0, 105], rangemode="normal")
    if kpi == COHORT_KPI:
        _shade_immature(fig, trend)
    return fig
