"""A corpus of awkward and bad files: each refused or quarantined for the right reason.

Every file is small and written by the test. For each: nothing lost (accepted + quarantined =
data rows), the database unchanged after a refusal, and a second import changing nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.errors import UserError
from cac311.ingest.importer import import_bytes, import_file, preview_import

HEADER = "case_id,entity_id,case_type,created_at,closed_at,status,channel,province,sla_days\n"
ENTITIES = (
    "entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\nMOP,Obras Públicas,ministerio\n"
)
TABLES = (
    "import_batches",
    "entities",
    "cases",
    "quarantine",
    "directory_reviews",
    "press_releases",
)


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(sa.text(f"select * from {t} order by 1")).all()]
            for t in TABLES
        }


def _entities(engine: Engine) -> None:
    report = import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "entidades.csv")
    assert report.inserted == 2


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# (file name, bytes, expected quarantine reasons, accepted rows)
QUARANTINE_CASES = [
    (
        "dup_and_missing_id.csv",
        HEADER + "A1,MINSA,queja,2024-01-05 10:00,,,,,\nA1,MINSA,queja,2024-01-06,,,,,\n"
        ",MINSA,queja,2024-01-06,,,,,\n",
        {"id_duplicado": 1, "id_faltante": 1},
        1,
    ),
    (
        "unknown_entity_type.csv",
        HEADER + "A1,XXX,queja,2024-01-05,,,,,\nA2,MINSA,peticion,2024-01-05,,,,,\n",
        {"entidad_desconocida": 1, "tipo_desconocido": 1},
        0,
    ),
    (
        "dates.csv",
        HEADER + "A1,MINSA,queja,ayer,,,,,\nA2,MINSA,queja,1900-01-01,,,,,\n"
        "A3,MINSA,queja,2024-01-05T10:00:00Z,2024-01-04T10:00:00Z,,,,\n"
        "A4,MINSA,queja,2024-01-05T10:00:00-05:00,2024-01-05T10:00:00-05:00,,,,\n",
        {"fecha_ilegible": 1, "fecha_fuera_de_rango": 1, "cierre_antes_de_creacion": 1},
        1,
    ),
    (
        "status.csv",
        HEADER
        + "A1,MINSA,queja,2024-01-05,,cerrado,,,\nA2,MINSA,queja,2024-01-05,2024-01-06,abierto,,,\n"
        "A3,MINSA,queja,2024-01-05,,anulado,,,\nA4,MINSA,queja,2024-01-05,2024-01-06,anulado,,,\n"
        "A5,MINSA,queja,2024-01-05,,pendiente,,,\n",
        {"estado_inconsistente": 2, "estado_invalido": 1},
        2,
    ),
    (
        # Descriptive fields never quarantine a case (issue 13): an unknown province, an odd
        # channel and a negative sla_days are warnings (tests/ingest/test_import_warnings.py).
        "descriptive_fields.csv",
        HEADER + "A1,MINSA,queja,2024-01-05,,,llamada,PA-99,\nA2,MINSA,queja,2024-01-05,,,web?,,\n"
        "A3,MINSA,queja,2024-01-05,,,,,-3\nA4,MINSA,Queja,2024-01-05,,,Redes Sociales,pa-8,5\n",
        {},
        4,
    ),
    (
        # No quotes: read by the fast reader, which hands over to the exact one at the short row.
        "short_row_plain.csv",
        HEADER + "A1,MINSA,queja,2024-01-05\nA2,MINSA,queja,2024-01-05,,,,,\nA3,MINSA,queja\n",
        {"columnas_incorrectas": 2},
        1,
    ),
    (
        # NUL bytes (a damaged export): PostgreSQL cannot store them. In an id or a date the
        # row is refused; in a descriptive field (the channel of A1) the NUL is removed with a
        # warning and the case imported. Quoted, so the exact reader reads this file, and the
        # plain one the next.
        "nul_quoted.csv",
        HEADER + 'A1,MINSA,queja,2024-01-05,,,"we\x00b",,\nA\x002,MINSA,queja,ayer,,,,,\n'
        '"A3",MINSA,queja,2024-01-05\x00,,,,,\n',
        {"caracter_invalido": 2},
        1,
    ),
    (
        "nul_plain.csv",
        HEADER + "A1,MINSA,queja,2024-01-05,,,we\x00b,,\nA2,MINSA,queja\x00,2024-01-05,,,,,\n",
        {"caracter_invalido": 1},
        1,
    ),
    (
        "ragged_and_long.csv",
        HEADER + "A1,MINSA,queja,2024-01-05\n" + "B" * 81 + ",MINSA,queja,2024-01-05,,,,,\n"
        'A3,MINSA,queja,2024-01-05,,,,,"\n"\n',
        {"columnas_incorrectas": 1, "valor_demasiado_largo": 1},
        1,
    ),
]


@pytest.mark.parametrize(("name", "text", "reasons", "accepted"), QUARANTINE_CASES)
def test_quarantine_reasons_nothing_lost_and_idempotent(
    engine: Engine,
    tmp_path: Path,
    *,
    name: str,
    text: str,
    reasons: dict[str, int],
    accepted: int,
) -> None:
    _entities(engine)
    path = _write(tmp_path, name, text.encode())
    report = import_file(engine, Settings(), "cases", path)
    assert dict(report.reasons) == reasons
    assert report.inserted == accepted
    assert report.accepted + report.quarantined == report.rows_read
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("select count(*) from quarantine where batch_id = :b"), {"b": report.batch_id}
        ).scalar_one()
        cases = conn.execute(sa.text("select count(*) from cases")).scalar_one()
    assert (stored, cases) == (report.quarantined, accepted)
    before = _snapshot(engine)["cases"]
    again = import_file(engine, Settings(), "cases", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, accepted)
    assert _snapshot(engine)["cases"] == before


def test_quarantine_keeps_line_numbers_and_verbatim_rows(engine: Engine) -> None:
    _entities(engine)
    text = HEADER + 'A1,MINSA,"queja\nurgente",2024-01-05,,,,,\nA2,XXX,queja, 2024-01-05 ,,,,,\n'
    report = import_bytes(engine, Settings(), "cases", text.encode(), "x.csv")
    rejected = report.first_rejected(5).to_dicts()
    # Row A1 spans lines 2-3 (quoted newline: an unknown case type); A2 starts on line 4.
    assert [(r["linea"], r["codigo"]) for r in rejected] == [
        (2, "tipo_desconocido"),
        (4, "entidad_desconocida"),
    ]
    assert '"created_at":" 2024-01-05 "' in rejected[1]["fila"]


def test_update_detected_and_only_changed_rows_touched(engine: Engine) -> None:
    _entities(engine)
    first = HEADER + "A1,MINSA,queja,2024-01-05,,,,,\nA2,MINSA,queja,2024-01-05,,,,,\n"
    import_bytes(engine, Settings(), "cases", first.encode(), "a.csv")
    second = HEADER + "A1,MINSA,queja,2024-01-05,2024-01-09,,,,\nA2,MINSA,queja,2024-01-05,,,,,\n"
    report = import_bytes(engine, Settings(), "cases", second.encode(), "b.csv")
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 1)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("select case_id, status, closed_day - created_day from cases order by 1")
        ).all()
    assert [tuple(r) for r in rows] == [("A1", "cerrado", 4), ("A2", "abierto", None)]


REFUSED = [
    ("empty.csv", b"", "vacío"),
    ("blank.csv", b"\r\n\r\n", "vacío"),
    ("missing_column.csv", b"case_id,entity_id,case_type\nA1,MINSA,queja\n", "«created_at»"),
    (
        "cp1252.csv",
        (
            HEADER + "A1,MINSA,queja,2024-01-05,,,,,\nA2,MINSA,queja,2024-01-05,,,Atención,,\n"
        ).encode("cp1252"),
        "Línea 3",
    ),
    ("report.pdf", b"%PDF-1.4\n", "Formato no soportado"),
    ("old.xls", b"\xd0\xcf\x11\xe0", ".xls"),
    ("dup_header.csv", b"case_id,case_id,entity_id,case_type,created_at\n", "aparece 2 veces"),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
def test_unreadable_file_refused_and_database_unchanged(
    engine: Engine, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    _entities(engine)
    before = _snapshot(engine)
    with pytest.raises(UserError) as err:
        import_file(engine, Settings(), "cases", _write(tmp_path, name, data))
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert _snapshot(engine) == before


def test_cp1252_refused_then_accepted_with_encoding(engine: Engine, tmp_path: Path) -> None:
    _entities(engine)
    text = HEADER + "A1,MINSA,queja,2024-01-05,,,Atención en línea,,\n"
    path = _write(tmp_path, "win.csv", text.encode("cp1252"))
    with pytest.raises(UserError, match=r"Línea 2: .*--encoding cp1252"):
        import_file(engine, Settings(), "cases", path)
    report = import_file(engine, Settings(), "cases", path, encoding="cp1252")
    assert report.inserted == 1
    with engine.connect() as conn:
        # The channel is free text: kept as written, lower-cased (SPEC §6).
        assert (
            conn.execute(sa.text("select channel from cases")).scalar_one() == "atención en línea"
        )


def test_semicolon_bom_crlf(engine: Engine) -> None:
    _entities(engine)
    text = (
        "\ufeffcase_id;entity_id;case_type;created_at;category\r\n"
        "A1;MINSA;queja;2024-01-05 23:30;Agua, potable\r\n"
    )
    report = import_bytes(engine, Settings(), "cases", text.encode(), "pc.csv")
    assert (report.inserted, report.quarantined) == (1, 0)
    with engine.connect() as conn:
        row = conn.execute(sa.text("select category, created_on from cases")).one()
    # 23:30 in Panama is the next day in UTC; the local date stays the 5th.
    assert (row[0], str(row[1])) == ("Agua, potable", "2024-01-05")


def test_header_only_imports_nothing(engine: Engine) -> None:
    _entities(engine)
    report = import_bytes(engine, Settings(), "cases", HEADER.encode(), "h.csv")
    assert (report.rows_read, report.inserted, report.quarantined) == (0, 0, 0)
    assert report.lines()[0] == "Insertados: 0"


def test_xlsx_with_native_date_cells(engine: Engine, tmp_path: Path) -> None:
    _entities(engine)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["case_id", "entity_id", "case_type", "created_at", "closed_at", "sla_days"])
    sheet.append(
        ["X1", "MINSA", "queja", dt.datetime(2024, 3, 1, 9, 15), dt.datetime(2024, 3, 4, 8, 0), 10]
    )
    sheet.append(["X2", "MOP", "reclamo", "2024-03-02 10:00", None, None])
    sheet.append(["X3", "MOP", "reclamo", dt.date(1900, 1, 1), None, None])
    path = tmp_path / "casos.xlsx"
    book.save(path)
    report = import_file(engine, Settings(), "cases", path)
    assert (report.inserted, dict(report.reasons)) == (2, {"fecha_fuera_de_rango": 1})
    assert report.first_rejected(1)["linea"].to_list() == [4]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select case_id, status, sla_days, closed_day - created_day from cases order by 1"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("X1", "cerrado", 10, 3), ("X2", "abierto", None, None)]


def test_preview_counts_without_changing_anything(engine: Engine) -> None:
    _entities(engine)
    text = HEADER + "A1,MINSA,queja,2024-01-05,,,,,\nA2,NOPE,queja,2024-01-05,,,,,\n"
    before = _snapshot(engine)
    preview = preview_import(engine, Settings(), "cases", text.encode(), "p.csv")
    assert _snapshot(engine) == before
    assert preview.batch_id is None and preview.preview
    assert (preview.inserted, preview.quarantined) == (1, 1)
    assert preview.first_rejected(5)["codigo"].to_list() == ["entidad_desconocida"]
    assert preview.first_rejected(5)["linea"].to_list() == [3]
    real = import_bytes(engine, Settings(), "cases", text.encode(), "p.csv")
    assert (real.inserted, real.quarantined) == (preview.inserted, preview.quarantined)


def test_other_kinds(engine: Engine) -> None:
    entities = (
        "entity_id,name,sector,active\nMINSA,Salud,ministerio,sí\nMOP,Obras,Ministerio,\n"
        "MEF,Economía,ministerio_x,si\nX,,otro,no\nMIDES,Desarrollo Social,ministerio,quizas\n"
    )
    report = import_bytes(engine, Settings(), "entities", entities.encode(), "e.csv")
    assert (report.inserted, dict(report.reasons)) == (
        2,
        {"sector_invalido": 1, "valor_faltante": 1, "activo_invalido": 1},
    )
    reviews = (
        "entity_id,item,reviewed_at\nMINSA,directorio,2024-02-01\n"
        "MINSA,Base Conocimiento,2024-02-01\n"
        "MINSA,directorio,2024-02-01\nMINSA,precios,2024-02-01\n"
    )
    report = import_bytes(engine, Settings(), "reviews", reviews.encode(), "r.csv")
    assert (report.inserted, dict(report.reasons)) == (2, {"id_duplicado": 1, "item_invalido": 1})
    again = import_bytes(engine, Settings(), "reviews", reviews.encode(), "r.csv")
    assert (again.inserted, again.unchanged) == (0, 2)
    releases = (
        "release_id,entity_id,received_at,published_at,title\n"
        "C1,MINSA,2024-01-31T23:00:00-05:00,2024-02-01 09:00,Vacunación\nC2,MOP,,,Sin fecha\n"
    )
    report = import_bytes(engine, Settings(), "releases", releases.encode(), "c.csv")
    assert (report.inserted, dict(report.reasons)) == (1, {"valor_faltante": 1})
    with engine.connect() as conn:
        month = conn.execute(sa.text("select received_month from press_releases")).scalar_one()
    assert month == 202401
