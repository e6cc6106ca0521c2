"""View-model of the Entidad page (pure: no Streamlit, no I/O): which entity to show by default,
whether it has any data in the window, the case lists narrowed to the sidebar filters, and the
figures of its SLA section.

Inputs are the `cac311.analytics` frames (`monthly_table`, `monthly_trend`, `trend_and_deltas`,
`open_cases`, `sla_clock`); nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from metrics.definitions import TOTAL_ID
from metrics.period import Month


def most_overdue_entity(table: pl.DataFrame) -> str | None:
    """The entity with most vencidos_fin_mes in a per-entity frame (ties: smaller entidad_id);
    None when no entity has vencidos. Rows with entidad_id TOTAL are ignored."""
    rows = table.filter(
        (pl.col("entidad_id") != TOTAL_ID) & (pl.col("vencidos_fin_mes").fill_null(0) > 0)
    ).sort(["vencidos_fin_mes", "entidad_id"], descending=[True, False])
    return None if rows.is_empty() else str(rows["entidad_id"][0])


def entity_options(
    entities: Sequence[tuple[str, str, str]], sectors: Sequence[str], own_entity: str | None
) -> list[str]:
    """The Entidad page's choices: the (code, name, sector) entities of the sidebar sector
    filter (all when no sector is chosen or none matches), the enlace's own entity always
    included (first when the sector filter left it out)."""
    options = [code for code, _name, sector in entities if sector in sectors]
    if not options:
        options = [code for code, _name, _sector in entities]
    if own_entity is not None and own_entity not in options:
        options.insert(0, own_entity)
    return options


def default_entity(
    options: list[str],
    own_entity: str | None,
    filtered_entities: tuple[str, ...],
    most_overdue: str | None,
) -> str:
    """The Entidad page's default choice: the enlace's own entity, else the first entity of
    the sidebar entity filter, else the entity with most vencidos, else the first option."""
    for candidate in (own_entity, *filtered_entities, most_overdue):
        if candidate is not None and candidate in options:
            return candidate
    if not options:
        raise ValueError("no entity to choose from")
    return options[0]


@dataclass(frozen=True)
class ActivitySpan:
    """Whether an entity shows any activity in a trend window and in its last month."""

    any_activity: bool  # any case received, closed or open at a month end in the window
    month_activity: bool  # the same, in the last month of the window
    first_month: str | None  # first month of the window with activity ("YYYY-MM")


def activity_span(trend: pl.DataFrame, month: Month) -> ActivitySpan:
    """Read a monthly_trend frame (one group) for the Entidad page's empty states."""
    active = trend.filter(
        (pl.col("recibidos") > 0) | (pl.col("cerrados") > 0) | (pl.col("abiertos_fin_mes") > 0)
    )
    months = sorted(str(m) for m in active["periodo"].to_list())
    return ActivitySpan(
        any_activity=bool(months),
        month_activity=str(month) in months,
        first_month=months[0] if months else None,
    )


def trim_before(trend: pl.DataFrame, first_month: Month | None) -> pl.DataFrame:
    """Drop the trend months before the first month with data: no data is not zero.

    None keeps every row."""
    if first_month is None:
        return trend
    return trend.filter(pl.col("periodo") >= str(first_month))


def filter_case_list(
    cases: pl.DataFrame,
    case_types: Sequence[str] = (),
    channels: Sequence[str] = (),
    provinces: Sequence[str] = (),
) -> pl.DataFrame:
    """An open-case list (`metrics.aging.OPEN_CASES_SCHEMA`) narrowed to the sidebar's case
    type, channel and province filters (an empty filter keeps every case); order kept."""
    result = cases
    for column, values in (
        ("case_type", case_types),
        ("channel", channels),
        ("province", provinces),
    ):
        if values:
            result = result.filter(pl.col(column).is_in(list(values)))
    return result


def kpi_value(deltas: pl.DataFrame, code: str) -> float | None:
    """The month's value of one KPI in a kpi_deltas frame (None when absent or empty)."""
    rows = deltas.filter(pl.col("kpi") == code)
    if rows.is_empty():
        return None
    value = rows["valor"][0]
    return None if value is None else float(value)


@dataclass(frozen=True)
class SlaFigures:
    """The service SLA clock of one entity in the month (sla_clock row)."""

    cerrados_con_sla: int
    dentro_sla: int
    pct_dentro_sla: float | None


def sla_figures(sla: pl.DataFrame, entity_id: str) -> SlaFigures:
    """The sla_clock row of `entity_id`; zeros and None when it closed no case with an SLA."""
    rows = sla.filter(pl.col("entidad_id") == entity_id)
    if rows.is_empty():
        return SlaFigures(0, 0, None)
    row = rows.row(0, named=True)
    return SlaFigures(int(row["cerrados_con_sla"]), int(row["dentro_sla"]), row["pct_dentro_sla"])
