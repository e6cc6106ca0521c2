"""The import-warnings queries behind Calidad de datos (`cac311.analytics.imports`), on SQLite and
PostgreSQL: per code and field (one batch or all), and one batch's rows in line order."""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics import imports
from cac311.config import Settings
from cac311.ingest.importer import import_bytes
from metrics.quality import WARNING_COUNTS_SCHEMA, WARNING_ROWS_SCHEMA

ENTITIES = b"entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\n"
HEADER = "case_id,entity_id,case_type,created_at,channel,province,sla_days\n"


def test_warnings_by_code_and_rows(engine: Engine) -> None:
    assert imports.warnings_by_code(engine).schema == pl.Schema(WARNING_COUNTS_SCHEMA)
    import_bytes(engine, Settings(), "entities", ENTITIES, "e.csv")
    first = import_bytes(
        engine,
        Settings(),
        "cases",
        (
            HEADER + "A1,MINSA,queja,2024-01-05,web,Marte,-1\nA2,MINSA,queja,2024-01-05,,Plutón,\n"
        ).encode(),
        "a.csv",
    )
    second = import_bytes(
        engine,
        Settings(),
        "cases",
        (HEADER + "B1,MINSA,queja,2024-01-05," + "x" * 41 + ",PA-8,\n").encode(),
        "b.csv",
    )
    assert (first.warned, second.warned) == (3, 1)
    everything = imports.warnings_by_code(engine)
    assert everything.rows() == [
        ("provincia_desconocida", "province", 2),
        ("sla_invalido", "sla_days", 1),
        ("texto_recortado", "channel", 1),
    ]
    assert first.batch_id is not None and second.batch_id is not None
    assert imports.warnings_by_code(engine, batch_id=second.batch_id).rows() == [
        ("texto_recortado", "channel", 1),
    ]
    rows = imports.warning_rows(engine, batch_id=first.batch_id)
    assert rows.schema == pl.Schema(WARNING_ROWS_SCHEMA)
    assert rows.rows() == [
        (2, "A1", "province", "provincia_desconocida", "Marte", None),
        (2, "A1", "sla_days", "sla_invalido", "-1", None),
        (3, "A2", "province", "provincia_desconocida", "Plutón", None),
    ]
    assert imports.warning_rows(engine, batch_id=10_000).height == 0
