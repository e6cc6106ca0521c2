"""Import warnings as the admin pages show and download them (cac311.ui.views.quality)."""

from __future__ import annotations

from collections import Counter

import polars as pl
from polars.testing import assert_frame_equal

from cac311.ui.views.quality import (
    WARNING_EXPORT_SCHEMA,
    WARNING_TABLE_SCHEMA,
    warning_counts,
    warning_table,
    warnings_export,
)
from metrics.quality import WARNING_COUNTS_SCHEMA, WARNING_ROWS_SCHEMA

TEXTS = {
    "provincia_desconocida": "provincia desconocida → sin dato",
    "texto_recortado": "texto más largo que su columna → recortado",
}


def test_warning_counts_from_a_report_counter_drops_zeros() -> None:
    counts = Counter({("provincia_desconocida", "province"): 3, ("sla_invalido", "sla_days"): 0})
    expected = pl.DataFrame(
        {"code": ["provincia_desconocida"], "field": ["province"], "valores": [3]},
        schema=WARNING_COUNTS_SCHEMA,
    )
    assert_frame_equal(warning_counts(counts), expected)
    assert warning_counts({}).schema == pl.Schema(WARNING_COUNTS_SCHEMA)


def test_warning_table_sums_batches_sorts_and_labels() -> None:
    counts = pl.DataFrame(
        {
            "code": ["texto_recortado", "provincia_desconocida", "texto_recortado", "nuevo"],
            "field": ["channel", "province", "category", "district"],
            "valores": [2, 1, 2, 2],
        },
        schema=WARNING_COUNTS_SCHEMA,
    )
    per_batch = pl.concat([counts, counts.head(1)])  # the same code and field in two batches
    expected = pl.DataFrame(
        {
            "code": ["texto_recortado", "nuevo", "texto_recortado", "provincia_desconocida"],
            "aviso": [
                TEXTS["texto_recortado"],
                "nuevo",  # an unknown code is shown as itself
                TEXTS["texto_recortado"],
                TEXTS["provincia_desconocida"],
            ],
            "campo": ["channel", "district", "category", "province"],
            "valores": [4, 2, 2, 1],
        },
        schema=WARNING_TABLE_SCHEMA,
    )
    assert_frame_equal(warning_table(per_batch, TEXTS), expected)


def test_warnings_export_sorts_by_line_and_keeps_missing_stored_values() -> None:
    rows = pl.DataFrame(
        {
            "line_number": [9, 2, 2],
            "record_id": ["C9", "C2", "C2"],
            "field": ["province", "sla_days", "province"],
            "code": ["provincia_desconocida", "sla_invalido", "provincia_desconocida"],
            "original": ["Marte", "-3", "PA08"],
            "stored": [None, None, None],
        },
        schema=WARNING_ROWS_SCHEMA,
    )
    expected = pl.DataFrame(
        {
            "linea": [2, 2, 9],
            "id": ["C2", "C2", "C9"],
            "campo": ["province", "sla_days", "province"],
            "codigo": ["provincia_desconocida", "sla_invalido", "provincia_desconocida"],
            "aviso": [
                TEXTS["provincia_desconocida"],
                "sla_invalido",
                TEXTS["provincia_desconocida"],
            ],
            "valor_original": ["PA08", "-3", "Marte"],
            "valor_guardado": [None, None, None],
        },
        schema=WARNING_EXPORT_SCHEMA,
    )
    assert_frame_equal(warnings_export(rows, TEXTS), expected)
