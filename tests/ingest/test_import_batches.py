"""Batches are validated in parallel, yet every row gets the reason a single pass over the whole
file gives it: the same quarantine (line, reason, detail) and the same stored rows whatever the
batch size, including ids repeated across batches on rows that fail other checks too."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.ingest import fastcsv, importer
from cac311.ingest.importer import import_bytes
from tests.conftest import empty_tables

ENTITIES = "entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\nMOP,Obras,ministerio\n"
HEADER = "case_id,entity_id,case_type,created_at,closed_at,status,channel\n"


def _random_cases(seed: int, rows: int = 120) -> str:
    """Rows with ids drawn from a small pool (so repeats near and far), some bad values."""
    rng = random.Random(seed)
    lines = []
    for _ in range(rows):
        case_id = f"R{rng.randrange(rows * 2 // 3):03d}"
        entity = rng.choice(["MINSA", "MOP", "MOP", "NADIE"])
        created = rng.choice([f"2024-03-0{rng.randrange(1, 10)} 09:15:00"] * 5 + ["ayer"])
        closed = rng.choice(["", "2024-03-20 10:00:00", "2024-02-01 10:00:00", "31/02/2024"])
        status = "cerrado" if closed else rng.choice(["abierto", "abierto", "cerrado"])
        case_type = rng.choice(["queja", "reclamo", "consulta", "otra cosa"])
        lines.append(f"{case_id},{entity},{case_type},{created},{closed},{status},web\n")
    return HEADER + "".join(lines)


def _outcome(engine: Engine, data: bytes) -> tuple[list[tuple[object, ...]], ...]:
    empty_tables(engine)
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    import_bytes(engine, Settings(), "cases", data, "c.csv")
    with engine.connect() as conn:
        quarantine = conn.execute(
            sa.text(
                "select line_number, reason, detail, raw_row from quarantine"
                " where reason is not null order by line_number"
            )
        ).all()
        cases = conn.execute(
            sa.text("select case_id, entity_id, created_at, closed_at from cases order by case_id")
        ).all()
    return [tuple(r) for r in quarantine], [tuple(r) for r in cases]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reasons_do_not_depend_on_batching(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    data = _random_cases(seed).encode()
    whole = _outcome(engine, data)
    with monkeypatch.context() as patch:
        patch.setattr(fastcsv, "BLOCK_BYTES", 256)
        patch.setattr(importer, "BATCH_ROWS", 5)
        batched = _outcome(engine, data)
    quarantine, cases = whole
    assert batched == whole
    reasons = {reason for _, reason, _, _ in quarantine}
    assert {"id_duplicado", "fecha_ilegible", "entidad_desconocida"} <= reasons
    assert len(quarantine) + len(cases) == 120


def test_repeat_of_an_earlier_batch_is_a_duplicate_before_any_other_reason(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = "".join(f"D{i:02d},MINSA,queja,2024-03-01 09:00:00,,abierto,web\n" for i in range(20))
    repeat_with_bad_date = "D03,MINSA,queja,ayer,,abierto,web\n"
    monkeypatch.setattr(fastcsv, "BLOCK_BYTES", 256)
    monkeypatch.setattr(importer, "BATCH_ROWS", 5)
    quarantine, cases = _outcome(engine, (HEADER + good + repeat_with_bad_date).encode())
    assert [(line, reason, detail) for line, reason, detail, _ in quarantine] == [
        (22, "id_duplicado", "D03 repetido")
    ]
    assert len(cases) == 20
