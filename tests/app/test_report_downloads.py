"""The monthly PDF on Resumen (national, every role) and Entidad (only for who may see that
entity's cases): the button is there, names the file of `cac311 export report`, and a click is
written to the audit log. The PDF's bytes are those of `report_pdf` (tested in tests/report)."""

from __future__ import annotations

from pathlib import Path

from cac311.auth.audit import audit_entries
from cac311.db.engine import make_engine
from tests.app.conftest import PageRunner, copy_sqlite, texts

LABEL = "Descargar informe mensual (PDF)"


def pdf_buttons(at: object) -> list[object]:
    return [b for b in at.get("download_button") if b.proto.label == LABEL]  # type: ignore[attr-defined]


def test_resumen_offers_the_national_pdf_and_audits_the_click(
    open_page: PageRunner, demo_sqlite_url: str, tmp_path: Path
) -> None:
    url = copy_sqlite(demo_sqlite_url, tmp_path / "resumen.sqlite")
    at = open_page("app.py", role="enlace", url=url)
    assert not at.exception, texts(at.exception)
    [button] = pdf_buttons(at)
    assert button.proto.deferred_file_id, "made on click, not on every page run"  # type: ignore[attr-defined]
    at.download_button(key="resumen_informe_pdf").click().run()
    assert not at.exception, texts(at.exception)
    engine = make_engine(url)
    try:
        log = audit_entries(engine)
    finally:
        engine.dispose()
    assert log["action"].to_list() == ["export"]
    assert log["detail"][0] == "informe PDF informe_311_2026-10_nacional.pdf dias=calendario"


def test_entidad_pdf_only_for_who_may_see_the_entitys_cases(
    open_page: PageRunner, demo_sqlite_url: str, tmp_path: Path
) -> None:
    own = open_page("pages/2_Entidad.py", role="enlace", params={"e": "MINSA"})
    assert len(pdf_buttons(own)) == 1
    other = open_page("pages/2_Entidad.py", role="enlace", params={"e": "MOP"})
    assert not other.exception
    assert pdf_buttons(other) == []
    url = copy_sqlite(demo_sqlite_url, tmp_path / "entidad.sqlite")
    params = {"e": "MOP", "dias": "habiles"}
    director = open_page("pages/2_Entidad.py", role="director", params=params, url=url)
    assert len(pdf_buttons(director)) == 1
    director.download_button(key="entidad_informe_pdf").click().run()
    assert not director.exception, texts(director.exception)
    engine = make_engine(url)
    try:
        log = audit_entries(engine)
    finally:
        engine.dispose()
    assert log["detail"].to_list() == ["informe PDF informe_311_2026-10_MOP.pdf dias=habiles"]
