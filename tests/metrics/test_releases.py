"""Press-release anticipation per entity and the national row (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.releases import RELEASES_SCHEMA, press_release_summary

T0 = datetime(2025, 11, 10, 14, 0)
INPUT_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "received_at": pl.Datetime("us"),
    "published_at": pl.Datetime("us"),
}


def releases(rows: Sequence[tuple[str, datetime, datetime | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(entity, entity.lower(), received, published) for entity, received, published in rows],
        schema=INPUT_SCHEMA,
        orient="row",
    )


def summary_row(
    rows: Sequence[tuple[str, datetime, datetime | None]], entity: str
) -> dict[str, object]:
    frame = press_release_summary(releases(rows))
    return frame.filter(pl.col("entidad_id") == entity).row(0, named=True)


def test_per_entity_and_total_rows() -> None:
    rows = [
        ("MINSA", T0, T0 + timedelta(hours=2)),
        ("MINSA", T0, T0 + timedelta(hours=3)),
        ("MINSA", T0 + timedelta(hours=1), T0),  # the media had it first
        ("ATTT", T0, T0),  # same instant: not in advance
        ("ATTT", T0, None),  # never published: counted, not in advance, no lead time
    ]
    expected = pl.DataFrame(
        {
            "entidad_id": ["ATTT", "MINSA", "TOTAL"],
            "entidad": ["attt", "minsa", "Total nacional"],
            "comunicados": [2, 3, 5],
            "con_anticipacion": [0, 2, 2],
            "pct_con_anticipacion": [0.0, 66.7, 40.0],
            # MINSA lead times -1, 2, 3 h; all published: -1, 0, 2, 3 -> median 1.0
            "mediana_anticipacion_horas": [0.0, 2.0, 1.0],
        },
        schema=RELEASES_SCHEMA,
    )
    assert_frame_equal(press_release_summary(releases(rows)), expected)


def test_only_unpublished_releases_have_no_median() -> None:
    row = summary_row([("MEF", T0, None), ("MEF", T0, None)], "MEF")
    assert row["comunicados"] == 2
    assert row["con_anticipacion"] == 0
    assert row["pct_con_anticipacion"] == 0.0
    assert row["mediana_anticipacion_horas"] is None


@pytest.mark.parametrize(
    ("lead_minutes", "median_hours"),
    [
        ([75], 1.3),  # 1.25 h rounds half away from zero
        ([-75], -1.3),
        ([60, 90], 1.3),  # interpolated median 75 min
        ([1, 2, 3, 600], 0.0),  # median 2.5 min = 0.0417 h
        ([3, 6], 0.1),  # 4.5 min = 0.075 h
        ([0, 0, 10_000], 0.0),
    ],
)
def test_median_lead_time_interpolates_and_rounds(
    lead_minutes: list[int], median_hours: float
) -> None:
    rows = [("MEF", T0, T0 + timedelta(minutes=m)) for m in lead_minutes]
    assert summary_row(rows, "MEF")["mediana_anticipacion_horas"] == median_hours


def test_sub_second_lead_times_are_exact() -> None:
    # 0.05 h = 180 s; 180.000001 s rounds up to 0.1 h, 179.999999 s down to 0.0 h.
    up = [("MEF", T0, T0 + timedelta(seconds=180, microseconds=1))]
    down = [("MEF", T0, T0 + timedelta(seconds=179, microseconds=999_999))]
    assert summary_row(up, "MEF")["mediana_anticipacion_horas"] == 0.1
    assert summary_row(down, "MEF")["mediana_anticipacion_horas"] == 0.0


def test_no_releases_gives_only_an_empty_total_row() -> None:
    expected = pl.DataFrame(
        {
            "entidad_id": ["TOTAL"],
            "entidad": ["Total nacional"],
            "comunicados": [0],
            "con_anticipacion": [0],
            "pct_con_anticipacion": [None],
            "mediana_anticipacion_horas": [None],
        },
        schema=RELEASES_SCHEMA,
    )
    assert_frame_equal(press_release_summary(pl.DataFrame(schema=INPUT_SCHEMA)), expected)
