from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.ranking import position_changes, rank_entities, wilson_lower_bound


@pytest.mark.parametrize(
    ("s", "n", "expected"),
    [
        (20, 20, 20 / (20 + 1.96**2)),  # p = 1: n / (n + z²)
        (0, 20, 0.0),
        (10, 20, 0.2992949),  # textbook value for 10/20 at 95 %
        (1, 1, 1 / (1 + 1.96**2)),
    ],
)
def test_wilson_lower_bound(s: int, n: int, expected: float) -> None:
    assert wilson_lower_bound(s, n) == pytest.approx(expected, abs=1e-7)


def test_wilson_of_nothing_is_none() -> None:
    assert wilson_lower_bound(0, 0) is None
    with pytest.raises(ValueError):
        wilson_lower_bound(3, 2)


def counts(rows: list[tuple[str, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"entidad_id": pl.String, "n": pl.Int64, "s": pl.Int64}, orient="row"
    )


def test_n_19_is_not_ranked_n_20_is() -> None:
    got = rank_entities(counts([("N19", 19, 19), ("N20", 20, 20)]), min_n=20)
    assert got.select("entidad_id", "clasificada", "posicion").rows() == [
        ("N20", True, 1),
        ("N19", False, None),
    ]


def test_ties_go_to_larger_n_then_smaller_id_and_positions_have_no_gaps() -> None:
    got = rank_entities(
        counts(
            [
                ("ZZZ", 20, 20),  # same score and n as AAA: smaller id first
                ("AAA", 20, 20),
                ("BIG", 400, 390),  # 97.5 % over 400 beats 100 % over 20
                ("SMALL", 5, 5),  # not classified: no position, no gap
                ("ZERO1", 25, 0),  # s = 0 scores 0 (± float noise): a tie broken by n
                ("ZERO2", 30, 0),
                ("NONE", 0, 0),
            ]
        ),
        min_n=20,
    )
    assert got.select("entidad_id", "posicion").rows() == [
        ("BIG", 1),
        ("AAA", 2),
        ("ZZZ", 3),
        ("ZERO2", 4),
        ("ZERO1", 5),
        ("NONE", None),
        ("SMALL", None),
    ]


def test_scores_equal_to_12_decimals_tie() -> None:
    # Same proportion with the same n gives the same score; a larger n with the same
    # proportion scores higher (less uncertainty), so it is not a tie.
    got = rank_entities(counts([("B", 40, 30), ("A", 40, 30), ("C", 80, 60)]), min_n=20)
    assert got["entidad_id"].to_list() == ["C", "A", "B"]


def test_position_changes() -> None:
    current = pl.DataFrame({"entidad_id": ["A", "B", "C"], "posicion": [1, 2, None]})
    previous = pl.DataFrame({"entidad_id": ["B", "A", "C"], "posicion": [1, 3, 2]})
    got = position_changes(current, previous)
    want = pl.DataFrame(
        {
            "entidad_id": ["A", "B", "C"],
            "posicion": [1, 2, None],
            "posicion_anterior": [3, 1, 2],
            "cambio_posicion": [2, -1, None],
        },
        schema={
            "entidad_id": pl.String,
            "posicion": pl.Int64,
            "posicion_anterior": pl.Int64,
            "cambio_posicion": pl.Int64,
        },
    )
    assert_frame_equal(got, want)
