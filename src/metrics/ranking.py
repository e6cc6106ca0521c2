"""Ranking of SPEC §3: Wilson lower bound at 95 %, only entities with n ≥ min_n, tie rules.

For an entity in month M: n = cerrados + vencidos_fin_mes, s = cerrados_en_plazo, p = s/n,
score = (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). Higher score first; scores equal to
12 decimal places tie; ties go to the larger n, then to the smaller entity_id. Positions 1..k.
"""

from __future__ import annotations

import math

import polars as pl

WILSON_Z = 1.96
TIE_DECIMALS = 12


def wilson_lower_bound(successes: int, n: int, z: float = WILSON_Z) -> float | None:
    """Lower end of the Wilson score interval for s successes in n trials (None when n = 0)."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes} outside 0..{n}")
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - margin) / (1 + z2 / n)


def _tie_key(score: float) -> float:
    # +0.0 turns -0.0 (s = 0 with float noise) into 0.0 so both sort as the same key
    return round(score, TIE_DECIMALS) + 0.0


def rank_entities(counts: pl.DataFrame, min_n: int, z: float = WILSON_Z) -> pl.DataFrame:
    """Rank entities by Wilson score.

    Input: entidad_id (str), n (int), s (int). Output grain: one row per input row with columns
    entidad_id, n, s, score (Float64, null when n = 0), clasificada (n ≥ min_n), posicion (Int64,
    null when not classified); sorted by posicion (ranked first), then entidad_id.
    """
    rows = counts.select(
        pl.col("entidad_id").cast(pl.String), pl.col("n").cast(pl.Int64), pl.col("s").cast(pl.Int64)
    ).to_dicts()
    for row in rows:
        row["score"] = wilson_lower_bound(row["s"], row["n"], z)
        row["clasificada"] = row["n"] >= min_n and row["n"] > 0
    ranked = sorted(
        (r for r in rows if r["clasificada"]),
        key=lambda r: (-_tie_key(r["score"]), -r["n"], r["entidad_id"]),
    )
    positions = {r["entidad_id"]: i for i, r in enumerate(ranked, start=1)}
    for row in rows:
        row["posicion"] = positions.get(row["entidad_id"])
    schema = {
        "entidad_id": pl.String,
        "n": pl.Int64,
        "s": pl.Int64,
        "score": pl.Float64,
        "clasificada": pl.Boolean,
        "posicion": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema).sort(["posicion", "entidad_id"], nulls_last=True)


def position_changes(current: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Add posicion_anterior and cambio_posicion (positive = moved up) to a ranking.

    Both inputs: entidad_id, posicion. Output: `current` plus posicion_anterior (Int64) and
    cambio_posicion (Int64, null when either month is unranked); order of `current` kept.
    """
    earlier = previous.select(
        pl.col("entidad_id"), pl.col("posicion").cast(pl.Int64).alias("posicion_anterior")
    )
    return current.join(earlier, on="entidad_id", how="left", maintain_order="left").with_columns(
        (pl.col("posicion_anterior") - pl.col("posicion")).alias("cambio_posicion")
    )
