"""Open-case aging buckets, the list windows and the case list (SPEC §3, pure)."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.aging import (
    AGING_SCHEMA,
    MAX_AGE,
    OPEN_CASES_SCHEMA,
    age_window,
    aging_buckets,
    open_case_list,
)

LABELS = ["0–10", "11–20", "21–30", "31–60", "61–90", ">90"]


def ages(pairs: list[tuple[int, int]]) -> pl.DataFrame:
    return pl.DataFrame(pairs, schema={"edad": pl.Int64, "casos": pl.Int64}, orient="row")


def expected_buckets(counts: list[int], vencido: list[bool]) -> pl.DataFrame:
    return pl.DataFrame(
        {"tramo": LABELS, "orden": [1, 2, 3, 4, 5, 6], "casos": counts, "vencido": vencido},
        schema=AGING_SCHEMA,
    )


LEGAL_30 = [False, False, False, True, True, True]


@pytest.mark.parametrize(
    ("age", "bucket"),
    [
        (0, 0),
        (10, 0),
        (11, 1),
        (20, 1),
        (21, 2),
        (30, 2),
        (31, 3),
        (60, 3),
        (61, 4),
        (90, 4),
        (91, 5),
        (4000, 5),
    ],
)
def test_each_boundary_age_falls_in_its_bucket(age: int, bucket: int) -> None:
    counts = [0] * 6
    counts[bucket] = 3
    assert_frame_equal(aging_buckets(ages([(age, 3)]), 30), expected_buckets(counts, LEGAL_30))


def test_counts_add_up_per_bucket_and_zero_counts_are_ignored() -> None:
    frame = ages([(0, 2), (5, 1), (25, 4), (31, 1), (45, 0), (95, 2), (300, 1)])
    assert_frame_equal(aging_buckets(frame, 30), expected_buckets([3, 0, 4, 1, 0, 3], LEGAL_30))


def test_no_open_cases_still_gives_all_six_buckets() -> None:
    assert_frame_equal(aging_buckets(ages([]), 30), expected_buckets([0] * 6, LEGAL_30))


@pytest.mark.parametrize(
    ("legal_limit", "vencido"),
    [
        (30, LEGAL_30),
        (20, [False, False, True, True, True, True]),
        (45, [False, False, False, False, True, True]),
        (10, [False, True, True, True, True, True]),
    ],
)
def test_a_bucket_is_vencido_when_its_lower_edge_exceeds_the_limit(
    legal_limit: int, vencido: list[bool]
) -> None:
    assert aging_buckets(ages([]), legal_limit)["vencido"].to_list() == vencido


def test_input_frame_is_not_mutated() -> None:
    frame = ages([(3, 1)])
    before = frame.clone()
    aging_buckets(frame, 30)
    assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("which", "window"),
    [
        ("vencidos", (31, MAX_AGE)),
        ("por_vencer", (25, 30)),
        ("abiertos", (0, MAX_AGE)),
    ],
)
def test_age_windows_of_the_case_lists(which: str, window: tuple[int, int]) -> None:
    assert age_window(which, 30, 25) == window


def test_unknown_case_list_is_refused() -> None:
    with pytest.raises(ValueError, match="lista de casos desconocida"):
        age_window("todos", 30, 25)


def make_open(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "case_id": "C1",
        "entity_id": "MINSA",
        "case_type": "queja",
        "category": "citas",
        "channel": "web",
        "province": "PA-8",
        "created_on": date(2025, 10, 1),
        "edad": 10,
        "sla_days": None,
    }
    return {**row, **overrides}


def test_case_list_sorts_oldest_first_and_compares_age_with_the_sla() -> None:
    rows = pl.DataFrame(
        [
            make_open(case_id="B", edad=12, sla_days=12),
            make_open(case_id="A", edad=12, sla_days=11),
            make_open(case_id="C", edad=40, sla_days=None),
            make_open(case_id="D", edad=0, sla_days=0),
        ],
        schema={
            "case_id": pl.String,
            "entity_id": pl.String,
            "case_type": pl.String,
            "category": pl.String,
            "channel": pl.String,
            "province": pl.String,
            "created_on": pl.Date,
            "edad": pl.Int32,
            "sla_days": pl.Int32,
        },
    )
    expected = pl.DataFrame(
        {
            "case_id": ["C", "A", "B", "D"],
            "entidad_id": ["MINSA"] * 4,
            "case_type": ["queja"] * 4,
            "category": ["citas"] * 4,
            "channel": ["web"] * 4,
            "province": ["PA-8"] * 4,
            "created_on": [date(2025, 10, 1)] * 4,
            "edad_dias": [40, 12, 12, 0],
            "sla_days": [None, 11, 12, 0],
            "estado_sla": [None, "fuera", "dentro", "dentro"],
        },
        schema=OPEN_CASES_SCHEMA,
    )
    assert_frame_equal(open_case_list(rows), expected)
