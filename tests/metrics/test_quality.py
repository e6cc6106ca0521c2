"""Same-minute closures and quarantine summaries (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.quality import (
    QUARANTINE_REASONS_SCHEMA,
    SAME_MINUTE_SCHEMA,
    quarantine_reasons,
    same_minute_expr,
    same_minute_share,
)

T0 = datetime(2025, 11, 3, 23, 59, 30)


@pytest.mark.parametrize(
    ("elapsed", "same"),
    [
        (timedelta(0), True),
        (timedelta(seconds=59, microseconds=999_999), True),
        (timedelta(seconds=60), False),
        (timedelta(hours=2), False),
        (None, None),
    ],
)
def test_same_minute_means_under_sixty_seconds(
    elapsed: timedelta | None, same: bool | None
) -> None:
    frame = pl.DataFrame(
        {"created_at": [T0], "closed_at": [None if elapsed is None else T0 + elapsed]},
        schema={"created_at": pl.Datetime("us"), "closed_at": pl.Datetime("us")},
    )
    result = frame.select(same_minute_expr(pl.col("created_at"), pl.col("closed_at")).alias("x"))
    assert result["x"].to_list() == [same]


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
