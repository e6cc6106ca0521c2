"""View-model of the Kaplan–Meier figures (pure: no Streamlit, no I/O; docs/metrics.md §17).

Input: the per-entity frame of `cac311.analytics.survival.survival_by_entity`
(`metrics.survival.SUMMARY_SCHEMA`) and the curve of `survival_curve` (`CURVE_SCHEMA`).
Nothing is recomputed here: this module words the figures ("no alcanzada (> N días)",
"insuficiente") and joins them to the ranking frames on `entidad_id`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cac311.ui.format import fmt_dec, fmt_int, month_long
from metrics import survival as km
from metrics.period import Period

# The text column the ranking tables show, beside the numeric share (both joined on entidad_id).
MEDIAN_TEXT = "km_mediana"
RANKING_KM_COLUMNS: tuple[str, ...] = (MEDIAN_TEXT, "km_pct_cerrados_en_plazo")


def window_text(period: Period, months: int = km.COHORT_MONTHS) -> str:
    """The cohort window in words: "agosto a octubre de 2026", "diciembre de 2025 a febrero
    de 2026"."""
    first, last = km.cohort_window(period.month, months)
    if first == last:
        return month_long(last)
    first_text = month_long(first)
    if first.yyyymm // 100 == last.yyyymm // 100:
        first_text = first_text.rsplit(" de ", 1)[0]
    return f"{first_text} a {month_long(last)}"


def median_text(
    estado: str | None, mediana: float | None, max_dias: int | None, casos: int | None
) -> str:
    """The median as the pages show it: "12.5 días", "no alcanzada (> 45 días)",
    "insuficiente (n = 12)"; "—" without cases."""
    if estado == km.ESTIMATED and mediana is not None:
        return f"{fmt_dec(mediana)} días"
    if estado == km.NOT_REACHED:
        return f"no alcanzada (> {fmt_int(max_dias)} días)"
    if estado == km.INSUFFICIENT:
        return f"insuficiente (n = {fmt_int(casos)})"
    return "—"


def ranking_columns(summary: pl.DataFrame) -> pl.DataFrame:
    """entidad_id + RANKING_KM_COLUMNS: the worded median and the share closed within L."""
    texts = [
        median_text(estado, mediana, max_dias, casos)
        for estado, mediana, max_dias, casos in summary.select(
            "km_mediana_estado", "km_mediana_dias", "km_max_dias", "km_casos"
        ).iter_rows()
    ]
    return summary.select(
        "entidad_id",
        pl.Series(MEDIAN_TEXT, texts, dtype=pl.String),
        "km_pct_cerrados_en_plazo",
    )


def with_ranking_columns(table: pl.DataFrame, summary: pl.DataFrame) -> pl.DataFrame:
    """A ranking table with the KM columns appended (left join on entidad_id: an entity
    without cases in the cohort window shows "—")."""
    joined = table.join(
        ranking_columns(summary), on="entidad_id", how="left", maintain_order="left"
    )
    return joined.with_columns(pl.col(MEDIAN_TEXT).fill_null("—"))


@dataclass(frozen=True)
class EntitySurvival:
    """One entity's Kaplan–Meier figures, worded for the Entidad page."""

    casos: int
    cerrados: int
    abiertos: int
    mediana_texto: str
    mediana_dias: float | None  # only when estimated
    pct_en_plazo: float | None
    estado: str | None


def entity_figures(summary: pl.DataFrame, entity_id: str) -> EntitySurvival:
    """The row of `entity_id` (zeros and "—" when it has no case in the window)."""
    rows = summary.filter(pl.col("entidad_id") == entity_id)
    if rows.is_empty():
        return EntitySurvival(0, 0, 0, "—", None, None, None)
    row = rows.row(0, named=True)
    return EntitySurvival(
        casos=int(row["km_casos"]),
        cerrados=int(row["km_cerrados"]),
        abiertos=int(row["km_abiertos"]),
        mediana_texto=median_text(
            row["km_mediana_estado"], row["km_mediana_dias"], row["km_max_dias"], row["km_casos"]
        ),
        mediana_dias=row["km_mediana_dias"],
        pct_en_plazo=row["km_pct_cerrados_en_plazo"],
        estado=row["km_mediana_estado"],
    )
