"""The vectorised normalisation of descriptive case fields (`descriptive.descriptive_values`)
against a slow row-by-row reference written straight from the rule (SPEC §6), on random rows."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from cac311.ingest.descriptive import WARNINGS_SCHEMA, descriptive_values, stored
from cac311.ingest.kinds import SPECS
from cac311.ingest.provinces import province_code

# Small caps, so random texts are often cut (and cut next to a space); the real ones are 200, 40
# and 120 (`test_real_caps_are_the_column_sizes`).
SPEC = replace(SPECS["cases"], text_caps={"category": 6, "channel": 4, "district": 5})
CAPS = SPEC.text_caps
# Letters with and without accents, capitals, punctuation, spaces inside, and NUL.
ALPHABET = "abcXYZáÉñÜ /-_.'0\x00"


def _reference(row: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """What the rule says is stored, and the warnings, for one row (inputs already trimmed)."""
    out: dict[str, Any] = {}
    warnings: list[tuple[Any, ...]] = []
    line, key = row["__line"], row["__key"]
    for column, cap in CAPS.items():
        value = row[column]
        shown = None if value is None else value.replace("\x00", "\u2400")
        if value is not None and "\x00" in value:
            value = value.replace("\x00", "").strip() or None
            warnings.append((line, key, column, "caracter_nulo_eliminado", shown))
        if column == "channel" and value is not None:
            value = value.lower()
        if value is not None and len(value) > cap:
            value = value[:cap].rstrip()
            warnings.append((line, key, column, "texto_recortado", shown))
        out[column] = value
        warnings = [(*w, value) if w[2] == column and len(w) == 5 else w for w in warnings]
    province = row["province"]
    out["province"] = None if province is None else province_code(province)
    if province is not None and out["province"] is None:
        warnings.append((line, key, "province", "provincia_desconocida", province, None))
    sla = row["sla_days"]
    number: float | None
    try:
        number = None if sla is None else float(sla)
    except ValueError:
        number = None
    valid = number is not None and 0 <= number < 10_000 and number == int(number)
    out["sla_days"] = int(number) if valid and number is not None else None
    if sla is not None and not valid:
        warnings.append((line, key, "sla_days", "sla_invalido", sla, None))
    return out, warnings


def _text(max_size: int) -> st.SearchStrategy[str | None]:
    raw = st.text(alphabet=ALPHABET, min_size=1, max_size=max_size)
    trimmed = raw.map(str.strip).filter(bool)
    return st.none() | trimmed


PROVINCE_VALUES = st.none() | st.sampled_from(
    ["PA-8", "pa-10", "Panamá Oeste", "NGÄBE-BUGLÉ", "Kuna Yala", "PA08", "8", "Marte", "Colón"]
)
SLA_VALUES = st.none() | st.sampled_from(
    ["5", "5.0", "0", "007", "9999", "10000", "-3", "5.5", "cinco", "1e3", "-0"]
)


@st.composite
def _rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=12))
    return [
        {
            "__line": line + 2,
            "__key": f"C{line}",
            "category": draw(_text(9)),
            "channel": draw(_text(7)),
            "district": draw(_text(8)),
            "province": draw(PROVINCE_VALUES),
            "sla_days": draw(SLA_VALUES),
        }
        for line in range(count)
    ]


@settings(max_examples=150, deadline=None)
@given(rows=_rows())
def test_fast_path_equals_the_row_by_row_rule(rows: list[dict[str, Any]]) -> None:
    frame = pl.DataFrame(
        rows,
        schema={
            "__line": pl.Int64,
            "__key": pl.String,
            **dict.fromkeys(SPEC.descriptive, pl.String),
        },
    )
    typed, warnings = descriptive_values(frame, SPEC)
    expected = [_reference(row) for row in rows]
    for column in SPEC.descriptive:
        assert typed.get_column(stored(column)).to_list() == [v[column] for v, _ in expected]
    assert warnings.schema == pl.Schema(WARNINGS_SCHEMA)
    assert sorted(warnings.rows(), key=repr) == sorted(
        (w for _, ws in expected for w in ws), key=repr
    )
    for column, cap in CAPS.items():
        assert (typed.get_column(stored(column)).str.len_chars().fill_null(0) <= cap).all()


def test_clean_batch_has_no_warning_and_keeps_values() -> None:
    frame = pl.DataFrame(
        {
            "__line": [2, 3],
            "__key": ["A", "B"],
            "category": ["Agua potable", "Recolección / Aseo"],
            "channel": ["Mobile/Open311", "integrated agency"],
            "district": ["Arraiján", None],
            "province": ["PA-8", None],
            "sla_days": ["5", None],
        }
    )
    typed, warnings = descriptive_values(frame, SPECS["cases"])
    assert warnings.is_empty()
    assert typed.select(stored(c) for c in SPEC.descriptive).rows() == [
        ("Agua potable", "mobile/open311", "PA-8", "Arraiján", 5),
        ("Recolección / Aseo", "integrated agency", None, None, None),
    ]


def test_real_caps_are_the_column_sizes() -> None:
    """Migration 0001: category varchar(200), channel varchar(40), district varchar(120)."""
    assert SPECS["cases"].text_caps == {"category": 200, "channel": 40, "district": 120}


def test_a_cut_text_keeps_no_trailing_space() -> None:
    frame = pl.DataFrame(
        {
            "__line": [2],
            "__key": ["A"],
            "category": ["a" * 199 + " b"],
            "channel": ["x" * 41],
            "district": ["d" * 120],
            "province": [None],
            "sla_days": [None],
        },
        schema_overrides={"province": pl.String, "sla_days": pl.String},
    )
    typed, warnings = descriptive_values(frame, SPECS["cases"])
    assert typed.row(0, named=True)[stored("category")] == "a" * 199
    assert typed.row(0, named=True)[stored("channel")] == "x" * 40
    assert typed.row(0, named=True)[stored("district")] == "d" * 120
    assert warnings.select("field", "code", "stored").rows() == [
        ("category", "texto_recortado", "a" * 199),
        ("channel", "texto_recortado", "x" * 40),
    ]
