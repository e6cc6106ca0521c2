"""Descriptive fields never quarantine a case (SPEC §6, issue 13), on SQLite and PostgreSQL:
each normalisation stores what the rule says, each change is a warning stored with its line,
and warnings never change the accepted count."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.ingest import fastcsv, importer
from cac311.ingest.importer import ImportReport, import_bytes, preview_import
from tests.conftest import empty_tables

ENTITIES = "entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\nMOP,Obras,ministerio\n"
HEADER = "case_id,entity_id,case_type,created_at,category,channel,province,district,sla_days\n"
LONG_CATEGORY = "Reparación de " + "tuberías " * 30  # 284 characters
LONG_CHANNEL = "Formulario web del portal ciudadano de Panamá"  # 45 characters
LONG_DISTRICT = "Distrito " * 15  # 135 characters


def _entities(engine: Engine) -> None:
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")


def _cases(engine: Engine, text: str) -> ImportReport:
    return import_bytes(engine, Settings(), "cases", (HEADER + text).encode(), "casos.csv")


def _stored(engine: Engine, column: str) -> dict[str, object]:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"select case_id, {column} from cases order by case_id")).all()
    return {str(r[0]): r[1] for r in rows}


def _warnings(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select line_number, record_id, field, code, original, stored"
                " from import_warnings order by line_number, field"
            )
        ).all()
    return [tuple(r) for r in rows]


def test_channel_and_category_are_kept_as_written(engine: Engine) -> None:
    _entities(engine)
    report = _cases(
        engine,
        "A1,MINSA,queja,2024-01-05,Agua / Alcantarillado — fuga (urgente!),"
        "Mobile/Open311,,,\n"
        "A2,MINSA,queja,2024-01-05,  Recolección de basura  ,  Integrated Agency  ,,,\n"
        'A3,MINSA,queja,2024-01-05,"Árboles, ramas",Other Department,,,\n'
        "A4,MINSA,queja,2024-01-05,,REDES_SOCIALES,,,\n",
    )
    assert (report.inserted, report.quarantined, report.warned) == (4, 0, 0)
    assert _stored(engine, "channel") == {
        "A1": "mobile/open311",
        "A2": "integrated agency",
        "A3": "other department",
        "A4": "redes_sociales",
    }
    assert _stored(engine, "category") == {
        "A1": "Agua / Alcantarillado — fuga (urgente!)",
        "A2": "Recolección de basura",
        "A3": "Árboles, ramas",
        "A4": None,
    }
    assert _warnings(engine) == []


def test_over_long_texts_are_cut_to_their_column_with_a_warning(engine: Engine) -> None:
    _entities(engine)
    report = _cases(
        engine,
        f"A1,MINSA,queja,2024-01-05,{LONG_CATEGORY},{LONG_CHANNEL},,{LONG_DISTRICT},\n",
    )
    assert (report.inserted, report.quarantined, report.warned) == (1, 0, 3)
    cut_category = LONG_CATEGORY.strip()[:200].rstrip()
    cut_channel = LONG_CHANNEL.lower()[:40].rstrip()
    cut_district = LONG_DISTRICT.strip()[:120].rstrip()
    assert _stored(engine, "category") == {"A1": cut_category}
    assert _stored(engine, "channel") == {"A1": cut_channel}
    assert _stored(engine, "district") == {"A1": cut_district}
    assert _warnings(engine) == [
        (2, "A1", "category", "texto_recortado", LONG_CATEGORY.strip(), cut_category),
        (2, "A1", "channel", "texto_recortado", LONG_CHANNEL, cut_channel),
        (2, "A1", "district", "texto_recortado", LONG_DISTRICT.strip(), cut_district),
    ]


def test_nul_in_a_descriptive_text_is_removed_with_a_warning(engine: Engine) -> None:
    _entities(engine)
    report = _cases(engine, "A1,MINSA,queja,2024-01-05,Ag\x00ua,we\x00b,,\x00,\n")
    assert (report.inserted, report.quarantined) == (1, 0)
    assert _stored(engine, "category") == {"A1": "Agua"}
    assert _stored(engine, "channel") == {"A1": "web"}
    assert _stored(engine, "district") == {"A1": None}
    assert _warnings(engine) == [
        (2, "A1", "category", "caracter_nulo_eliminado", "Ag\u2400ua", "Agua"),
        (2, "A1", "channel", "caracter_nulo_eliminado", "we\u2400b", "web"),
        (2, "A1", "district", "caracter_nulo_eliminado", "\u2400", None),
    ]


def test_province_codes_and_names_map_to_iso_anything_else_is_missing(engine: Engine) -> None:
    _entities(engine)
    report = _cases(
        engine,
        "A1,MINSA,queja,2024-01-05,,,PA-8,,\n"
        "A2,MINSA,queja,2024-01-05,,,pa-nb,,\n"
        "A3,MINSA,queja,2024-01-05,,,Panamá Oeste,,\n"
        "A4,MINSA,queja,2024-01-05,,,NGÄBE-BUGLÉ,,\n"
        "A5,MINSA,queja,2024-01-05,,,Kuna Yala,,\n"
        "A6,MINSA,queja,2024-01-05,,,Comarca Emberá-Wounaan,,\n"
        "A7,MINSA,queja,2024-01-05,,,PA08,,\n"
        "A8,MINSA,queja,2024-01-05,,,Changuinola,,\n"
        "A9,MINSA,queja,2024-01-05,,,,,\n",
    )
    assert (report.inserted, report.quarantined, report.warned) == (9, 0, 2)
    assert _stored(engine, "province") == {
        "A1": "PA-8",
        "A2": "PA-NB",
        "A3": "PA-10",
        "A4": "PA-NB",
        "A5": "PA-KY",
        "A6": "PA-EM",
        "A7": None,
        "A8": None,
        "A9": None,
    }
    assert _warnings(engine) == [
        (8, "A7", "province", "provincia_desconocida", "PA08", None),
        (9, "A8", "province", "provincia_desconocida", "Changuinola", None),
    ]
    assert dict(report.warnings) == {("provincia_desconocida", "province"): 2}
    assert report.lines()[4] == (
        "Avisos: 2 (provincia desconocida → sin dato (province) [provincia_desconocida]: 2)"
    )


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("5", 5),
        ("5.0", 5),
        ("0", 0),
        (" 30 ", 30),
        ("9999", 9999),
        ("10000", None),
        ("-3", None),
        ("5.5", None),
        ("cinco", None),
        ("5 días", None),
    ],
)
def test_sla_days_invalid_is_missing_with_a_warning(
    engine: Engine, written: str, kept: int | None
) -> None:
    _entities(engine)
    report = _cases(engine, f"A1,MINSA,queja,2024-01-05,,,,,{written}\n")
    assert (report.inserted, report.quarantined) == (1, 0)
    assert _stored(engine, "sla_days") == {"A1": kept}
    expected = [] if kept is not None else [(2, "A1", "sla_days", "sla_invalido", written, None)]
    assert _warnings(engine) == expected
    assert report.warned == len(expected)


def test_warnings_never_change_counts_and_are_recorded_per_batch(engine: Engine) -> None:
    _entities(engine)
    text = (
        "A1,MINSA,queja,2024-01-05,,,Marte,,x\n"
        "A2,NADIE,queja,2024-01-05,,,Marte,,x\n"  # quarantined: its warnings are not recorded
        "A3,MOP,queja,2024-01-05,,web,PA-3,,2\n"
    )
    first = _cases(engine, text)
    assert (first.rows_read, first.inserted, first.quarantined) == (3, 2, 1)
    assert first.accepted + first.quarantined == first.rows_read
    assert first.warned == 2
    assert dict(first.warnings) == {
        ("provincia_desconocida", "province"): 1,
        ("sla_invalido", "sla_days"): 1,
    }
    second = _cases(engine, text)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 2)
    assert second.warned == 2
    with engine.connect() as conn:
        per_batch = conn.execute(
            sa.text(
                "select b.batch_id, b.warnings, count(w.warning_id) from import_batches as b"
                " left join import_warnings as w on w.batch_id = b.batch_id"
                " where b.kind = 'cases' group by b.batch_id, b.warnings order by b.batch_id"
            )
        ).all()
    assert [tuple(r) for r in per_batch] == [
        (first.batch_id, 2, 2),
        (second.batch_id, 2, 2),
    ]


def test_preview_counts_warnings_and_writes_none(engine: Engine) -> None:
    _entities(engine)
    text = HEADER + "A1,MINSA,queja,2024-01-05,,,Marte,,x\n"
    preview = preview_import(engine, Settings(), "cases", text.encode(), "p.csv")
    assert (preview.inserted, preview.warned) == (1, 2)
    assert preview.first_warnings(5).select("line_number", "field", "code").rows() == [
        (2, "province", "provincia_desconocida"),
        (2, "sla_days", "sla_invalido"),
    ]
    with engine.connect() as conn:
        for table in ("import_warnings", "cases"):
            assert conn.execute(sa.text(f"select count(*) from {table}")).scalar_one() == 0


def _random_file(rows: int = 60) -> str:
    provinces = ["PA-8", "Coclé", "Marte", "", "pa-ky", "Distrito X"]
    slas = ["", "3", "-1", "4.5", "10"]
    lines = []
    for i in range(rows):
        entity = "NADIE" if i % 7 == 3 else "MINSA"
        case_id = f"R{i % 50:02d}"  # ids 0-9 repeat: the repeats are quarantined
        lines.append(
            f"{case_id},{entity},queja,2024-01-05,Cat {i},Canal {i % 3},"
            f"{provinces[i % len(provinces)]},,{slas[i % len(slas)]}\n"
        )
    return HEADER + "".join(lines)


def _outcome(engine: Engine, data: bytes) -> tuple[list[tuple[object, ...]], ...]:
    empty_tables(engine)
    _entities(engine)
    report = import_bytes(engine, Settings(), "cases", data, "c.csv")
    assert report.accepted + report.quarantined == report.rows_read == 60
    with engine.connect() as conn:
        cases = conn.execute(
            sa.text("select case_id, province, sla_days, channel from cases order by case_id")
        ).all()
    return _warnings(engine), [tuple(r) for r in cases]


def test_warnings_do_not_depend_on_batching(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only accepted rows are warned: a row repeated in a later batch is quarantined there."""
    data = _random_file().encode()
    whole = _outcome(engine, data)
    with monkeypatch.context() as patch:
        patch.setattr(fastcsv, "BLOCK_BYTES", 128)
        patch.setattr(importer, "BATCH_ROWS", 4)
        batched = _outcome(engine, data)
    assert batched == whole
    warnings, cases = whole
    assert {w[3] for w in warnings} == {"provincia_desconocida", "sla_invalido"}
    assert len({w[1] for w in warnings} - {c[0] for c in cases}) == 0
