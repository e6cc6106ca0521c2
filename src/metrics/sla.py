"""The service SLA clock of SPEC §3, shown beside the legal clock and never mixed into it.

A case with `sla_days` is within its SLA when its day count (closed cases: `dias`; open cases:
age on the reference date, in the active day-count mode) is `≤ sla_days`. Cases without
`sla_days` have no SLA status (null) and are left out of every SLA figure.
"""

from __future__ import annotations

import polars as pl

from metrics.rounding import percent_expr

SLA_WITHIN = "dentro"
SLA_OUTSIDE = "fuera"

SLA_CLOCK_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "cerrados_con_sla": pl.Int64(),
    "dentro_sla": pl.Int64(),
    "pct_dentro_sla": pl.Float64(),
}


def sla_status_expr(days: pl.Expr, sla_days: pl.Expr) -> pl.Expr:
    """ "dentro" when `days ≤ sla_days`, "fuera" when above, null when the case has no SLA."""
    return (
        pl.when(sla_days.is_null() | days.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(days <= sla_days)
        .then(pl.lit(SLA_WITHIN))
        .otherwise(pl.lit(SLA_OUTSIDE))
    )


def sla_clock(counts: pl.DataFrame) -> pl.DataFrame:
    """Share of the cases closed in M with an SLA that met it, per entity.

    Input grain: one row per entity with closed cases that carry `sla_days`: `entidad_id`,
    `cerrados_con_sla`, `dentro_sla` (integers). Output grain: the same rows (entities with
    `cerrados_con_sla = 0` dropped): `entidad_id` (String), `cerrados_con_sla`, `dentro_sla`
    (Int64), `pct_dentro_sla` (Float64, `100 × dentro_sla / cerrados_con_sla`, one decimal, half
    away from zero), sorted by `entidad_id`.
    """
    return (
        counts.filter(pl.col("cerrados_con_sla") > 0)
        .select(
            pl.col("entidad_id").cast(pl.String).alias("entidad_id"),
            pl.col("cerrados_con_sla").cast(pl.Int64).alias("cerrados_con_sla"),
            pl.col("dentro_sla").cast(pl.Int64).alias("dentro_sla"),
            percent_expr("dentro_sla", "cerrados_con_sla").alias("pct_dentro_sla"),
        )
        .sort("entidad_id")
    )
