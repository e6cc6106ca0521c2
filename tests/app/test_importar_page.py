"""Importar datos (admin only, issue #5): upload → validation preview (nothing written) →
"Confirmar importación" → report, rows in the database, caches cleared, import audited.
A file that cannot be read gives one error line and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cac311.auth.audit import audit_entries
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.ui import upload
from cac311.ui.safe import md
from tests.app.conftest import PageRunner, copy_sqlite, data_shown, elements_of, texts

PAGE = "pages/7_Importar.py"
# SPEC §5 canonical case columns; two valid rows, one unknown entity, one closed before opened.
CASES_CSV = (
    b"case_id,entity_id,case_type,created_at,closed_at,status,category,channel,province\n"
    b"IMP-1,MINSA,queja,2026-11-10 08:00,2026-11-12 09:30,,Citas,web,PA-8\n"
    b"IMP-2,MINSA,reclamo,2026-11-11T10:30:00-05:00,,,Medicamentos,llamada,PA-4\n"
    b"IMP-3,NOEXISTE,queja,2026-11-11 10:30,,,,,\n"
    b"IMP-4,MINSA,queja,2026-11-12 10:30,2026-11-11 10:30,,,,\n"
)
TABLES = ("import_batches", "cases", "quarantine", "entities", "audit_log")


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return {
                t: int(conn.execute(sa.text(f"select count(*) from {t}")).scalar_one())
                for t in TABLES
            }
    finally:
        engine.dispose()


def _imported_cases(url: str) -> list[tuple[str, str, str]]:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "select case_id, entity_id, status from cases where case_id like 'IMP-%' "
                    "order by case_id"
                )
            ).all()
    finally:
        engine.dispose()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _reasons(at: AppTest) -> dict[str, int]:
    [table] = [f.value for f in at.dataframe if "filas" in f.value.columns]
    return dict(zip(table["reason"], table["filas"], strict=True))


@pytest.fixture
def copy_url(demo_sqlite_url: str, tmp_path: Path) -> str:
    """A private copy of the demo database: the import tests write to it."""
    return copy_sqlite(demo_sqlite_url, tmp_path / "importar.sqlite")


def _upload(at: AppTest, name: str, data: bytes, kind: str = "cases") -> AppTest:
    at.selectbox(key="importar_tipo").set_value(kind).run()
    return at.file_uploader[0].upload(name, data, "text/csv").run()


def test_preview_then_confirm_imports_exactly_the_previewed_file(
    open_page: PageRunner, copy_url: str
) -> None:
    before = _counts(copy_url)
    at = open_page(PAGE, role="admin", url=copy_url)
    assert not at.exception, texts(at.exception)
    assert any("modo de demostración" in w for w in texts(at.warning))

    _upload(at, "casos.csv", CASES_CSV)
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    assert _metrics(at) == {
        "Se insertarían": "2",
        "Se actualizarían": "0",
        "Quedarían sin cambios": "0",
        "A cuarentena": "2",
    }
    assert _reasons(at) == {"entidad_desconocida": 1, "cierre_antes_de_creacion": 1}
    [rejected] = [f.value for f in at.dataframe if "linea" in f.value.columns]
    assert rejected["linea"].to_list() == [4, 5]
    assert rejected["motivo"].to_list()[0] == "entidad no registrada"
    assert _counts(copy_url) == before  # the preview wrote nothing
    assert _imported_cases(copy_url) == []

    at.button(key="importar_confirmar").click().run()
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    [done] = texts(at.success)
    assert done.startswith("Importación terminada: lote ")
    assert _metrics(at) == {
        "Insertados": "2",
        "Actualizados": "0",
        "Sin cambios": "0",
        "En cuarentena": "2",
    }
    assert not [b for b in at.button if b.key == "importar_confirmar"]
    assert any("modo de demostración quedó desactivado" in i for i in texts(at.info))
    assert _imported_cases(copy_url) == [
        ("IMP-1", "MINSA", "cerrado"),
        ("IMP-2", "MINSA", "abierto"),
    ]
    after = _counts(copy_url)
    assert after["import_batches"] == before["import_batches"] + 1
    assert after["cases"] == before["cases"] + 2
    assert after["quarantine"] == before["quarantine"] + 2

    engine = make_engine(copy_url, read_only=True)
    try:
        log = audit_entries(engine)
    finally:
        engine.dispose()
    assert log["action"][0] == "import"
    assert log["email"][0] == "demo-admin@demo.local"
    assert log["detail"][0].startswith("casos.csv sha256=")
    assert "insertados=2" in log["detail"][0] and "cuarentena=2" in log["detail"][0]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("casos.csv", b"foo,bar\n1,2\n", "case_id"),
        (
            "casos.csv",
            "case_id,entity_id,case_type,created_at\nX,MINSA,queja,año\n".encode("cp1252"),
            "cp1252",
        ),
        ("casos.xlsx", b"this is not a spreadsheet", ""),
    ],
)
def test_a_bad_file_gives_one_error_line_and_changes_nothing(
    open_page: PageRunner, copy_url: str, name: str, data: bytes, message: str
) -> None:
    before = _counts(copy_url)
    at = open_page(PAGE, role="admin", url=copy_url)
    _upload(at, name, data)
    assert not at.exception, texts(at.exception)
    [error] = texts(at.error)
    assert "\n" not in error.strip()
    assert md(message) in error  # the error quotes the file as text (escaped Markdown)
    assert "--encoding" not in error  # the page names its own selector, not the CLI option
    assert not [b for b in at.button if b.key == "importar_confirmar"]
    assert _counts(copy_url) == before


def test_the_encoding_selector_reads_a_windows_file(open_page: PageRunner, copy_url: str) -> None:
    data = (
        "case_id,entity_id,case_type,created_at,category\n"
        "IMP-9,MINSA,queja,2026-11-10 08:00,Atención en año nuevo\n"
    ).encode("cp1252")
    at = open_page(PAGE, role="admin", url=copy_url)
    at.selectbox(key="importar_codificacion").set_value("cp1252").run()
    _upload(at, "casos.csv", data)
    assert not at.error, texts(at.error)
    assert _metrics(at)["Se insertarían"] == "1"


def test_upload_module_preview_and_confirm(copy_url: str) -> None:
    options = upload.UploadOptions("cases")
    settings = Settings()
    before = _counts(copy_url)
    checked = upload.preview(copy_url, settings, options, CASES_CSV, "casos.csv")
    assert checked.report is not None and checked.error is None
    assert (checked.report.inserted, checked.report.quarantined) == (2, 2)
    assert checked.sha256 == upload.file_sha256(CASES_CSV)
    assert _counts(copy_url) == before

    done = upload.confirm(copy_url, settings, options, CASES_CSV, "casos.csv", imported_by="t")
    assert done.report is not None and done.report.batch_id is not None
    again = upload.confirm(copy_url, settings, options, CASES_CSV, "casos.csv", imported_by="t")
    assert again.report is not None
    assert (again.report.inserted, again.report.unchanged) == (0, 2)  # idempotent
    assert "insertados=0" in upload.audit_detail(again)

    wrong = upload.preview(
        copy_url, settings, upload.UploadOptions("cases", profile="no_existe"), CASES_CSV, "c.csv"
    )
    assert wrong.report is None and "no_existe" in (wrong.error or "")
    zone = upload.preview(
        copy_url, settings, upload.UploadOptions("cases", timezone="Marte/Olimpo"), CASES_CSV, "c"
    )
    assert zone.report is None and "Zona horaria desconocida" in (zone.error or "")


def test_other_extensions_and_database_failures_give_one_line(tmp_path: Path) -> None:
    # The browser's picker only offers csv/txt/xlsx; the importer refuses anything else too.
    url = f"sqlite:///{tmp_path / 'sin_esquema.sqlite'}"
    options = upload.UploadOptions("cases")
    refused = upload.preview(url, Settings(), options, b"%PDF-1.4", "casos.pdf")
    assert refused.report is None and "Formato no soportado" in (refused.error or "")
    # A database the import cannot write (here: no schema) → the one-line database message.
    failed = upload.confirm(url, Settings(), options, CASES_CSV, "casos.csv", imported_by="t")
    assert failed.report is None and failed.error == upload.DB_ERROR


@pytest.mark.parametrize("role", ["enlace", "director"])
def test_other_roles_are_refused(open_page: PageRunner, role: str) -> None:
    at = open_page(PAGE, role=role)
    assert not at.exception, texts(at.exception)
    [refusal] = texts(at.error)
    assert "no tiene acceso" in refusal
    assert data_shown(at) == {}
    assert not elements_of(at, "file_uploader")


def test_profiles_are_offered_by_name(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin")
    profiles = at.selectbox(key="importar_perfil")
    assert profiles.options[0] == "Ninguno (canónico)"
    assert "nyc311" in profiles.options  # a cases profile, and cases is the default kind
    assert set(upload.profile_names("cases")) == set(profiles.options[1:])
    at.selectbox(key="importar_tipo").set_value("reviews").run()
    assert at.selectbox(key="importar_perfil").options == ["Ninguno (canónico)"]
    assert set(upload.profile_names()) >= {"nyc311", "myla311", "open311_georeport_v2"}


def test_an_excel_file_with_native_dates_is_previewed(open_page: PageRunner, copy_url: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["case_id", "entity_id", "case_type", "created_at", "closed_at"])
    sheet.append(["IMP-X1", "MINSA", "queja", dt.datetime(2026, 11, 3, 8, 15), None])
    sheet.append(["IMP-X2", "MINSA", "consulta", dt.datetime(2026, 11, 4, 9), "2026-11-05 10:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    at = open_page(PAGE, role="admin", url=copy_url)
    _upload(at, "casos.xlsx", buffer.getvalue())
    assert not at.error, texts(at.error)
    assert _metrics(at)["Se insertarían"] == "2"
    assert _metrics(at)["A cuarentena"] == "0"


def test_the_uploader_states_its_size_limit_and_the_way_around_it(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin")
    [uploader] = at.file_uploader
    assert "200 MB" in uploader.proto.help
    assert "cac311 import" in uploader.proto.help


WARNED_CSV = (
    b"case_id,entity_id,case_type,created_at,category,channel,province,sla_days\n"
    b"IMP-W1,MINSA,queja,2026-11-10 08:00,Citas,Mobile/Open311,Panam\xc3\xa1 Oeste,5\n"
    b"IMP-W2,MINSA,queja,2026-11-10 09:00,Citas,integrated agency,Marte,-3\n"
    b"IMP-W3,NOEXISTE,queja,2026-11-10 09:00,Citas,web,Marte,\n"
)


def test_warnings_shown_in_preview_and_result_and_audited(
    open_page: PageRunner, copy_url: str
) -> None:
    """Descriptive values never quarantine a case: the two valid cases are imported and the
    unknown province and the invalid sla_days of the second are listed as warnings."""
    at = open_page(PAGE, role="admin", url=copy_url)
    _upload(at, "avisos.csv", WARNED_CSV)
    assert not at.exception, texts(at.exception)
    assert _metrics(at)["Se insertarían"] == "2"
    assert _metrics(at)["A cuarentena"] == "1"
    [warning] = [w for w in texts(at.warning) if "avisos" in w]
    assert warning.startswith("2 avisos: valores descriptivos que se guardarían sin dato")
    [counts] = [f.value for f in at.dataframe if "valores" in f.value.columns]
    assert dict(zip(counts["code"], counts["valores"], strict=True)) == {
        "provincia_desconocida": 1,
        "sla_invalido": 1,
    }
    [rows] = [f.value for f in at.dataframe if "valor_original" in f.value.columns]
    assert rows[["linea", "campo", "valor_original"]].values.tolist() == [
        [3, "province", "Marte"],
        [3, "sla_days", "-3"],
    ]

    at.button(key="importar_confirmar").click().run()
    assert not at.exception, texts(at.exception)
    assert any(
        w.startswith("2 avisos: valores descriptivos que se guardaron") for w in texts(at.warning)
    )
    assert [f for f in at.dataframe if "valores" in f.value.columns]
    engine = make_engine(copy_url, read_only=True)
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                sa.text(
                    "select case_id, channel, province, sla_days from cases"
                    " where case_id like 'IMP-W%' order by case_id"
                )
            ).all()
            warned = conn.execute(sa.text("select count(*) from import_warnings")).scalar_one()
        log = audit_entries(engine)
    finally:
        engine.dispose()
    assert [tuple(r) for r in stored] == [
        ("IMP-W1", "mobile/open311", "PA-10", 5),
        ("IMP-W2", "integrated agency", None, None),
    ]
    assert warned == 2
    assert "avisos=2" in log["detail"][0]


def test_transfers_are_an_import_kind_of_the_page(open_page: PageRunner, copy_url: str) -> None:
    engine = make_engine(copy_url, read_only=True)
    try:
        with engine.connect() as conn:
            case_id, entity = conn.execute(
                sa.text("select case_id, entity_id from cases order by case_id limit 1")
            ).one()
    finally:
        engine.dispose()
    other = "MINSA" if entity != "MINSA" else "MOP"
    data = (
        "case_id,from_entity_id,to_entity_id,transferred_at\n"
        f"{case_id},{other},{entity},2026-11-14T10:00:00-05:00\n"
        "NO-EXISTE,MINSA,MOP,2026-11-14 10:00\n"
    ).encode()
    at = open_page(PAGE, role="admin", url=copy_url)
    _upload(at, "traslados.csv", data, kind="transfers")
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    assert _metrics(at)["Se insertarían"] == "1"
    assert _reasons(at) == {"caso_desconocido": 1}
    at.button(key="importar_confirmar").click().run()
    assert not at.exception, texts(at.exception)
    assert _metrics(at)["Insertados"] == "1"
