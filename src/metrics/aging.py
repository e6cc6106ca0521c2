"""Open-case aging of SPEC §3: buckets on a date X, the por-vencer and vencidos lists.

The age of an open case on X is `ordinal(X) − ordinal(created_on)` in the active day-count mode
(calendar or working-day ordinal, `metrics.daycount`); the database computes it and returns a
histogram (age, count) or the short list of one entity's cases. A case is open on X when
`created_on ≤ X` and (`closed_on` null or `closed_on > X`), status not `anulado`: a case closed on
X itself is not open on X.

Buckets (days): 0–10, 11–20, 21–30, 31–60, 61–90, >90. A bucket is `vencido` when its lower edge
is above the legal limit L (with L = 30: exactly the buckets above 30, the legal breaches).
"""

from __future__ import annotations

from typing import Any, Literal

import polars as pl

from metrics.sla import sla_status_expr

OpenCaseList = Literal["vencidos", "por_vencer", "abiertos"]
OPEN_CASE_LISTS: tuple[OpenCaseList, ...] = ("vencidos", "por_vencer", "abiertos")

# (label, lower edge, upper edge or None for the open-ended last bucket), in display order.
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–10", 0, 10),
    ("11–20", 11, 20),
    ("21–30", 21, 30),
    ("31–60", 31, 60),
    ("61–90", 61, 90),
    (">90", 91, None),
)
# Larger than any age the supported calendar (2000–2045) can produce, in either mode.
MAX_AGE = 1_000_000

AGING_SCHEMA: dict[str, pl.DataType] = {
    "tramo": pl.String(),
    "orden": pl.Int64(),
    "casos": pl.Int64(),
    "vencido": pl.Boolean(),
}
# Input of `open_case_list`: the rows `queries/open_cases__list.sql` returns.
OPEN_ROWS_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "entity_id": pl.String(),
    "case_type": pl.String(),
    "category": pl.String(),
    "channel": pl.String(),
    "province": pl.String(),
    "created_on": pl.Date(),
    "edad": pl.Int64(),
    "sla_days": pl.Int64(),
}
OPEN_CASES_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "entidad_id": pl.String(),
    "case_type": pl.String(),
    "category": pl.String(),
    "channel": pl.String(),
    "province": pl.String(),
    "created_on": pl.Date(),
    "edad_dias": pl.Int64(),
    "sla_days": pl.Int64(),
    "estado_sla": pl.String(),
}


def age_window(which: str, legal_limit: int, por_vencer_min_age: int) -> tuple[int, int]:
    """Inclusive (min, max) age of the cases in the list `which`.

    vencidos: age > L; por_vencer: por_vencer_min_age ≤ age ≤ L; abiertos: every open case.
    """
    if which == "vencidos":
        return legal_limit + 1, MAX_AGE
    if which == "por_vencer":
        return por_vencer_min_age, legal_limit
    if which == "abiertos":
        return 0, MAX_AGE
    raise ValueError(f"lista de casos desconocida: {which!r} (use {', '.join(OPEN_CASE_LISTS)})")


def bucket_frame(legal_limit: int) -> pl.DataFrame:
    """The six buckets: tramo, orden (1..6), desde, hasta (null for >90), vencido."""
    return pl.DataFrame(
        {
            "tramo": [label for label, _, _ in AGING_BUCKETS],
            "orden": list(range(1, len(AGING_BUCKETS) + 1)),
            "desde": [low for _, low, _ in AGING_BUCKETS],
            "hasta": [high for _, _, high in AGING_BUCKETS],
            "vencido": [low > legal_limit for _, low, _ in AGING_BUCKETS],
        },
        schema={
            "tramo": pl.String,
            "orden": pl.Int64,
            "desde": pl.Int64,
            "hasta": pl.Int64,
            "vencido": pl.Boolean,
        },
    )


def _bucket_order_expr(age: pl.Expr) -> pl.Expr:
    """1..6 for ages ≥ 0 (null for a negative age, which an open case cannot have)."""
    expr: Any = pl.when(age < 0).then(pl.lit(None, dtype=pl.Int64))
    for order, (_, _, high) in enumerate(AGING_BUCKETS[:-1], start=1):
        expr = expr.when(age <= high).then(pl.lit(order, dtype=pl.Int64))
    result: pl.Expr = expr.otherwise(pl.lit(len(AGING_BUCKETS), dtype=pl.Int64))
    return result


def aging_buckets(ages: pl.DataFrame, legal_limit: int) -> pl.DataFrame:
    """Open cases on X per aging bucket.

    Input grain: one row per age: `edad` (int, days in the active mode), `casos` (int ≥ 0).
    Output grain: always the six buckets in order: `tramo` (String), `orden` (Int64 1..6),
    `casos` (Int64, 0 when none), `vencido` (Boolean: lower edge > `legal_limit`), sorted by
    `orden`.
    """
    counts = (
        ages.select(
            _bucket_order_expr(pl.col("edad").cast(pl.Int64)).alias("orden"),
            pl.col("casos").cast(pl.Int64).alias("casos"),
        )
        .drop_nulls("orden")
        .group_by("orden")
        .agg(pl.col("casos").sum().alias("casos"))
    )
    return (
        bucket_frame(legal_limit)
        .join(counts, on="orden", how="left")
        .select(
            pl.col("tramo").alias("tramo"),
            pl.col("orden").alias("orden"),
            pl.col("casos").fill_null(0).cast(pl.Int64).alias("casos"),
            pl.col("vencido").alias("vencido"),
        )
        .sort("orden")
    )


def open_case_list(rows: pl.DataFrame) -> pl.DataFrame:
    """The case list an enlace acts on, with each case's service-SLA status.

    Input grain: one row per open case: `case_id`, `entity_id`, `case_type`, `category`,
    `channel`, `province`, `created_on` (Date), `edad` (int, age on X in the active mode),
    `sla_days` (int or null). Output grain: the same cases, columns OPEN_CASES_SCHEMA (`edad_dias`
    = `edad`; `estado_sla` "dentro" when `edad_dias ≤ sla_days`, "fuera" above it, null without
    SLA), sorted by `edad_dias` descending, then `case_id`.
    """
    age = pl.col("edad").cast(pl.Int64)
    sla = pl.col("sla_days").cast(pl.Int64)
    return rows.select(
        pl.col("case_id").cast(pl.String).alias("case_id"),
        pl.col("entity_id").cast(pl.String).alias("entidad_id"),
        pl.col("case_type").cast(pl.String).alias("case_type"),
        pl.col("category").cast(pl.String).alias("category"),
        pl.col("channel").cast(pl.String).alias("channel"),
        pl.col("province").cast(pl.String).alias("province"),
        pl.col("created_on").cast(pl.Date).alias("created_on"),
        age.alias("edad_dias"),
        sla.alias("sla_days"),
        sla_status_expr(age, sla).alias("estado_sla"),
    ).sort(["edad_dias", "case_id"], descending=[True, False])
