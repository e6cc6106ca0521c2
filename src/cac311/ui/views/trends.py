"""View-model of the Tendencias page: which KPI, which split, how many groups, the table.

Pure functions over the output of `cac311.analytics.monthly.monthly_trend` (TREND_COLUMNS: one
row per `grupo` × `periodo`). They choose nothing about the figures themselves (SPEC §3
computes those); they only pick the groups to plot, trim the month window to the data and lay
out the table of plotted values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from metrics.definitions import RATE_METRICS
from metrics.period import Month

# The monthly figures a trend can show, in the order the selector lists them.
TREND_KPIS: Final[tuple[str, ...]] = (
    "indice_cumplimiento",
    "recibidos",
    "cerrados",
    "pct_cerrados_en_plazo",
    "abiertos_fin_mes",
    "vencidos_fin_mes",
    "mediana_dias",
    "p90_dias",
    "cohorte_en_plazo_pct",
)
# Rates and day figures: a total line beside the groups reads as context. Counts are left out
# (the total of a count is the sum of the groups and would only flatten their lines).
RATE_KPIS: Final = frozenset(TREND_KPIS) & RATE_METRICS
COHORT_KPI: Final = "cohorte_en_plazo_pct"

# URL value of the `por` parameter → `split_by` of monthly_trend (None: one total line).
SPLITS: Final[dict[str, str | None]] = {
    "tipo": "case_type",
    "canal": "channel",
    "provincia": "province",
    "sector": "sector",
    "entidad": "entity_id",
    "total": None,
}
MONTH_WINDOWS: Final[tuple[int, ...]] = (13, 25, 37)
TOP_GROUPS: Final = 10


@dataclass(frozen=True)
class TopGroups:
    """The groups kept for plotting (largest volume first) and how many there were in all."""

    frame: pl.DataFrame
    groups: tuple[str, ...]
    total_groups: int

    @property
    def truncated(self) -> bool:
        return len(self.groups) < self.total_groups


def months_to_show(available: Sequence[Month], end_month: Month, wanted: int) -> int:
    """How many months (≤ wanted) end at `end_month` without starting before the first month
    with data. `available`: the months with data, ascending."""
    if wanted < 1:
        raise ValueError("wanted must be at least 1")
    if end_month not in available:
        return wanted
    return max(1, min(wanted, list(available).index(end_month) + 1))


def group_order(trend: pl.DataFrame) -> list[str]:
    """Groups by volume: total `recibidos` over the window, largest first; ties by code."""
    if trend.is_empty():
        return []
    volume = trend.group_by("grupo").agg(pl.col("recibidos").sum().alias("_volumen"))
    ordered = volume.sort(["_volumen", "grupo"], descending=[True, False], nulls_last=True)
    return [str(g) for g in ordered["grupo"].to_list()]


def top_groups(trend: pl.DataFrame, limit: int = TOP_GROUPS) -> TopGroups:
    """Keep the `limit` groups with most cases received in the window (see `group_order`).

    The frame keeps its rows for those groups only, sorted by volume rank, then `periodo`.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    order = group_order(trend)
    kept = order[:limit]
    rank = pl.DataFrame(
        {"grupo": kept, "_orden": list(range(len(kept)))},
        schema={"grupo": pl.String, "_orden": pl.Int64},
    )
    frame = trend.join(rank, on="grupo", how="inner").sort(["_orden", "periodo"]).drop("_orden")
    return TopGroups(frame=frame, groups=tuple(kept), total_groups=len(order))


def has_partial_month(trend: pl.DataFrame) -> bool:
    """True when some month of the frame contains datos_al (`parcial`)."""
    return trend.height > 0 and bool(trend["parcial"].any())


def plotted_values(
    trend: pl.DataFrame,
    kpi: str,
    labels: Mapping[str, str],
    total: pl.DataFrame | None = None,
    total_label: str = "Total",
) -> pl.DataFrame:
    """The table of what the chart draws: one row per group and month.

    Columns: `periodo`, `grupo` (code), `nombre` (label from `labels`, the code when missing),
    the KPI column (named by its code), `recibidos` (the volume, unless it is the KPI),
    `parcial`, `cohorte_madura`. Groups keep the order of `trend`; the `total` rows (the
    context line, if any) come last, named `total_label`.
    """
    if kpi not in TREND_KPIS:
        raise ValueError(f"KPI not allowed: {kpi!r}")
    columns = ["periodo", "grupo", "nombre", kpi]
    if kpi != "recibidos":
        columns.append("recibidos")
    columns += ["parcial", "cohorte_madura"]
    order = list(dict.fromkeys(str(g) for g in trend["grupo"].to_list()))
    parts = [
        trend.with_columns(
            pl.col("grupo")
            .replace_strict({g: labels.get(g, g) for g in order}, return_dtype=pl.String)
            .alias("nombre"),
            pl.col("grupo")
            .replace_strict(order, list(range(len(order))), return_dtype=pl.Int64)
            .alias("_orden"),
        )
    ]
    if total is not None and total.height:
        parts.append(
            total.with_columns(
                pl.lit(total_label, dtype=pl.String).alias("nombre"),
                pl.lit(len(order), dtype=pl.Int64).alias("_orden"),
            )
        )
    if not order and len(parts) == 1:
        return parts[0].select(columns)
    return pl.concat(parts, how="vertical_relaxed").sort(["_orden", "periodo"]).select(columns)
