"""The service SLA clock (SPEC §3), kept apart from the legal limit (pure)."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.sla import SLA_CLOCK_SCHEMA, sla_clock, sla_status_expr


@pytest.mark.parametrize(
    ("dias", "sla_days", "estado"),
    [
        (0, 0, "dentro"),
        (5, 5, "dentro"),
        (6, 5, "fuera"),
        (45, 60, "dentro"),
        (3, None, None),
        (None, 5, None),
    ],
)
def test_sla_status(dias: int | None, sla_days: int | None, estado: str | None) -> None:
    frame = pl.DataFrame(
        {"dias": [dias], "sla_days": [sla_days]}, schema={"dias": pl.Int64, "sla_days": pl.Int64}
    )
    result = frame.select(sla_status_expr(pl.col("dias"), pl.col("sla_days")).alias("estado"))
    assert result["estado"].to_list() == [estado]


def test_sla_clock_per_entity_rounds_half_away_and_drops_empty_rows() -> None:
    counts = pl.DataFrame(
        {
            "entidad_id": ["MOP", "ATTT", "MINSA", "IDAAN"],
            "cerrados_con_sla": [3, 16, 0, 8],
            "dentro_sla": [2, 1, 0, 8],
        }
    )
    expected = pl.DataFrame(
        {
            "entidad_id": ["ATTT", "IDAAN", "MOP"],
            "cerrados_con_sla": [16, 8, 3],
            "dentro_sla": [1, 8, 2],
            "pct_dentro_sla": [6.3, 100.0, 66.7],
        },
        schema=SLA_CLOCK_SCHEMA,
    )
    assert_frame_equal(sla_clock(counts), expected)


def test_sla_clock_of_nothing_is_empty_and_typed() -> None:
    empty = pl.DataFrame(
        schema={"entidad_id": pl.String, "cerrados_con_sla": pl.Int64, "dentro_sla": pl.Int64}
    )
    assert_frame_equal(sla_clock(empty), pl.DataFrame(schema=SLA_CLOCK_SCHEMA))
