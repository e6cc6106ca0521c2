"""Plotly chart builders: a Polars frame in, a figure out (no Streamlit, testable alone).

One visual style everywhere: the same three colours mean the same thing on every chart
(en plazo, fuera de plazo, vencido), the legal limit is a dashed line wherever days are plotted,
month axes are categories ("2026-10"), a partial month is drawn hollow and labelled, and immature
cohorts are shaded.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from cac311.ui.format import IMMATURE_MARK, PARTIAL_MARK, fmt_date, metric_label
from metrics.funnel import funnel_limits_at

EN_PLAZO = "#1b7f5b"
FUERA_DE_PLAZO = "#e09b16"
VENCIDO = "#c0392b"
PRIMARY = "#1f4e79"
SECONDARY = "#7b8a97"
LIMIT_LINE = "#444444"
SHADE = "rgba(123, 138, 151, 0.15)"
SERIES = (
    "#1f4e79",
    "#e07b39",
    "#3a9d8f",
    "#8e5ea2",
    "#c9a227",
    "#5d7d9a",
    "#b5525c",
    "#6a994e",
    "#9c755f",
    "#4e79a7",
)
LOG_TICKS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
FONT = "Source Sans Pro, Arial, sans-serif"


def _style(fig: go.Figure, title: str, *, height: int = 340) -> go.Figure:
    fig.update_layout(
        # Title on its own line at the top, the legend on the next one (left-aligned), so a
        # long title in a half-width chart never runs under the legend.
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 8},
            "font": {"size": 15},
        },
        template="plotly_white",
        font={"family": FONT, "size": 12},
        height=height,
        margin={"l": 10, "r": 10, "t": 68, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        separators=".,",
        hovermode="x unified",
    )
    return fig


def _month_axis(fig: go.Figure) -> None:
    fig.update_xaxes(type="category", title=None)


def _partial_months(frame: pl.DataFrame) -> list[str]:
    if "parcial" not in frame.columns:
        return []
    return frame.filter(pl.col("parcial"))["periodo"].unique().sort().to_list()


def _mark_partial(fig: go.Figure, months: Sequence[str]) -> None:
    for month in months:
        fig.add_annotation(
            x=month,
            yref="paper",
            y=1.0,
            text=PARTIAL_MARK,
            showarrow=False,
            font={"size": 11, "color": SECONDARY},
            yanchor="bottom",
        )


def _line(frame: pl.DataFrame, column: str, name: str, color: str) -> go.Scatter:
    partial = frame["parcial"].to_list() if "parcial" in frame.columns else [False] * frame.height
    return go.Scatter(
        x=frame["periodo"].to_list(),
        y=frame[column].to_list(),
        name=name,
        mode="lines+markers",
        line={"color": color, "width": 2.5},
        marker={
            "color": ["white" if p else color for p in partial],
            "line": {"color": color, "width": 2},
            "size": [11 if p else 7 for p in partial],
        },
    )


def empty_figure(message: str, title: str = "") -> go.Figure:
    """A blank chart that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": SECONDARY})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, title, height=260)


def volume_trend(trend: pl.DataFrame) -> go.Figure:
    """Recibidos and cerrados per month (frame: monthly_trend, one group)."""
    fig = go.Figure(
        [
            _line(trend, "recibidos", metric_label("recibidos"), PRIMARY),
            _line(trend, "cerrados", metric_label("cerrados"), EN_PLAZO),
        ]
    )
    _month_axis(fig)
    fig.update_yaxes(title="casos", rangemode="tozero")
    _mark_partial(fig, _partial_months(trend))
    return _style(fig, "Recibidos y cerrados por mes")


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
    _month_axis(fig)
    fig.update_yaxes(title="casos abiertos a fin de mes")
    _mark_partial(fig, _partial_months(trend))
    return _style(fig, "Rezago a fin de mes (abiertos y vencidos)")


def index_trend(trend: pl.DataFrame) -> go.Figure:
    """Índice de cumplimiento and % cerrados en plazo per month (0–100)."""
    fig = go.Figure(
        [
            _line(trend, "indice_cumplimiento", metric_label("indice_cumplimiento"), PRIMARY),
            _line(trend, "pct_cerrados_en_plazo", metric_label("pct_cerrados_en_plazo"), EN_PLAZO),
        ]
    )
    _month_axis(fig)
    fig.update_yaxes(title="%", range=[0, 105])
    _mark_partial(fig, _partial_months(trend))
    return _style(fig, "Índice de cumplimiento por mes")


def top_overdue(table: pl.DataFrame, limit: int = 10) -> go.Figure:
    """Horizontal bars of the entities with most vencidos_fin_mes (frame: ranking/monthly)."""
    top = (
        table.filter(pl.col("vencidos_fin_mes") > 0)
        .sort(["vencidos_fin_mes", "entidad_id"], descending=[True, False])
        .head(limit)
        .reverse()
    )
    if top.is_empty():
        return empty_figure("Ninguna entidad con casos vencidos.", "Entidades con más vencidos")
    fig = go.Figure(
        go.Bar(
            x=top["vencidos_fin_mes"].to_list(),
            y=top["entidad_id"].to_list(),
            orientation="h",
            marker_color=VENCIDO,
            text=top["vencidos_fin_mes"].to_list(),
            textposition="outside",
            customdata=top["entidad"].to_list(),
            hovertemplate="%{customdata}<br>%{x} vencidos<extra></extra>",
            name=metric_label("vencidos_fin_mes"),
        )
    )
    fig.update_xaxes(title="casos vencidos a fin de mes")
    fig.update_yaxes(type="category")
    fig.update_layout(hovermode="closest", showlegend=False)
    return _style(fig, "Entidades con más vencidos", height=max(260, 34 * top.height + 80))


def funnel_plot(
    ranking: pl.DataFrame,
    limits: pl.DataFrame,
    national_rate: float,
    highlight: str | None = None,
) -> go.Figure:
    """Índice vs n for every entity with the 95 % limits around the national rate.

    Points above the upper limit are green, below the lower limit red, inside grey-blue: only
    points outside the funnel differ from the national rate by more than chance.
    """
    data = ranking.filter((pl.col("n") > 0) & pl.col("indice_cumplimiento").is_not_null())
    # Each entity is judged against the limits at its own n (the curve's points are sparse
    # above n = 1,000, see metrics.funnel.funnel_n_values).
    own_limits = funnel_limits_at(national_rate, sorted(set(data["n"].to_list())))
    joined = data.join(own_limits, on="n", how="left")
    colours = [
        EN_PLAZO if v > hi else VENCIDO if v < lo else PRIMARY
        for v, lo, hi in zip(
            joined["indice_cumplimiento"].to_list(),
            joined["limite_inferior"].fill_null(0).to_list(),
            joined["limite_superior"].fill_null(100).to_list(),
            strict=True,
        )
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=limits["n"].to_list(),
            y=limits["limite_superior"].to_list(),
            name="Límite 95 %",
            mode="lines",
            line={"color": LIMIT_LINE, "dash": "dash", "width": 1},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=limits["n"].to_list(),
            y=limits["limite_inferior"].to_list(),
            name="Límite 95 % (inferior)",
            mode="lines",
            line={"color": LIMIT_LINE, "dash": "dash", "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_hline(
        y=national_rate,
        line={"color": SECONDARY, "width": 1},
        annotation_text=f"Tasa de referencia {national_rate:.1f} %",
        annotation_position="bottom right",
    )
    fig.add_trace(
        go.Scatter(
            x=joined["n"].to_list(),
            y=joined["indice_cumplimiento"].to_list(),
            mode="markers",
            name="Entidades",
            marker={"color": colours, "size": 9, "line": {"color": "white", "width": 1}},
            customdata=list(
                zip(joined["entidad_id"].to_list(), joined["entidad"].to_list(), strict=True)
            ),
            hovertemplate="%{customdata[0]} — %{customdata[1]}<br>n = %{x}<br>"
            "índice = %{y:.1f} %<extra></extra>",
        )
    )
    if highlight is not None:
        own = joined.filter(pl.col("entidad_id") == highlight)
        if own.height:
            fig.add_trace(
                go.Scatter(
                    x=own["n"].to_list(),
                    y=own["indice_cumplimiento"].to_list(),
                    mode="markers+text",
                    name="Su entidad",
                    text=own["entidad_id"].to_list(),
                    textposition="top center",
                    marker={
                        "color": "rgba(0,0,0,0)",
                        "size": 18,
                        "line": {"color": "#111111", "width": 2.5},
                    },
                    hoverinfo="skip",
                )
            )
    fig.update_xaxes(
        title="n = cerrados + vencidos a fin de mes",
        type="log",
        tickvals=LOG_TICKS,
        ticktext=[f"{t:,}" for t in LOG_TICKS],
        minor={"showgrid": False, "ticks": ""},
    )
    fig.update_yaxes(title="índice de cumplimiento (%)", range=[-2, 104])
    fig.update_layout(hovermode="closest")
    return _style(fig, "Gráfico de embudo: índice frente a volumen", height=420)


def days_histogram(distribution: pl.DataFrame, limit_days: int, mode_label: str) -> go.Figure:
    """Closed cases per day count, en plazo (≤ L) vs fuera de plazo, with the L-day line."""
    if distribution.is_empty() or distribution["casos"].sum() == 0:
        return empty_figure("Sin casos cerrados en el mes.", "Distribución de días hasta el cierre")
    within = distribution.filter(pl.col("dias") <= limit_days)
    late = distribution.filter(pl.col("dias") > limit_days)
    fig = go.Figure(
        [
            go.Bar(
                x=within["dias"].to_list(),
                y=within["casos"].to_list(),
                name="En plazo",
                marker_color=EN_PLAZO,
            ),
            go.Bar(
                x=late["dias"].to_list(),
                y=late["casos"].to_list(),
                name="Fuera de plazo",
                marker_color=FUERA_DE_PLAZO,
            ),
        ]
    )
    add_limit_line(fig, limit_days + 0.5, f"{limit_days} días")
    fig.update_layout(barmode="overlay", bargap=0.05, hovermode="closest")
    fig.update_xaxes(title=mode_label)
    fig.update_yaxes(title="casos cerrados")
    return _style(fig, "Distribución de días hasta el cierre")


def add_limit_line(fig: go.Figure, x: float, text: str) -> None:
    """The legal limit as a dashed vertical line (used wherever days are plotted)."""
    fig.add_vline(
        x=x,
        line={"color": LIMIT_LINE, "dash": "dash", "width": 1.5},
        annotation_text=f"Límite legal: {text}",
        annotation_position="top right",
    )


def aging_bars(buckets: pl.DataFrame, limit_days: int) -> go.Figure:
    """Open cases per aging bucket; the buckets above L are vencidos (red)."""
    ordered = buckets.sort("orden")
    fig = go.Figure(
        go.Bar(
            x=ordered["tramo"].to_list(),
            y=ordered["casos"].to_list(),
            marker_color=[VENCIDO if v else EN_PLAZO for v in ordered["vencido"].to_list()],
            text=ordered["casos"].to_list(),
            textposition="outside",
            name="Casos abiertos",
        )
    )
    within = ordered.filter(~pl.col("vencido")).height
    fig.add_vline(
        x=within - 0.5,
        line={"color": LIMIT_LINE, "dash": "dash", "width": 1.5},
        annotation_text=f"Límite legal: {limit_days} días",
        annotation_position="top left",
    )
    fig.update_xaxes(type="category", title="edad (días)")
    fig.update_yaxes(title="casos abiertos")
    fig.update_layout(showlegend=False, hovermode="closest")
    return _style(fig, "Casos abiertos por antigüedad")


def breakdown_bars(frame: pl.DataFrame, group_label: str, labels: dict[str, str]) -> go.Figure:
    """Per group: cerrados en plazo, cerrados fuera de plazo and vencidos (stacked)."""
    if frame.is_empty():
        return empty_figure("Sin casos para este desglose.", f"Por {group_label}")
    ordered = frame.sort("cerrados", descending=True).head(15).reverse()
    names = [labels.get(g, g) if g is not None else "(sin dato)" for g in ordered["grupo"]]
    late = (ordered["cerrados"] - ordered["cerrados_en_plazo"]).to_list()
    fig = go.Figure(
        [
            go.Bar(
                y=names,
                x=ordered["cerrados_en_plazo"].to_list(),
                name="Cerrados en plazo",
                orientation="h",
                marker_color=EN_PLAZO,
            ),
            go.Bar(
                y=names,
                x=late,
                name="Cerrados fuera de plazo",
                orientation="h",
                marker_color=FUERA_DE_PLAZO,
            ),
            go.Bar(
                y=names,
                x=ordered["vencidos_fin_mes"].to_list(),
                name="Vencidos a fin de mes",
                orientation="h",
                marker_color=VENCIDO,
            ),
        ]
    )
    fig.update_layout(barmode="stack", hovermode="y unified")
    fig.update_yaxes(type="category")
    fig.update_xaxes(title="casos")
    return _style(fig, f"Por {group_label}", height=max(280, 28 * ordered.height + 110))


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
        name = group_labels.get(group, group) if group is not None else "(sin dato)"
        fig.add_trace(_line(rows, column, name, SERIES[index % len(SERIES)]))
    _month_axis(fig)
    if limit_days is not None:
        fig.add_hline(
            y=limit_days,
            line={"color": LIMIT_LINE, "dash": "dash", "width": 1.5},
            annotation_text=f"Límite legal: {limit_days} días",
            annotation_position="top left",
        )
    fig.update_yaxes(title=metric_label(column), rangemode="tozero")
    _mark_partial(fig, _partial_months(trend))
    return _style(fig, f"{metric_label(column)} por mes", height=420)


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
    _month_axis(fig)
    fig.update_yaxes(title="% de la cohorte cerrada en plazo", range=[0, 105])
    fig.update_layout(showlegend=False)
    return _style(fig, "Cohortes: % de los recibidos de cada mes cerrados en plazo")


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
                x=rows["item"].to_list(),
                y=rows["entidad_id"].to_list(),
                mode="markers",
                marker={"symbol": "square", "size": 14, "color": colour_of[state]},
                name=states.get(state, state),
                customdata=[fmt_date(d) for d in rows["ultima_revision"].to_list()],
                hovertemplate="%{y} · %{x}<br>última revisión: %{customdata}<extra></extra>",
            )
        )
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(type="category", side="top")
    fig.update_layout(hovermode="closest")
    return _style(fig, "", height=max(300, 16 * freshness["entidad_id"].n_unique() + 90))
