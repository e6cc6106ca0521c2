"""Table shapes of the admin pages (cac311.ui.views.quality)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import polars as pl

from cac311.ui.views.quality import (
    QUARANTINE_EXPORT_SCHEMA,
    REASON_TABLE_SCHEMA,
    entities_with_same_minute,
    filter_values,
    quarantine_export,
    reason_counts,
    reason_table,
    same_minute_ranked,
    utc_to_local,
    value_counts,
)
from metrics.quality import QUARANTINE_ROWS_SCHEMA, SAME_MINUTE_SCHEMA

TEXTS = {"id_faltante": "falta el identificador", "entidad_desconocida": "entidad no registrada"}


def test_reason_counts_sorts_by_rows_then_code_and_drops_zeros() -> None:
    counts = Counter({"b": 2, "a": 2, "c": 5, "z": 0})
    frame = reason_counts(counts)
    assert frame.rows() == [("c", 5), ("a", 2), ("b", 2)]
    assert reason_counts({}).height == 0


def test_reason_table_adds_the_text_and_keeps_unknown_codes() -> None:
    counts = pl.DataFrame({"reason": ["entidad_desconocida", "nuevo_motivo"], "filas": [3, 1]})
    table = reason_table(counts, TEXTS)
    assert dict(table.schema) == REASON_TABLE_SCHEMA
    assert table.rows() == [
        ("entidad_desconocida", "entidad no registrada", 3),
        ("nuevo_motivo", "nuevo_motivo", 1),
    ]


def test_quarantine_export_sorts_by_line_and_names_columns_in_spanish() -> None:
    rows = pl.DataFrame(
        {
            "line_number": [7, 3],
            "reason": ["id_faltante", "entidad_desconocida"],
            "detail": ["", "XYZ"],
            "raw_row": ['{"case_id": ""}', '{"entity_id": "XYZ"}'],
        },
        schema=QUARANTINE_ROWS_SCHEMA,
    )
    out = quarantine_export(rows, TEXTS)
    assert dict(out.schema) == QUARANTINE_EXPORT_SCHEMA
    assert out["linea"].to_list() == [3, 7]
    assert out["motivo"].to_list() == ["entidad no registrada", "falta el identificador"]
    assert out["fila"].to_list()[0] == '{"entity_id": "XYZ"}'


def test_utc_to_local_converts_naive_utc_to_panama_time() -> None:
    frame = pl.DataFrame({"at": [datetime(2026, 11, 1, 3, 30), None]})
    out = utc_to_local(frame, ["at"], "America/Panama")
    assert out.schema["at"] == pl.Datetime("us", "America/Panama")
    assert out["at"][0].replace(tzinfo=None) == datetime(2026, 10, 31, 22, 30)
    assert out["at"][1] is None


def test_filter_values_and_value_counts() -> None:
    frame = pl.DataFrame({"action": ["export", "sign_in", "export", None]})
    assert filter_values(frame, "action", []).height == 4
    assert filter_values(frame, "action", ["export"]).height == 2
    assert filter_values(frame, "action", ["locked"]).height == 0
    assert value_counts(frame, "action") == {"export": 2, "sign_in": 1}


def test_same_minute_ranked_puts_the_highest_share_first() -> None:
    frame = pl.DataFrame(
        [
            ("AAA", "Uno", 10, 0, 0.0),
            ("BBB", "Dos", 10, 5, 50.0),
            ("CCC", "Tres", 20, 10, 50.0),
            ("DDD", "Cuatro", 4, 1, 25.0),
        ],
        schema=SAME_MINUTE_SCHEMA,
        orient="row",
    )
    ranked = same_minute_ranked(frame)
    assert ranked["entidad_id"].to_list() == ["CCC", "BBB", "DDD", "AAA"]
    assert ranked.schema == frame.schema


def test_entities_with_same_minute_keeps_only_those_with_a_closure() -> None:
    frame = pl.DataFrame(
        {
            "entidad_id": ["A", "B", "C"],
            "entidad": ["a", "b", "c"],
            "cerrados": [10, 0, 4],
            "mismo_minuto": [0, 0, 2],
            "pct_mismo_minuto": [0.0, None, 50.0],
        }
    )
    assert entities_with_same_minute(frame)["entidad_id"].to_list() == ["C"]
    assert entities_with_same_minute(frame.head(2)).is_empty()
