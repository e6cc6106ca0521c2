"""Calidad de datos (admin only): data dates, batches, quarantine by reason with its download
(audited), same-minute closures per entity and the audit log filtered by action."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cac311.auth import users
from cac311.auth.audit import audit_entries
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.importer import import_bytes
from cac311.ui.views.quality import entities_with_same_minute
from tests import analytics_calls as calls
from tests.app.conftest import (
    LOCAL_USERS,
    PageRunner,
    copy_sqlite,
    data_shown,
    elements_of,
    texts,
)
from tests.auth.helpers import PASSWORD

PAGE = "pages/6_Calidad_de_datos.py"
BAD_CASES = (
    "case_id,entity_id,case_type,created_at,closed_at\n"
    "Q-1,MINSA,queja,2026-11-02 09:00,\n"
    "Q-2,NOEXISTE,queja,2026-11-02 09:00,\n"
    "Q-3,MINSA,peticion,2026-11-02 09:00,\n"
    "Q-4,NOEXISTE,queja,2026-11-03 09:00,\n"
    "Q-5,MINSA,queja,2026-11-03 09:00,2026-11-01 09:00\n"
)


# AppTest does not expose a dataframe's key: each table is found by a column only it has.
TABLE_COLUMNS = {
    "lotes": "batch_id",
    "motivos": "filas",
    "filas": "fila",  # the quarantined rows (the warnings table also has `linea`)
    "mismo_minuto": "pct_mismo_minuto",
    "bitacora": "email",
}


def _frame(at: AppTest, table: str) -> pd.DataFrame:
    column = TABLE_COLUMNS[table]
    [frame] = [f.value for f in at.dataframe if column in f.value.columns]
    return frame.reset_index(drop=True)


def _ddmmyyyy(value: object) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.strftime("%d/%m/%Y")


def test_admin_sees_dates_batches_and_same_minute_closures(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(PAGE, role="admin")
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    engine = make_engine(demo_sqlite_url, read_only=True)
    try:
        with engine.connect() as conn:
            first, last_created, last_closed = conn.execute(
                sa.text("select min(created_on), max(created_on), max(closed_on) from cases")
            ).one()
        expected = entities_with_same_minute(
            calls.same_minute_closures(engine, "2026-10")
        ).to_pandas()
    finally:
        engine.dispose()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Datos al": "15/11/2026",
        "Primer caso creado": _ddmmyyyy(first),
        "Último caso creado": _ddmmyyyy(last_created),
        "Último cierre": _ddmmyyyy(last_closed),
    }
    assert "15/11/2026" in (metrics["Último caso creado"], metrics["Último cierre"])

    batches = _frame(at, "lotes")
    assert len(batches) == 1 and bool(batches["is_demo"].iloc[0])
    assert batches["kind"].iloc[0] == "demostración"  # the Spanish kind label
    assert any("No hay filas en cuarentena" in s for s in texts(at.success))
    # The demo data closes no case within a minute of opening it: the page says so in one
    # line instead of drawing an empty chart (the chart and table are tested with data in
    # test_charts_quality.py and tests/ui/test_views_quality.py).
    assert expected.empty
    assert any("Ninguna entidad cerró casos en el mismo minuto" in s for s in texts(at.success))
    assert not [f for f in at.dataframe if "mismo_minuto" in f.value.columns]
    assert not elements_of(at, "plotly_chart")


@pytest.mark.parametrize("role", ["enlace", "director"])
def test_other_roles_are_refused(open_page: PageRunner, role: str) -> None:
    at = open_page(PAGE, role=role)
    assert not at.exception, texts(at.exception)
    [refusal] = texts(at.error)
    assert "no tiene acceso" in refusal
    assert data_shown(at) == {}
    assert not at.dataframe


@pytest.fixture
def quarantined_url(local_accounts_url: str, tmp_path: Path) -> str:
    """A copy of the local-accounts database with one import batch holding quarantined rows."""
    url = copy_sqlite(local_accounts_url, tmp_path / "calidad.sqlite")
    engine = make_engine(url)
    try:
        report = import_bytes(engine, Settings(), "cases", BAD_CASES.encode(), "malos.csv")
    finally:
        engine.dispose()
    assert report.quarantined == 4 and report.inserted == 1
    return url


def test_quarantine_by_reason_rows_download_and_audit_log(
    open_signed_in: PageRunner, quarantined_url: str
) -> None:
    admin = LOCAL_USERS["admin"]
    at = open_signed_in(PAGE, email=admin, url=quarantined_url)
    assert not at.exception, texts(at.exception)

    reasons = _frame(at, "motivos")
    assert dict(zip(reasons["reason"], reasons["filas"], strict=True)) == {
        "entidad_desconocida": 2,
        "tipo_desconocido": 1,
        "cierre_antes_de_creacion": 1,
    }
    assert "entidad no registrada" in reasons["motivo"].to_list()

    with make_engine(quarantined_url).connect() as conn:
        batch_id = conn.execute(
            sa.text("select batch_id from import_batches where source_name = 'malos.csv'")
        ).scalar_one()
    at.selectbox(key="calidad_lote").set_value(batch_id).run()
    assert not at.exception, texts(at.exception)
    rows = _frame(at, "filas")
    assert rows["linea"].to_list() == sorted(rows["linea"].to_list())
    assert len(rows) == 4
    assert set(rows["codigo"]) == {
        "entidad_desconocida",
        "tipo_desconocido",
        "cierre_antes_de_creacion",
    }

    at.download_button(key="calidad_descarga_cuarentena").click().run()
    assert not at.exception, texts(at.exception)
    engine = make_engine(quarantined_url)
    try:
        log = audit_entries(engine)
    finally:
        engine.dispose()
    assert log["action"][0] == "export"
    assert log["email"][0] == admin
    assert log["detail"][0] == f"cuarentena lote={batch_id} filas=4"

    # The audit log on the page, newest first, filtered by action.
    at.multiselect(key="calidad_acciones").set_value(["sign_in"]).run()
    shown = _frame(at, "bitacora")
    assert set(shown["action"]) == {"Ingreso"}
    assert admin in shown["email"].to_list()
    at.multiselect(key="calidad_acciones").set_value(["export"]).run()
    shown = _frame(at, "bitacora")
    assert shown["action"].to_list() == ["Descarga"]
    assert "cuarentena lote=" in shown["detail"].iloc[0]


def test_calidad_opens_when_imports_brought_no_valid_case(
    tmp_path: Path, open_signed_in: PageRunner
) -> None:
    """Every case of the only import was rejected: the other pages say "no cases yet, see
    Calidad de datos", so that page must open and show the batch and its quarantined rows."""
    url = f"sqlite:///{tmp_path / 'sin_casos.sqlite'}"
    engine = make_engine(url)
    prepare_database(engine, Settings())
    entities = b"entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\n"
    bad_cases = (
        b"case_id,entity_id,case_type,created_at\n"
        b"311-1,NOEXISTE,queja,2026-10-01T08:00:00\n"
        b"311-2,MINSA,chisme,2026-10-02T08:00:00\n"
    )
    import_bytes(engine, Settings(), "entities", entities, "entidades.csv")
    report = import_bytes(engine, Settings(), "cases", bad_cases, "casos.csv")
    assert report.quarantined == 2
    users.add_user(engine, "admin@aig.gob.pa", "admin", None, PASSWORD)
    engine.dispose()

    at = open_signed_in(PAGE, email="admin@aig.gob.pa", url=url)
    assert not at.exception, texts(at.exception)
    assert any("aún no tiene casos" in text for text in texts(at.info))
    batches = _frame(at, "lotes")
    assert len(batches) == 2 and not batches["is_demo"].any()
    reasons = [f.value for f in at.dataframe if "filas" in f.value.columns]
    assert reasons and int(reasons[0]["filas"].sum()) == 2


WARNED_CASES = (
    "case_id,entity_id,case_type,created_at,province,sla_days\n"
    "W-1,MINSA,queja,2026-11-02 09:00,Marte,\n"
    "W-2,MINSA,queja,2026-11-02 09:00,Coclé,cinco\n"
    "W-3,NOEXISTE,queja,2026-11-02 09:00,Marte,\n"
)


def test_import_warnings_by_kind_rows_download_and_audit(
    open_signed_in: PageRunner, local_accounts_url: str, tmp_path: Path
) -> None:
    url = copy_sqlite(local_accounts_url, tmp_path / "avisos.sqlite")
    engine = make_engine(url)
    try:
        report = import_bytes(engine, Settings(), "cases", WARNED_CASES.encode(), "avisos.csv")
    finally:
        engine.dispose()
    assert (report.inserted, report.quarantined, report.warned) == (2, 1, 2)
    at = open_signed_in(PAGE, email=LOCAL_USERS["admin"], url=url)
    assert not at.exception, texts(at.exception)
    batches = _frame(at, "lotes")
    assert batches["warnings"].iloc[0] == 2  # newest first
    [counts] = [f.value for f in at.dataframe if "valores" in f.value.columns]
    assert dict(zip(counts["code"], counts["valores"], strict=True)) == {
        "provincia_desconocida": 1,
        "sla_invalido": 1,
    }
    assert not [f for f in at.dataframe if "valor_original" in f.value.columns]

    at.selectbox(key="calidad_lote").set_value(report.batch_id).run()
    assert not at.exception, texts(at.exception)
    [rows] = [f.value for f in at.dataframe if "valor_original" in f.value.columns]
    assert rows[["linea", "id", "campo", "codigo", "valor_original"]].values.tolist() == [
        [2, "W-1", "province", "provincia_desconocida", "Marte"],
        [3, "W-2", "sla_days", "sla_invalido", "cinco"],
    ]
    assert rows["valor_guardado"].isna().all()
    at.download_button(key="calidad_descarga_avisos").click().run()
    assert not at.exception, texts(at.exception)
    engine = make_engine(url)
    try:
        log = audit_entries(engine)
    finally:
        engine.dispose()
    assert log["detail"][0] == f"avisos lote={report.batch_id} filas=2"


def test_no_warnings_says_so(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin")
    assert not at.exception, texts(at.exception)
    assert any("No hay avisos de importación" in s for s in texts(at.success))
