"""View-models of the early-warning flags (pure: no Streamlit, no I/O; docs/metrics.md §16).

Input: the `cac311.analytics.early_warning.entity_flags` frame (entity × month,
`metrics.early_warning.EARLY_WARNING_SCHEMA`, proportions as fractions). Percentages shown are
100 × those fractions, rounded to one decimal half away from zero (SPEC §3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import polars as pl

from metrics.early_warning import (
    BASELINE_LOOKBACK_MONTHS,
    BASELINE_MONTHS,
    EN_DETERIORO,
    MIN_N,
    latest_states,
)
from metrics.months import month_label
from metrics.period import Month
from metrics.rounding import percent_expr, round_half_away

ALERT_MARK: Final = "⚠ en deterioro"
MARK_HELP: Final = (
    "«⚠ en deterioro»: el índice de la entidad cayó por debajo de su propio historial (los 12 "
    "meses anteriores con n ≥ 20): un mes bajo el límite inferior de 3σ, o 2 de 3 meses bajo el "
    "de 2σ. La alerta se apaga tras 2 meses bajo control. Sin marca: bajo control o sin evaluar "
    "(n < 20, menos de 12 meses de historia o mes aún abierto)."
)
CHART_MONTHS: Final = 24  # the control chart shows M and the 23 months before
STATE_LABELS: Final[dict[str, str]] = {
    "en_deterioro": "En deterioro",
    "en_control": "En control",
    "sin_evaluar": "Sin evaluar",
}
FLAGGED_COLUMNS: Final = (
    "entidad_id",
    "entidad",
    "indice_cumplimiento",
    "linea_base_pct",
    "lic_2s_pct",
    "n",
    "ultima_senal",
)
CHART_COLUMNS: Final = (
    "periodo",
    "n",
    "indice_cumplimiento",
    "linea_base_pct",
    "lic_2s_pct",
    "lic_3s_pct",
    "lsc_3s_pct",
    "senal",
    "estado_alerta",
)


def _pct(column: str) -> pl.Expr:
    """100 × a fraction, one decimal half away from zero (null stays null)."""
    return (pl.col(column) * 100).map_elements(round_half_away, return_dtype=pl.Float64)


def month_states(flags: pl.DataFrame, month: Month) -> pl.DataFrame:
    """Each entity's flag in `month`: entidad_id, alerta_deterioro, estado_alerta (the frame the
    ranking CSV joins on entidad_id)."""
    return latest_states(flags, month.yyyymm)


def _last_signal(flags: pl.DataFrame, month: Month) -> pl.DataFrame:
    return (
        flags.filter(pl.col("senal") & (pl.col("mes") <= month.yyyymm))
        .group_by("entidad_id")
        .agg(pl.col("mes").max().alias("_ultima"))
        .select(
            "entidad_id",
            pl.col("_ultima")
            .map_elements(month_label, return_dtype=pl.String)
            .alias("ultima_senal"),
        )
    )


def flagged_entities(flags: pl.DataFrame, month: Month, names: Mapping[str, str]) -> pl.DataFrame:
    """The entities en deterioro in `month` (FLAGGED_COLUMNS), lowest índice first then by
    code: índice and baseline p̄ in %, the 2σ lower limit in %, n, and the month of the last
    signal (the one that raised or renewed the flag)."""
    flagged = flags.filter(
        (pl.col("mes") == month.yyyymm) & (pl.col("estado_alerta") == EN_DETERIORO)
    )
    return (
        flagged.join(_last_signal(flags, month), on="entidad_id", how="left")
        .with_columns(
            pl.col("entidad_id")
            .replace_strict(dict(names), default=pl.col("entidad_id"), return_dtype=pl.String)
            .alias("entidad"),
            percent_expr("x", "n").alias("indice_cumplimiento"),
            _pct("p_media").alias("linea_base_pct"),
            _pct("lic_2s").alias("lic_2s_pct"),
        )
        .sort(["indice_cumplimiento", "entidad_id"], nulls_last=True)
        .select(FLAGGED_COLUMNS)
    )


def with_mark(view: pl.DataFrame, states: pl.DataFrame) -> pl.DataFrame:
    """`view` (a ranking table) with an `alerta` column right after `entidad`: ALERT_MARK for
    an entity en deterioro in the month, "" otherwise."""
    marks = states.select(
        "entidad_id",
        pl.when(pl.col("alerta_deterioro"))
        .then(pl.lit(ALERT_MARK))
        .otherwise(pl.lit(""))
        .alias("alerta"),
    )
    joined = view.join(marks, on="entidad_id", how="left").with_columns(
        pl.col("alerta").fill_null("")
    )
    order = list(view.columns)
    at = order.index("entidad") + 1 if "entidad" in order else len(order)
    return joined.select([*order[:at], "alerta", *order[at:]])


def entity_state(flags: pl.DataFrame, entity_id: str, month: Month) -> str:
    """The entity's estado_alerta in `month` ("sin_evaluar" when it has no row)."""
    row = flags.filter((pl.col("entidad_id") == entity_id) & (pl.col("mes") == month.yyyymm))
    return str(row["estado_alerta"][0]) if row.height else "sin_evaluar"


def chart_frame(
    flags: pl.DataFrame, entity_id: str, month: Month, months: int = CHART_MONTHS
) -> pl.DataFrame:
    """One entity's control-chart series (CHART_COLUMNS) for `month` and the months−1 before:
    periodo, n, índice and limits in % (null where not evaluated), senal, estado_alerta."""
    first = month.shift(-(months - 1)).yyyymm
    rows = flags.filter(
        (pl.col("entidad_id") == entity_id) & pl.col("mes").is_between(first, month.yyyymm)
    )
    return rows.sort("mes").select(
        pl.col("mes").map_elements(month_label, return_dtype=pl.String).alias("periodo"),
        "n",
        percent_expr("x", "n").alias("indice_cumplimiento"),
        _pct("p_media").alias("linea_base_pct"),
        _pct("lic_2s").alias("lic_2s_pct"),
        _pct("lic_3s").alias("lic_3s_pct"),
        _pct("lsc_3s").alias("lsc_3s_pct"),
        "senal",
        "estado_alerta",
    )


def unevaluated_reason(chart: pl.DataFrame, month_complete: bool) -> str:
    """Why the last month of `chart` (chart_frame) is not evaluated, in Spanish."""
    if not month_complete:
        return "el mes aún no cierra en la fecha de corte."
    n = int(chart["n"][-1]) if chart.height else 0
    if n < MIN_N:
        return f"tiene n = {n} casos evaluados, menos de {MIN_N}."
    return (
        f"no tiene {BASELINE_MONTHS} meses anteriores con n ≥ {MIN_N} dentro de los "
        f"{BASELINE_LOOKBACK_MONTHS} meses previos (o su historial no tiene variación)."
    )
