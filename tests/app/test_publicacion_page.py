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
    assert log["action"].to_list() == ["export", "export"]
    assert set(log["email"].to_list()) == {"demo-director@demo.local"}
    details = log["detail"].to_list()
    assert "estadisticas_311_2026-10.csv" in details[0]
    assert "estadisticas_311_2026-10.zip" in details[1]
    assert all("periodo=2026-10 dias=calendario parcial=no" in d for d in details)
