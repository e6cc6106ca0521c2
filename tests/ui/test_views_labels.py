"""Codes shown as labels in tables: one function for every page (cac311.ui.views.labels)."""

from __future__ import annotations

import polars as pl

from cac311.ui.views.labels import relabel


def test_known_codes_become_labels_and_unknown_ones_stay() -> None:
    frame = pl.DataFrame({"estado": ["al_dia", "raro", None], "n": [1, 2, 3]})
    shown = relabel(frame, {"estado": {"al_dia": "Al día"}}, missing=None)
    assert shown["estado"].to_list() == ["Al día", "raro", None]
    assert shown["n"].to_list() == [1, 2, 3]


def test_a_missing_value_is_named_unless_asked_to_stay_missing() -> None:
    frame = pl.DataFrame({"kind": ["cases", None]})
    assert relabel(frame, {"kind": {"cases": "casos"}})["kind"].to_list() == [
        "casos",
        "(sin dato)",
    ]


def test_columns_absent_from_the_frame_are_ignored() -> None:
    frame = pl.DataFrame({"a": ["x"]})
    assert relabel(frame, {"b": {"x": "y"}}).equals(frame)
