"""The one visual style of every chart: a Plotly template registered once, and shared helpers.

The same three colours mean the same thing on every chart (en plazo, fuera de plazo, vencido),
the legal limit is a dashed line wherever days are plotted, month axes are categories
("2026-10"), a partial month is drawn hollow and labelled, and immature cohorts are shaded.
Importing this module registers the template `tablero311` and makes it Plotly's default, so a
builder only sets what is its own (title, height, axes).

Every string of a figure that comes from data (entity ids and names, categories, channels,
reasons) goes through `texts` / `cac311.ui.safe.plotly_text`: Plotly renders a subset of HTML
(`<b>`, `<a href>`, `<br>`, `<span style>`) in names, categories, tick labels and hover text.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from cac311.ui.format import PARTIAL_MARK
from cac311.ui.safe import SHORT, plotly_text

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
FONT = "Source Sans Pro, DejaVu Sans, Arial, sans-serif"
TEMPLATE = "tablero311"

pio.templates[TEMPLATE] = go.layout.Template(
    layout={
        # Title on its own line at the top, the legend on the next one (left-aligned), so a
        # long title in a half-width chart never runs under the legend.
        "title": {
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 8},
            "font": {"size": 15},
        },
        "font": {"family": FONT, "size": 12},
        "colorway": list(SERIES),
        "margin": {"l": 10, "r": 10, "t": 68, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        "separators": ".,",
        "hovermode": "x unified",
    }
)
pio.templates.default = f"plotly_white+{TEMPLATE}"


def texts(values: Sequence[object], *, limit: int | None = None) -> list[str]:
    """Data values as Plotly text (escaped; cut to `limit` characters when given)."""
    return [plotly_text(value, limit=limit) for value in values]


def category_ticks(fig: go.Figure, axis: str, values: Sequence[object]) -> None:
    """The ticks of a data category axis whose trace uses `texts(values)`: cut to SHORT
    characters, so a 200-character category cannot squeeze the plot, while the hover keeps the
    whole text and two long values that start alike stay two categories."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(tickmode="array", tickvals=texts(values), ticktext=texts(values, limit=SHORT))


def room_for_labels(fig: go.Figure, values: Sequence[float], *, axis: str = "x") -> None:
    """Widen the value axis so bar labels drawn `outside` the longest bar are not cut off at the
    plot's edge (Plotly's autorange leaves them no room)."""
    top = max((float(v) for v in values), default=0.0)
    if top > 0:
        fig.update_layout({f"{axis}axis": {"range": [0, top * 1.15]}})


def styled(fig: go.Figure, title: str, *, height: int = 340) -> go.Figure:
    """`fig` with its title and height (everything else comes from the template)."""
    fig.update_layout(title={"text": title}, height=height)
    return fig


def month_axis(fig: go.Figure) -> None:
    fig.update_xaxes(type="category", title=None)


def partial_months(frame: pl.DataFrame) -> list[str]:
    if "parcial" not in frame.columns:
        return []
    return frame.filter(pl.col("parcial"))["periodo"].unique().sort().to_list()


def mark_partial(fig: go.Figure, months: Sequence[str]) -> None:
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


def line(frame: pl.DataFrame, column: str, name: str, color: str) -> go.Scatter:
    """A monthly line; the partial month's marker is hollow and larger."""
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
    return styled(fig, title, height=260)


def add_limit_line(fig: go.Figure, x: float, text: str) -> None:
    """The legal limit as a dashed vertical line (used wherever days are plotted)."""
    fig.add_vline(
        x=x,
        line={"color": LIMIT_LINE, "dash": "dash", "width": 1.5},
        annotation_text=f"Límite legal: {text}",
        annotation_position="top right",
    )
