"""Plotly builders of the Entidad page that charts.py does not have (same style and colours)."""

from __future__ import annotations

import plotly.graph_objects as go

from cac311.ui.charts import EN_PLAZO, FUERA_DE_PLAZO, PRIMARY, _style, empty_figure
from cac311.ui.format import fmt_int, fmt_pct


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
    return _style(fig, title, height=220)
