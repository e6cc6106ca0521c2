"""Charts of one entity's month: distribution of days, aging, breakdowns, the two clocks."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from cac311.ui.charts.style import (
    EN_PLAZO,
    FUERA_DE_PLAZO,
    LIMIT_LINE,
    PRIMARY,
    VENCIDO,
    add_limit_line,
    category_ticks,
    empty_figure,
    room_for_labels,
    styled,
    texts,
)
from cac311.ui.format import fmt_int, fmt_pct
from metrics.definitions import MISSING_VALUE


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
    return styled(fig, "Distribución de días hasta el cierre")


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
    room_for_labels(fig, ordered["casos"].to_list(), axis="y")
    fig.update_layout(showlegend=False, hovermode="closest")
    return styled(fig, "Casos abiertos por antigüedad")


def breakdown_bars(frame: pl.DataFrame, group_label: str, labels: dict[str, str]) -> go.Figure:
    """Per group: cerrados en plazo, cerrados fuera de plazo and vencidos (stacked)."""
    if frame.is_empty():
        return empty_figure("Sin casos para este desglose.", f"Por {group_label}")
    ordered = frame.sort("cerrados", descending=True).head(15).reverse()
    raw_names = [labels.get(g, g) if g is not None else MISSING_VALUE for g in ordered["grupo"]]
    names = texts(raw_names)
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
    category_ticks(fig, "y", raw_names)
    fig.update_xaxes(title="casos")
    return styled(fig, f"Por {group_label}", height=max(280, 28 * ordered.height + 110))


def clock_comparison(
    legal_pct: float | None,
    legal_cases: int,
    sla_pct: float | None,
    sla_cases: int,
    limit_days: int,
) -> go.Figure:
    """The two clocks side by side, never mixed: % closed within the legal limit (over every
    case closed in the month) and % closed within the case's own service SLA (over the cases
    closed in the month that carry an SLA). Each bar is the share met (green) and missed (amber).
    """
    title = "Reloj legal y reloj de servicio (cerrados en el mes)"
    bars = [
        (f"Plazo legal ({limit_days} días)", legal_pct, legal_cases),
        ("SLA de servicio", sla_pct, sla_cases),
    ]
    shown = [(name, pct, cases) for name, pct, cases in bars if pct is not None and cases > 0]
    if not shown:
        return empty_figure("Sin casos cerrados en el mes.", title)
    names = [name for name, _, _ in shown]
    met = [float(pct) for _, pct, _ in shown if pct is not None]
    missed = [100.0 - value for value in met]
    cases = [cases for _, _, cases in shown]
    fig = go.Figure(
        [
            go.Bar(
                y=names,
                x=met,
                orientation="h",
                name="Cumplido",
                marker_color=EN_PLAZO,
                text=[fmt_pct(v) for v in met],
                textposition="inside",
                customdata=[fmt_int(c) for c in cases],
                hovertemplate="%{y}: %{x:.1f} % de %{customdata} casos<extra></extra>",
            ),
            go.Bar(
                y=names,
                x=missed,
                orientation="h",
                name="No cumplido",
                marker_color=FUERA_DE_PLAZO,
                hoverinfo="skip",
            ),
        ]
    )
    fig.update_layout(barmode="stack", hovermode="closest")
    fig.update_xaxes(title="% de los casos cerrados", range=[0, 100])
    fig.update_yaxes(type="category", autorange="reversed", tickfont={"color": PRIMARY})
    return styled(fig, title, height=220)
