"""Charts of the ranking: the entities with most vencidos and the funnel plot."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui.charts.style import (
    EN_PLAZO,
    LIMIT_LINE,
    PRIMARY,
    SECONDARY,
    VENCIDO,
    empty_figure,
    room_for_labels,
    styled,
    texts,
)
from cac311.ui.format import metric_label
from cac311.ui.safe import SHORT
from metrics.funnel import funnel_limits_at

LOG_TICKS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000)


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
            y=texts(top["entidad_id"].to_list()),
            orientation="h",
            marker_color=VENCIDO,
            text=top["vencidos_fin_mes"].to_list(),
            textposition="outside",
            customdata=texts(top["entidad"].to_list(), limit=SHORT),
            hovertemplate="%{customdata}<br>%{x} vencidos<extra></extra>",
            name=metric_label("vencidos_fin_mes"),
        )
    )
    fig.update_xaxes(title="casos vencidos a fin de mes")
    room_for_labels(fig, top["vencidos_fin_mes"].to_list())
    fig.update_yaxes(type="category")
    fig.update_layout(hovermode="closest", showlegend=False)
    return styled(fig, "Entidades con más vencidos", height=max(260, 34 * top.height + 80))


def _judged(ranking: pl.DataFrame, national_rate: float) -> tuple[pl.DataFrame, list[str]]:
    """The entities with an índice, each with the colour of its place against the limits at its
    own n (the curve's points are sparse above n = 1,000, see metrics.funnel.funnel_n_values)."""
    data = ranking.filter((pl.col("n") > 0) & pl.col("indice_cumplimiento").is_not_null())
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
    return joined, colours


def _limit_lines(limits: pl.DataFrame) -> list[go.Scatter]:
    """The upper and lower 95 % limits as dashed lines (one legend entry)."""
    return [
        go.Scatter(
            x=limits["n"].to_list(),
            y=limits[column].to_list(),
            name=name,
            mode="lines",
            line={"color": LIMIT_LINE, "dash": "dash", "width": 1},
            hoverinfo="skip",
            showlegend=column == "limite_superior",
        )
        for column, name in (
            ("limite_superior", "Límite 95 %"),
            ("limite_inferior", "Límite 95 % (inferior)"),
        )
    ]


def _own_ring(joined: pl.DataFrame, highlight: str) -> go.Scatter | None:
    """A ring with its code around the signed-in enlace's entity (None when not plotted)."""
    own = joined.filter(pl.col("entidad_id") == highlight)
    if own.is_empty():
        return None
    return go.Scatter(
        x=own["n"].to_list(),
        y=own["indice_cumplimiento"].to_list(),
        mode="markers+text",
        name="Su entidad",
        text=texts(own["entidad_id"].to_list()),
        textposition="top center",
        marker={"color": "rgba(0,0,0,0)", "size": 18, "line": {"color": "#111111", "width": 2.5}},
        hoverinfo="skip",
    )


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
    joined, colours = _judged(ranking, national_rate)
    fig = go.Figure(_limit_lines(limits))
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
                zip(
                    texts(joined["entidad_id"].to_list()),
                    texts(joined["entidad"].to_list(), limit=SHORT),
                    strict=True,
                )
            ),
            hovertemplate="%{customdata[0]} — %{customdata[1]}<br>n = %{x}<br>"
            "índice = %{y:.1f} %<extra></extra>",
        )
    )
    ring = _own_ring(joined, highlight) if highlight is not None else None
    if ring is not None:
        fig.add_trace(ring)
    fig.update_xaxes(
        title="n = cerrados + vencidos a fin de mes",
        type="log",
        tickvals=LOG_TICKS,
        ticktext=[f"{t:,}" for t in LOG_TICKS],
        minor={"showgrid": False, "ticks": ""},
    )
    fig.update_yaxes(title="índice de cumplimiento (%)", range=[-2, 104])
    fig.update_layout(hovermode="closest")
    return styled(fig, "Gráfico de embudo: índice frente a volumen", height=420)
