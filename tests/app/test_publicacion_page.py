"""Publicación: the preview is the bundle's table, partial months are refused unless ticked,
the files are those of `build_bundle` and every download is audited (issue: publication page)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from cac311.auth.audit import audit_entries
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.export.publication import build_bundle
from cac311.ui.safe import md
from metrics.period import Month
from tests import analytics_calls as calls
from tests.app.conftest import PageRunner, copy_sqlite, data_shown, texts

PAGE = "pages/5_Publicacion.py"
MONTH = "2026-10"  # the latest complete month at datos_al 15/11/2026 (the default)


def _expected(url: str, month: str, mode: str) -> pd.DataFrame:
    engine = make_engine(url, read_only=True)
    try:
        return calls.monthly_table(engine, Settings(), month, mode).to_pandas()
    finally:
        engine.dispose()


def _shown(at: object) -> pd.DataFrame:
    [frame] = at.dataframe  # type: ignore[attr-defined]
    return frame.value.reset_index(drop=True)


@pytest.mark.parametrize("role", ["admin", "director"])
def test_preview_is_the_national_monthly_table(
    open_page: PageRunner, demo_sqlite_url: str, role: str
) -> None:
    at = open_page(PAGE, role=role)
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    shown = _shown(at)
    expected = _expected(demo_sqlite_url, MONTH, "calendario")
    pd.testing.assert_frame_equal(shown, expected, check_dtype=False)
    assert shown["entidad_id"].iloc[-1] == "TOTAL"
    assert len(at.download_button) == 4  # open data, spreadsheet, datapackage.json, zip
    assert any(c.startswith("Datos al 15/11/2026 · octubre de 2026") for c in texts(at.caption))


def test_sidebar_filters_do_not_change_the_publication(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(PAGE, role="director", params={"entidad": "MINSA", "dias": "habiles"})
    assert not at.exception, texts(at.exception)
    expected = _expected(demo_sqlite_url, MONTH, "habiles")
    pd.testing.assert_frame_equal(_shown(at), expected, check_dtype=False)
    assert any("no cambian esta publicación" in c for c in texts(at.caption))
    assert any("días hábiles" in c for c in texts(at.caption))


def test_the_shown_hashes_are_those_of_the_cli_bundle(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(PAGE, role="admin")
    engine = make_engine(demo_sqlite_url, read_only=True)
    try:
        bundle = build_bundle(engine, Settings(), period=calls.period(MONTH, "calendario"))
    finally:
        engine.dispose()
    codes = texts(at.code)
    for name in (bundle.open_data_name, bundle.spreadsheet_name):
        digest = hashlib.sha256(bundle.files[name]).hexdigest()
        assert f"SHA-256 {digest}" in codes, (name, codes)
    assert len(codes) == 4  # three files and the zip


def test_a_partial_month_is_refused_unless_ticked(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="admin", params={"mes": "2026-11"})
    assert not at.exception, texts(at.exception)
    [refusal] = texts(at.error)
    assert "aún no está completo" in refusal
    assert "Publicar mes parcial" in refusal
    assert not at.dataframe
    assert not at.download_button

    at.checkbox(key="publicacion_parcial").check().run()
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    assert any("parcial" in w for w in texts(at.warning))
    assert len(at.dataframe) == 1
    assert _shown(at)["periodo"].iloc[0] == "2026-11"
    names = " ".join(texts(at.markdown))
    assert md("estadisticas_311_2026-11_parcial.csv") in names
    assert md("estadisticas_311_2026-11_parcial.zip") in names


def test_enlace_is_refused(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="enlace")
    assert not at.exception, texts(at.exception)
    [refusal] = texts(at.error)
    assert "no tiene acceso" in refusal
    assert data_shown(at) == {}


def test_every_download_is_audited(
    open_page: PageRunner, demo_sqlite_url: str, tmp_path: Path
) -> None:
    url = copy_sqlite(demo_sqlite_url, tmp_path / "publicacion.sqlite")
    at = open_page(PAGE, role="director", url=url)
    at.download_button(key="publicacion_zip").click().run()
    at.download_button(key="publicacion_archivo_0").click().run()
    assert not at.exception, texts(at.exception)
    engine = make_engine(url)
    try:
        log = audit_entries(engine)
    finally:
        engine.dispose()
    # The first download of the final bundle also records the month's publication (once).
    assert log["action"].to_list() == ["export", "publish", "export"]
    assert set(log["email"].to_list()) == {"demo-director@demo.local"}
    assert log["detail"][1] == "publicación 2026-10 registrada (descarga del paquete)"
    log = log.filter(log["action"] == "export")
    details = log["detail"].to_list()
    assert "estadisticas_311_2026-10.csv" in details[0]
    assert "estadisticas_311_2026-10.zip" in details[1]
    assert all("periodo=2026-10 dias=calendario parcial=no" in d for d in details)


def test_publication_calendar_and_admin_mark(
    open_page: PageRunner, demo_sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The calendar lists the 12 ended months with their due dates (dates counted by hand); a
    download of the final bundle records 2026-10 as published; the admin marks 2026-09."""
    from datetime import date

    from cac311.publishing.records import publication_of
    from cac311.ui import report_views

    today = date(2026, 12, 5)  # a Saturday
    monkeypatch.setattr(report_views, "local_today", lambda _tz: today)
    url = copy_sqlite(demo_sqlite_url, tmp_path / "calendario.sqlite")
    at = open_page(PAGE, role="admin", url=url)
    assert not at.exception, texts(at.exception)
    assert "Calendario de publicación" in texts(at.subheader)
    [table] = at.table
    shown = table.value.reset_index(drop=True)
    assert len(shown) == 12
    # November ends Mon 30/11; Dec 1, 2, 3, 4, 7, (8 is a holiday), 9, 10 → due Thu 10/12.
    assert list(shown.iloc[0]) == ["noviembre de 2026", "10/12/2026", "—", "pendiente"]
    # October: due Fri 13/11 (see tests/metrics/test_publication_calendar.py); not published.
    assert list(shown.iloc[1]) == ["octubre de 2026", "13/11/2026", "—", "vencida"]
    assert shown["Mes"].iloc[-1] == "diciembre de 2025"
    at.download_button(key="publicacion_zip").click().run()
    engine = make_engine(url)
    try:
        record = publication_of(engine, Month.parse(MONTH))
        assert record is not None and record.source == "pagina" and record.published_on == today
    finally:
        engine.dispose()
    october = list(at.table[0].value.reset_index(drop=True).iloc[1])
    # Published Sat 05/12, counted as Mon 07/12: Nov 16–20, 23–27, 30, Dec 1–4, 7 → 16 days.
    assert october == ["octubre de 2026", "13/11/2026", "05/12/2026", "tarde 16 días hábiles"]

    at.selectbox(key="marca_mes").set_value(Month.parse("2026-09"))
    at.date_input(key="marca_fecha").set_value(date(2026, 10, 20))
    at.text_area(key="marca_motivo").input("Publicado fuera del tablero por una falla del portal.")
    at.button[-1].click().run()  # the form's "Marcar"
    assert not at.exception, texts(at.exception)
    assert any("marcada el 20/10/2026" in s for s in texts(at.success)), texts(at.error)
    engine = make_engine(url)
    try:
        marked = publication_of(engine, Month.parse("2026-09"))
        log = audit_entries(engine)
    finally:
        engine.dispose()
    assert marked is not None and marked.source == "manual"
    assert marked.reason == "Publicado fuera del tablero por una falla del portal."
    assert log["action"][0] == "publish" and "2026-09" in log["detail"][0]
    # Due 09/10/2026 (7th working day after 30/09), published 20/10: 7 working days late.
    september = list(at.table[0].value.reset_index(drop=True).iloc[2])
    assert september == ["septiembre de 2026", "09/10/2026", "20/10/2026", "tarde 7 días hábiles"]
    assert [m.value for m in at.metric] == ["0.0 %"]  # 11 months decided, none on time


def test_director_sees_the_calendar_but_cannot_mark(open_page: PageRunner) -> None:
    at = open_page(PAGE, role="director")
    assert "Calendario de publicación" in texts(at.subheader)
    assert not [e for e in at.expander if "Marcar" in e.label]
