"""View-model of the Ranking page (pure: no Streamlit, no I/O).

The Ranking page (SPEC §4 item 2) shows the ranked entities with their change of position as an
arrow, lists the entities below the minimum n separately (never silently dropped), groups peers by
sector keeping the national position, and marks the signed-in enlace's own entity.

Input: the `cac311.analytics.monthly.ranking` frame (columns `metrics.publication.
RANKING_COLUMNS`); nothing is recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.period import Period
from metrics.publication import RANKING_COLUMNS

UP = "▲"
DOWN = "▼"
SAME = "="
NEW = "nuevo"
OWN_MARK = "★"

# Columns the ranking table shows, in order (the ranking frame plus `cambio` and `su_entidad`).
RANKED_VIEW_COLUMNS: tuple[str, ...] = (
    "su_entidad",
    "posicion",
    "cambio",
    "entidad_id",
    "entidad",
    "sector",
    "indice_cumplimiento",
    "score",
    "n",
    "vencidos_fin_mes",
    "mediana_dias",
    "p90_dias",
)
UNRANKED_VIEW_COLUMNS: tuple[str, ...] = (
    "su_entidad",
    "entidad_id",
    "entidad",
    "sector",
    "n",
    "indice_cumplimiento",
    "score",
    "vencidos_fin_mes",
    "mediana_dias",
    "p90_dias",
)
_LEADING = ("posicion", "posicion_anterior", "cambio_posicion")
# The ranking CSV: period and mode, the position columns first, then RANKING_COLUMNS' order.
RANKING_EXPORT_COLUMNS: tuple[str, ...] = (
    "periodo",
    "modo_dias",
    *_LEADING,
    *(c for c in RANKING_COLUMNS if c not in _LEADING),
)


def change_text(
    posicion: int | None, posicion_anterior: int | None, cambio_posicion: int | None
) -> str | None:
    """How the position moved against the previous month.

    "▲n" (moved up n places), "▼n" (down), "=" (same place), "nuevo" (ranked now, not ranked the
    previous month); None when the entity is not ranked this month.
    """
    if posicion is None:
        return None
    if posicion_anterior is None or cambio_posicion is None:
        return NEW
    if cambio_posicion > 0:
        return f"{UP}{cambio_posicion}"
    if cambio_posicion < 0:
        return f"{DOWN}{-cambio_posicion}"
    return SAME


def change_sentence(change: str | None) -> str:
    """A `change_text` in words (Spanish): "subió 2 lugares respecto al mes anterior", ...;
    "" for None."""
    if change == NEW:
        return "no clasificó el mes anterior"
    if change == SAME:
        return "misma posición que el mes anterior"
    if change and change[0] in (UP, DOWN):
        places = int(change[1:])
        verb = "subió" if change[0] == UP else "bajó"
        return f"{verb} {places} {'lugar' if places == 1 else 'lugares'} respecto al mes anterior"
    return ""


def _with_view_columns(ranking: pl.DataFrame, own_entity: str | None) -> pl.DataFrame:
    changes = [
        change_text(p, a, c)
        for p, a, c in zip(
            ranking["posicion"].to_list(),
            ranking["posicion_anterior"].to_list(),
            ranking["cambio_posicion"].to_list(),
            strict=True,
        )
    ]
    own = pl.col("entidad_id") == pl.lit(own_entity, dtype=pl.String)
    return ranking.with_columns(
        pl.Series("cambio", changes, dtype=pl.String),
        pl.when(own.fill_null(False))
        .then(pl.lit(OWN_MARK))
        .otherwise(pl.lit(""))
        .alias("su_entidad"),
    )


def ranked_view(ranking: pl.DataFrame, own_entity: str | None = None) -> pl.DataFrame:
    """The classified entities (posicion not null) by position: RANKED_VIEW_COLUMNS.

    `cambio` is `change_text`; `su_entidad` is "★" on the row of `own_entity`, else "".
    """
    ranked = ranking.filter(pl.col("posicion").is_not_null()).sort("posicion")
    return _with_view_columns(ranked, own_entity).select(RANKED_VIEW_COLUMNS)


def unranked_view(ranking: pl.DataFrame, own_entity: str | None = None) -> pl.DataFrame:
    """The entities with cases (n ≥ 1) but n below the minimum: UNRANKED_VIEW_COLUMNS,
    largest n first, then entidad_id."""
    unranked = ranking.filter(pl.col("posicion").is_null()).sort(
        ["n", "entidad_id"], descending=[True, False]
    )
    return _with_view_columns(unranked, own_entity).select(UNRANKED_VIEW_COLUMNS)


def sector_peers(ranking: pl.DataFrame, sector: str, own_entity: str | None = None) -> pl.DataFrame:
    """The classified entities of one sector, ordered by their NATIONAL position (not
    re-ranked within the sector): RANKED_VIEW_COLUMNS."""
    return ranked_view(ranking.filter(pl.col("sector") == sector), own_entity)


def sectors_present(ranking: pl.DataFrame) -> list[str]:
    """The sectors with at least one classified entity, by their best national position."""
    best = (
        ranking.filter(pl.col("posicion").is_not_null() & pl.col("sector").is_not_null())
        .group_by("sector")
        .agg(pl.col("posicion").min().alias("mejor"))
        .sort(["mejor", "sector"])
    )
    return [str(s) for s in best["sector"].to_list()]


def ranking_export(
    ranking: pl.DataFrame,
    period: Period,
    survival: pl.DataFrame | None = None,
    early_warning: pl.DataFrame | None = None,
    transfers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The ranking frame as a CSV-ready table: RANKING_EXPORT_COLUMNS, ranked first by position,
    then the unranked by entidad_id; `periodo` = the month, `modo_dias` = the mode on every row.

    `survival` (the Kaplan–Meier frame per entity, docs/metrics.md §17) adds its columns;
    `early_warning` (the month's flags per entity, views.early_warning.month_states, §16) adds
    `alerta_deterioro` and `estado_alerta`; `transfers` (views.transfers.ranking_columns, §15)
    adds `traslados_salida`, `traslados_entrada` and `vencidos_heredados`."""
    ordered = ranking.sort(["posicion", "entidad_id"], nulls_last=True)
    export = ordered.with_columns(
        pl.lit(str(period.month), dtype=pl.String).alias("periodo"),
        pl.lit(period.mode.value, dtype=pl.String).alias("modo_dias"),
    ).select(RANKING_EXPORT_COLUMNS)
    if survival is not None:
        export = export.join(survival, on="entidad_id", how="left", maintain_order="left")
    if early_warning is not None:
        export = export.join(early_warning, on="entidad_id", how="left", maintain_order="left")
    if transfers is not None:
        export = export.join(transfers, on="entidad_id", how="left", maintain_order="left")
    return export


@dataclass(frozen=True)
class PositionSummary:
    """Where one entity stands in the ranking of the month."""

    entidad_id: str
    in_table: bool  # False: no case evaluated this month (n = 0), so not in the ranking frame
    posicion: int | None
    clasificadas: int  # how many entities are ranked
    cambio: str | None  # change_text
    n: int
    indice_cumplimiento: float | None
    score: float | None


def position_summary(ranking: pl.DataFrame, entity_id: str) -> PositionSummary:
    """The position of `entity_id` in the ranking frame (not ranked / not present handled)."""
    clasificadas = ranking.filter(pl.col("posicion").is_not_null()).height
    rows = ranking.filter(pl.col("entidad_id") == entity_id)
    if rows.is_empty():
        return PositionSummary(entity_id, False, None, clasificadas, None, 0, None, None)
    row = rows.row(0, named=True)
    return PositionSummary(
        entidad_id=entity_id,
        in_table=True,
        posicion=row["posicion"],
        clasificadas=clasificadas,
        cambio=change_text(row["posicion"], row["posicion_anterior"], row["cambio_posicion"]),
        n=int(row["n"]),
        indice_cumplimiento=row["indice_cumplimiento"],
        score=row["score"],
    )


def national_rate(ranking: pl.DataFrame) -> float | None:
    """100 × Σ cerrados_en_plazo / Σ n over the entities of the ranking frame (None when Σ n = 0).

    Unrounded: the centre line of the funnel plot for exactly the entities plotted.
    """
    total = int(ranking["n"].sum()) if ranking.height else 0
    if total == 0:
        return None
    return 100.0 * int(ranking["cerrados_en_plazo"].sum()) / total


def funnel_n_max(ranking: pl.DataFrame, floor: int) -> int:
    """How far the funnel limits extend: the largest n plus 10 %, at least `floor`."""
    largest = int(ranking["n"].max() or 0) if ranking.height else 0  # type: ignore[arg-type]
    return max(largest + largest // 10, floor, 1)
