"""Early warning of deterioration (docs/metrics.md §16): a p-chart rule per entity on the índice.

For entity e and month t, `n = cerrados + vencidos_fin_mes` and `x = cerrados_en_plazo` (SPEC §3:
`indice_cumplimiento = 100·x/n`). A month is *mature* when it is complete at `datos_al` (its
last day E ≤ datos_al): every input of its índice (cases closed in it, cases open at E and their
age on E) is then fixed. A month is *evaluated* when it is mature, has `n ≥ MIN_N`, and the entity
has a baseline: the BASELINE_MONTHS most recent earlier months with `n ≥ MIN_N`, all within the
BASELINE_LOOKBACK_MONTHS calendar months before t, whose pooled rate p̄ = Σx/Σn is strictly
between 0 and 1.

Limits: σ_t = √(p̄(1−p̄)/n_t); the baseline months' z-scores z_i = (p_i − p̄)/√(p̄(1−p̄)/n_i), in
month order, give Pearson's χ² = Σz_i² and the moving ranges |z_i − z_{i−1}| with
σ_z = mean(MR)/1.128. The limits are p̄ ± k·f·σ_t with f = max(1, σ_z) (Laney p′) when
χ² > CHI2_OVERDISPERSION (overdispersion significant at 1 %), else f = 1 (binomial p-chart).

Signal in t (evaluated): p_t < p̄ − 3·f·σ_t, or p_t < p̄ − 2·f·σ_t and so was t−1 or t−2
(calendar months, each against its own limits; a month not evaluated is never beyond).
State: `en_deterioro` from a signal until the second evaluated in-control month after the last
signal (that month is `en_control` again); `sin_evaluar` for a month not evaluated (no flag).
"""

from __future__ import annotations

from typing import Final

import polars as pl

__all__ = [
    "BASELINE_LOOKBACK_MONTHS",
    "BASELINE_MONTHS",
    "CHI2_OVERDISPERSION",
    "CLEAR_AFTER",
    "D2",
    "EARLY_WARNING_COUNTS_SCHEMA",
    "EARLY_WARNING_SCHEMA",
    "EN_CONTROL",
    "EN_DETERIORO",
    "MIN_N",
    "SIN_EVALUAR",
    "early_warning",
    "latest_states",
]

MIN_N: Final = 20  # as the ranking's threshold (SPEC §3): fewer cases say nothing reliable
BASELINE_MONTHS: Final = 12
BASELINE_LOOKBACK_MONTHS: Final = 24  # the 12 baseline months must lie within the last 24
CLEAR_AFTER: Final = 2  # evaluated in-control months after the last signal that end a flag
D2: Final = 1.128
# Upper 1 % point of χ² with BASELINE_MONTHS − 1 = 11 degrees of freedom: a baseline whose Pearson
# χ² against p̄ exceeds it is overdispersed (Laney p′); otherwise the binomial p-chart.
CHI2_OVERDISPERSION: Final = 24.725  # d2 for moving ranges of 2 (Laney's σ_z = MR̄ / d2)

EN_DETERIORO: Final = "en_deterioro"
EN_CONTROL: Final = "en_control"
SIN_EVALUAR: Final = "sin_evaluar"

EARLY_WARNING_COUNTS_SCHEMA: Final[dict[str, pl.DataType]] = {
    "entidad_id": pl.String(),
    "mes": pl.Int64(),  # yyyymm
    "n": pl.Int64(),  # cerrados + vencidos_fin_mes
    "x": pl.Int64(),  # cerrados_en_plazo
    "madura": pl.Boolean(),  # the month is complete at datos_al
}
EARLY_WARNING_SCHEMA: Final[dict[str, pl.DataType]] = {
    "entidad_id": pl.String(),
    "mes": pl.Int64(),
    "n": pl.Int64(),
    "x": pl.Int64(),
    "p": pl.Float64(),  # x / n; null when n = 0
    "evaluado": pl.Boolean(),
    "p_media": pl.Float64(),  # the baseline's p̄ (null when not evaluated)
    "sigma_z": pl.Float64(),  # Laney's σ_z of the baseline
    "sobredispersion": pl.Boolean(),  # baseline χ² > CHI2_OVERDISPERSION: Laney p′ limits
    "lic_3s": pl.Float64(),  # p̄ − 3·max(1, σ_z)·σ_t
    "lic_2s": pl.Float64(),  # p̄ − 2·max(1, σ_z)·σ_t
    "lsc_3s": pl.Float64(),  # p̄ + 3·max(1, σ_z)·σ_t (shown on the chart only)
    "bajo_3s": pl.Boolean(),
    "bajo_2s": pl.Boolean(),
    "senal": pl.Boolean(),
    "estado_alerta": pl.String(),
    "alerta_deterioro": pl.Boolean(),
}

_LAGS: Final = range(1, BASELINE_MONTHS + 1)


def _month_index(column: str) -> pl.Expr:
    return (pl.col(column) // 100) * 12 + pl.col(column) % 100 - 1


def _baseline(eligible: pl.DataFrame) -> pl.DataFrame:
    """For each eligible month (n ≥ MIN_N) its baseline figures and limits, from the
    BASELINE_MONTHS eligible months before it (lags 1..12 within the entity)."""
    by = "entidad_id"
    lagged = eligible.with_columns(
        *(pl.col("x").shift(j).over(by).alias(f"_x{j}") for j in _LAGS),
        *(pl.col("n").shift(j).over(by).alias(f"_n{j}") for j in _LAGS),
        pl.col("_mi").shift(BASELINE_MONTHS).over(by).alias("_mi_oldest"),
    )
    sum_x = pl.sum_horizontal(pl.col(f"_x{j}") for j in _LAGS)
    sum_n = pl.sum_horizontal(pl.col(f"_n{j}") for j in _LAGS)
    with_mean = lagged.with_columns(
        (sum_x / sum_n).alias("p_media"),
        (
            pl.col("_mi_oldest").is_not_null()
            & (pl.col("_mi") - pl.col("_mi_oldest") <= BASELINE_LOOKBACK_MONTHS)
        ).alias("_history"),
    )
    spread = pl.col("p_media") * (1 - pl.col("p_media"))
    z = [
        (pl.col(f"_x{j}") / pl.col(f"_n{j}") - pl.col("p_media"))
        / (spread / pl.col(f"_n{j}")).sqrt()
        for j in _LAGS
    ]
    moving = [(z[k] - z[k + 1]).abs() for k in range(BASELINE_MONTHS - 1)]
    chi2 = pl.sum_horizontal(zj**2 for zj in z)
    with_sigma = with_mean.with_columns(
        (pl.sum_horizontal(moving) / (BASELINE_MONTHS - 1) / D2).alias("sigma_z"),
        (chi2 > CHI2_OVERDISPERSION).alias("sobredispersion"),
        (spread / pl.col("n")).sqrt().alias("_sigma_t"),
    )
    evaluated = (pl.col("_history") & (spread > 0)).fill_null(False)
    factor = (
        pl.when(pl.col("sobredispersion"))
        .then(pl.max_horizontal(pl.lit(1.0), pl.col("sigma_z")))
        .otherwise(pl.lit(1.0))
    )
    width = factor * pl.col("_sigma_t")
    return with_sigma.select(
        "entidad_id",
        "mes",
        evaluated.alias("evaluado"),
        pl.when(evaluated).then(pl.col("p_media")).alias("p_media"),
        pl.when(evaluated).then(pl.col("sigma_z")).alias("sigma_z"),
        pl.when(evaluated).then(pl.col("sobredispersion")).alias("sobredispersion"),
        pl.when(evaluated).then(pl.col("p_media") - 3 * width).alias("lic_3s"),
        pl.when(evaluated).then(pl.col("p_media") - 2 * width).alias("lic_2s"),
        pl.when(evaluated).then(pl.col("p_media") + 3 * width).alias("lsc_3s"),
    )


def early_warning(counts: pl.DataFrame) -> pl.DataFrame:
    """The early-warning rule (module docstring, docs/metrics.md §16) over entity × month counts.

    Input grain: one row per entity and month (EARLY_WARNING_COUNTS_SCHEMA; months need not be
    contiguous — a missing month is simply not evaluated). Output grain: one row per input row,
    EARLY_WARNING_SCHEMA, sorted by entidad_id, mes. Proportions (p, limits) are fractions.
    """
    base = (
        counts.select(
            pl.col(name).cast(dtype).alias(name)
            for name, dtype in EARLY_WARNING_COUNTS_SCHEMA.items()
        )
        .sort("entidad_id", "mes")
        .with_columns(_month_index("mes").alias("_mi"))
    )
    eligible = base.filter(pl.col("madura") & (pl.col("n") >= MIN_N))
    limits = _baseline(eligible)
    p = pl.when(pl.col("n") > 0).then(pl.col("x") / pl.col("n"))
    flagged = (
        base.join(limits, on=["entidad_id", "mes"], how="left")
        .with_columns(
            p.alias("p"),
            pl.col("evaluado").fill_null(False),
        )
        .with_columns(
            (pl.col("evaluado") & (pl.col("p") < pl.col("lic_3s")))
            .fill_null(False)
            .alias("bajo_3s"),
            (pl.col("evaluado") & (pl.col("p") < pl.col("lic_2s")))
            .fill_null(False)
            .alias("bajo_2s"),
        )
    )
    low = flagged.filter(pl.col("bajo_2s")).select("entidad_id", "_mi")
    previous = [
        low.select("entidad_id", (pl.col("_mi") + back).alias("_mi")).with_columns(
            pl.lit(True).alias(f"_low{back}")
        )
        for back in (1, 2)
    ]
    for frame in previous:
        flagged = flagged.join(frame, on=["entidad_id", "_mi"], how="left")
    recent_low = pl.col("_low1").fill_null(False) | pl.col("_low2").fill_null(False)
    signal = pl.col("bajo_3s") | (pl.col("bajo_2s") & recent_low)
    in_control = pl.col("evaluado") & ~pl.col("senal")
    return (
        flagged.sort("entidad_id", "mes")
        .with_columns(signal.alias("senal"))
        .with_columns(pl.col("senal").cast(pl.Int64).cum_sum().over("entidad_id").alias("_run"))
        .with_columns(in_control.cast(pl.Int64).cum_sum().over("entidad_id", "_run").alias("_calm"))
        .with_columns(
            pl.when(~pl.col("evaluado"))
            .then(pl.lit(SIN_EVALUAR))
            .when((pl.col("_run") >= 1) & (pl.col("_calm") < CLEAR_AFTER))
            .then(pl.lit(EN_DETERIORO))
            .otherwise(pl.lit(EN_CONTROL))
            .alias("estado_alerta")
        )
        .with_columns((pl.col("estado_alerta") == EN_DETERIORO).alias("alerta_deterioro"))
        .select(
            pl.col(name).cast(dtype).alias(name) for name, dtype in EARLY_WARNING_SCHEMA.items()
        )
    )


def latest_states(flags: pl.DataFrame, month: int) -> pl.DataFrame:
    """Each entity's flag in `month` (yyyymm): entidad_id, alerta_deterioro, estado_alerta —
    one row per entity of `flags` (an entity without a row for the month is `sin_evaluar`),
    sorted by entidad_id."""
    entities = flags.select("entidad_id").unique()
    chosen = flags.filter(pl.col("mes") == month).select(
        "entidad_id", "alerta_deterioro", "estado_alerta"
    )
    return (
        entities.join(chosen, on="entidad_id", how="left")
        .with_columns(
            pl.col("alerta_deterioro").fill_null(False),
            pl.col("estado_alerta").fill_null(SIN_EVALUAR),
        )
        .sort("entidad_id")
    )
