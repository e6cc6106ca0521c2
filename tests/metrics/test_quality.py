"""Same-minute closures and quarantine summaries (pure)."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from metrics.quality import (
    QUARANTINE_REASONS_SCHEMA,
    SAME_MINUTE_SCHEMA,
    quarantine_reasons,
    same_minute_share,
)


def test_share_per_entity() -> None:
    counts = pl.DataFrame(
        {
            "entidad_id": ["MOP", "ATTT", "MEF"],
            "entidad": ["mop", "attt", "mef"],
            "cerrados": [8, 3, 0],
            "mismo_minuto": [1, 0, 0],
        }
    )
    expected = pl.DataFrame(
        {
            "entidad_id": ["ATTT", "MOP"],
            "entidad": ["attt", "mop"],
            "cerrados": [3, 8],
            "mismo_minuto": [0, 1],
            "pct_mismo_minuto": [0.0, 12.5],
        },
        schema=SAME_MINUTE_SCHEMA,
    )
    assert_frame_equal(same_minute_share(counts), expected)


def test_quarantine_reasons_are_summed_and_most_frequent_first() -> None:
    counts = pl.DataFrame(
        {
            "reason": ["fecha ilegible", "entidad desconocida", "fecha ilegible", "id faltante"],
            "filas": [2, 3, 2, 3],
        }
    )
    expected = pl.DataFrame(
        {"reason": ["fecha ilegible", "entidad desconocida", "id faltante"], "filas": [4, 3, 3]},
        schema=QUARANTINE_REASONS_SCHEMA,
    )
    assert_frame_equal(quarantine_reasons(counts), expected)
