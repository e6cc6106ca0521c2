"""`cac311 import transfers` (SPEC §6) on SQLite and PostgreSQL: the same readers, time zones,
profiles, quarantine and idempotence as cases; unknown cases and entities quarantined."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.cli import main
from cac311.config import Settings
from cac311.ingest import fastcsv, importer, upsert
from cac311.ingest.importer import import_bytes, import_file, preview_import
from tests.conftest import url_of

ENTITIES = (
    "entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\nMOP,Obras,ministerio\n"
    "IDAAN,Acueductos,entidad_autonoma\n"
)
CASES = (
    "case_id,entity_id,case_type,created_at,closed_at\n"
    "C1,MOP,queja,2024-01-05 08:00,2024-01-20 10:00\n"
    "C2,IDAAN,reclamo,2024-01-06 09:00,\n"
    "C3,MINSA,consulta,2024-01-07 09:00,\n"
)
HEADER = "case_id,from_entity_id,to_entity_id,transferred_at\n"


def _setup(engine: Engine) -> None:
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    cases = import_bytes(engine, Settings(), "cases", CASES.encode(), "c.csv")
    assert cases.inserted == 3


def _transfers(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select case_id, from_entity_id, to_entity_id, transferred_at from transfers"
                " order by case_id, transferred_at"
            )
        ).all()
    return [(r[0], r[1], r[2], _instant(r[3])) for r in rows]


def _instant(value: object) -> datetime:
    """A stored timestamp as a datetime (SQLite hands back its text)."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def test_transfers_import_quarantine_and_idempotence(engine: Engine) -> None:
    _setup(engine)
    text = HEADER + (
        "C1,MINSA,MOP,2024-01-05 09:30\n"  # line 2: ok (naive: Panama time)
        "C2,MOP,IDAAN,2024-01-06T15:00:00Z\n"  # line 3: ok (an instant)
        "C2,MOP,IDAAN,2024-01-06T10:00:00-05:00\n"  # line 4: the same instant: duplicate
        "C9,MINSA,MOP,2024-01-05 09:30\n"  # line 5: unknown case
        "C1,MINSA,NADIE,2024-01-05 10:30\n"  # line 6: unknown destination
        "C3,MINSA,MINSA,2024-01-08 10:30\n"  # line 7: same entity
        "C3,MOP,MINSA,2024-01-07 08:59\n"  # line 8: before the case was created
        "C3,MOP,MINSA,ayer\n"  # line 9: unreadable time
        ",MOP,MINSA,2024-01-08 10:30\n"  # line 10: no case
        "C3,MOP,MINSA,2024-01-07 09:00\n"  # line 11: ok (at the very creation)
    )
    report = import_bytes(engine, Settings(), "transfers", text.encode(), "t.csv")
    assert (report.rows_read, report.inserted, report.quarantined) == (10, 3, 7)
    assert report.accepted + report.quarantined == report.rows_read
    assert dict(report.reasons) == {
        "id_duplicado": 1,
        "caso_desconocido": 1,
        "entidad_desconocida": 1,
        "traslado_misma_entidad": 1,
        "traslado_antes_de_creacion": 1,
        "fecha_ilegible": 1,
        "valor_faltante": 1,
    }
    rejected = report.first_rejected(10).select("linea", "codigo", "detalle").rows()
    assert rejected == [
        (4, "id_duplicado", "C2|MOP|IDAAN|2024-01-06 15:00:00.000000 repetido"),
        (5, "caso_desconocido", "case_id «C9»"),
        (6, "entidad_desconocida", "to_entity_id «NADIE»"),
        (7, "traslado_misma_entidad", "from_entity_id y to_entity_id «MINSA»"),
        (
            8,
            "traslado_antes_de_creacion",
            "transferred_at «2024-01-07 08:59» anterior a la creación del caso «C3» "
            "(2024-01-07 09:00, America/Panama)",
        ),
        (9, "fecha_ilegible", "transferred_at «ayer»"),
        (10, "valor_faltante", "falta case_id"),
    ]
    stored = [
        ("C1", "MINSA", "MOP", datetime(2024, 1, 5, 14, 30)),
        ("C2", "MOP", "IDAAN", datetime(2024, 1, 6, 15, 0)),
        ("C3", "MOP", "MINSA", datetime(2024, 1, 7, 14, 0)),
    ]
    assert _transfers(engine) == stored
    again = import_bytes(engine, Settings(), "transfers", text.encode(), "t.csv")
    assert (again.inserted, again.updated, again.unchanged, again.quarantined) == (0, 0, 3, 7)
    assert _transfers(engine) == stored


def test_the_database_refuses_a_second_copy_of_a_transfer(engine: Engine) -> None:
    """The idempotence key is a unique index, whatever writes the table."""
    _setup(engine)
    row = {"c": "C1", "f": "MINSA", "t": "MOP", "at": datetime(2024, 1, 5, 14, 30)}
    insert = sa.text(
        "insert into transfers (case_id, from_entity_id, to_entity_id, transferred_at)"
        " values (:c, :f, :t, :at)"
    )
    with engine.begin() as conn:
        conn.execute(insert, row)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(insert, row)


def test_time_zone_option_profile_and_preview(engine: Engine, tmp_path: Path) -> None:
    _setup(engine)
    profile = tmp_path / "traslados.toml"
    profile.write_text(
        'kind = "transfers"\ntimezone = "America/Bogota"\n'
        '[columns]\ncase_id = "Caso"\nfrom_entity_id = "Desde"\nto_entity_id = "Hacia"\n'
        'transferred_at = "Fecha"\n[dates]\nformats = ["%d/%m/%Y %H:%M"]\n'
        '[values.to_entity_id]\n"Ministerio de Obras" = "MOP"\n',
        encoding="utf-8",
    )
    data = "Caso;Desde;Hacia;Fecha;Notas\nC1;MINSA;Ministerio de Obras;05/01/2024 09:30;x\n"
    path = tmp_path / "traslados.csv"
    path.write_text(data, encoding="cp1252")
    preview = preview_import(
        engine, Settings(), "transfers", data.encode(), "traslados.csv", mapping_path=profile
    )
    assert (preview.inserted, preview.quarantined) == (1, 0)
    assert _transfers(engine) == []
    report = import_file(
        engine, Settings(), "transfers", path, mapping_path=profile, encoding="cp1252"
    )
    assert (report.inserted, report.quarantined) == (1, 0)
    # 09:30 in Bogotá (UTC-5, the profile's zone) = 14:30 UTC; --timezone overrides it.
    assert _transfers(engine) == [("C1", "MINSA", "MOP", datetime(2024, 1, 5, 14, 30))]
    other = tmp_path / "otra_zona.csv"
    other.write_text(data.replace("09:30", "20:30"), encoding="utf-8")
    again = import_file(
        engine, Settings(), "transfers", other, mapping_path=profile, timezone="UTC"
    )
    assert (again.inserted, again.quarantined) == (1, 0)
    assert _transfers(engine)[1] == ("C1", "MINSA", "MOP", datetime(2024, 1, 5, 20, 30))


def _indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            query = "select indexname from pg_indexes where tablename = 'transfers'"
        else:
            query = "select name from sqlite_master where type = 'index' and tbl_name = 'transfers'"
        return {str(n) for n in conn.execute(sa.text(query)).scalars()}


@pytest.mark.parametrize("direct_min_rows", [10, 10**9])
def test_transfers_across_batches_look_up_each_batch_cases(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, direct_min_rows: int
) -> None:
    """Many small batches (a case lookup each); on PostgreSQL also the direct first load, whose
    rebuilt indexes include the idempotence key."""
    _setup(engine)
    indexes = _indexes(engine)
    assert "uq_transfers_key" in indexes
    lines = [
        f"{('C1', 'C2', 'C9')[i % 3]},MINSA,MOP,2024-01-{10 + i // 3:02d} 10:00\n"
        for i in range(30)
    ]
    data = (HEADER + "".join(lines)).encode()
    monkeypatch.setattr(fastcsv, "BLOCK_BYTES", 64)
    monkeypatch.setattr(importer, "BATCH_ROWS", 4)
    monkeypatch.setattr(upsert, "DIRECT_MIN_ROWS", direct_min_rows)
    report = import_bytes(engine, Settings(), "transfers", data, "t.csv")
    assert (report.inserted, dict(report.reasons)) == (20, {"caso_desconocido": 10})
    assert len(_transfers(engine)) == 20
    assert _indexes(engine) == indexes
    again = import_bytes(engine, Settings(), "transfers", data, "t.csv")
    assert (again.inserted, again.unchanged, again.quarantined) == (0, 20, 10)


def test_cli_import_transfers(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(engine)
    path = tmp_path / "traslados.csv"
    path.write_text(HEADER + "C1,MINSA,MOP,2024-01-05 09:30\nC9,MINSA,MOP,2024-01-05 09:30\n")
    assert main(["import", "transfers", str(path), "--database-url", url_of(engine)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Insertados: 1",
        "Actualizados: 0",
        "Sin cambios: 0",
        "En cuarentena: 1 (caso no registrado (importe los casos antes que sus traslados)"
        " [caso_desconocido]: 1)",
        "Avisos: 0",
    ]
