"""metrics.transfers (docs/metrics.md §15): per-entity figures and the top-N matrix, by hand and
against a slow reference (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.transfers import (
    BREACH_SCHEMA,
    ENTITY_SCHEMA,
    FLOW_SCHEMA,
    HELD_SCHEMA,
    OTHERS,
    RECEIVED_SCHEMA,
    entity_figures,
    matrix_labels,
    transfer_matrix,
)
from tests.reference import quantile, round1


def flows(rows: list[tuple[str, str, int]], kept: set[str] | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        [(o, d, n, n, kept is None or o in kept, kept is None or d in kept) for o, d, n in rows],
        schema=FLOW_SCHEMA,
        orient="row",
    )


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def test_entity_figures_by_hand() -> None:
    pairs = flows([("A", "B", 3), ("B", "A", 1), ("C", "B", 2)])
    received = pl.DataFrame([("B", 4), ("A", 1)], schema=RECEIVED_SCHEMA, orient="row")
    held = pl.DataFrame(
        [("A", 2, 1), ("A", 10, 2), ("B", 0, 1), ("C", 1, 1), ("C", 4, 1)],
        schema=HELD_SCHEMA,
        orient="row",
    )
    breaches = pl.DataFrame([("B", 2, 1), ("D", 1, 1)], schema=BREACH_SCHEMA, orient="row")
    got = entity_figures(pairs, received, held, breaches)
    assert got.schema == pl.Schema(ENTITY_SCHEMA)
    assert got.rows() == [
        # A: out 3, in 1, received 1, held 2,10,10 → median 10
        ("A", 3, 1, 1, 10.0, 0, 0),
        ("B", 1, 5, 4, 0.0, 2, 1),
        ("C", 2, 0, 0, 2.5, 0, 0),  # held 1 and 4 → 2.5
        ("D", 0, 0, 0, None, 1, 1),  # a breach in M without transfers in M
    ]


def test_entity_figures_count_only_the_kept_side() -> None:
    pairs = flows([("A", "B", 3), ("B", "C", 1)], kept={"B"})
    got = entity_figures(pairs, empty(RECEIVED_SCHEMA), empty(HELD_SCHEMA), empty(BREACH_SCHEMA))
    assert got.rows() == [("B", 1, 3, 0, None, 0, 0)]


def test_entity_figures_empty() -> None:
    got = entity_figures(
        empty(FLOW_SCHEMA), empty(RECEIVED_SCHEMA), empty(HELD_SCHEMA), empty(BREACH_SCHEMA)
    )
    assert got.is_empty() and got.schema == pl.Schema(ENTITY_SCHEMA)


def test_matrix_top_n_and_others_by_hand() -> None:
    pairs = flows([("A", "B", 5), ("B", "A", 1), ("C", "D", 2), ("D", "E", 1), ("A", "C", 1)])
    # volume: A 7, B 6, C 3, D 3, E 1 → top 2 = A, B
    assert matrix_labels(pairs, 2) == ["A", "B", OTHERS]
    assert transfer_matrix(pairs, 2).rows() == [
        ("A", "B", 5),
        ("A", OTHERS, 1),
        ("B", "A", 1),
        (OTHERS, OTHERS, 3),
    ]
    assert matrix_labels(pairs, 5) == ["A", "B", "C", "D", "E"]  # no «Otras» when all fit
    with pytest.raises(ValueError):
        matrix_labels(pairs, 0)


def test_matrix_ties_are_broken_by_code() -> None:
    pairs = flows([("B", "A", 1), ("C", "D", 1)])
    assert matrix_labels(pairs, 3) == ["A", "B", "C", OTHERS]


entity = st.sampled_from(["A", "B", "C", "D", "E", "F"])
flow_rows = st.lists(
    st.tuples(entity, entity, st.integers(1, 9)).filter(lambda r: r[0] != r[1]),
    unique_by=lambda r: (r[0], r[1]),
    max_size=20,
)


@given(rows=flow_rows, top_n=st.integers(1, 7))
def test_matrix_matches_reference(rows: list[tuple[str, str, int]], top_n: int) -> None:
    volume: dict[str, int] = defaultdict(int)
    for origin, destination, n in rows:
        volume[origin] += n
        volume[destination] += n
    ranked = sorted(volume, key=lambda e: (-volume[e], e))
    top = ranked[:top_n]
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for origin, destination, n in rows:
        fold_o = origin if origin in top else OTHERS
        fold_d = destination if destination in top else OTHERS
        cells[(fold_o, fold_d)] += n
    labels = top + ([OTHERS] if len(ranked) > top_n else [])
    expected = sorted(
        cells.items(), key=lambda kv: (labels.index(kv[0][0]), labels.index(kv[0][1]))
    )
    got = transfer_matrix(flows(rows), top_n)
    assert matrix_labels(flows(rows), top_n) == labels
    assert got.rows() == [(o, d, n) for (o, d), n in expected]
    assert got["traslados"].sum() == sum(n for _, _, n in rows)


@given(
    rows=flow_rows,
    held=st.lists(st.tuples(entity, st.integers(0, 40)), max_size=30),
)
def test_entity_figures_match_reference(
    rows: list[tuple[str, str, int]], held: list[tuple[str, int]]
) -> None:
    histogram = (
        pl.DataFrame(held, schema={"entidad_id": pl.String, "dias": pl.Int64}, orient="row")
        .group_by("entidad_id", "dias")
        .agg(pl.len().cast(pl.Int64).alias("casos"))
    )
    got = entity_figures(flows(rows), empty(RECEIVED_SCHEMA), histogram, empty(BREACH_SCHEMA))
    out: dict[str, int] = defaultdict(int)
    into: dict[str, int] = defaultdict(int)
    for origin, destination, n in rows:
        out[origin] += n
        into[destination] += n
    days: dict[str, list[int]] = defaultdict(list)
    for who, d in held:
        days[who].append(d)
    ids = sorted(set(out) | set(into) | set(days))
    assert got.rows() == [
        (e, out[e], into[e], 0, round1(quantile(days[e], Fraction(1, 2))), 0, 0) for e in ids
    ]
