"""The circular's obligations through the real pages (AppTest), on SQLite and PostgreSQL:
an enlace submits a review and a press release → the asesor returns one and validates the
other → the enlace corrects and resubmits → the asesor validates → the freshness and the
anticipation figures change (and not before the validation).

The database is a small demo generated up to TODAY (the server's local date), so a submission
made now falls inside the data's last month; local accounts turn the demo picker off.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.auth import users
from cac311.auth.audit import audit_entries
from cac311.config import Settings
from cac311.ingest.demo import generate_demo
from cac311.ui import guard
from tests import analytics_calls as calls
from tests.app.conftest import PROJECT, sign_in, texts
from tests.auth.helpers import PASSWORD
from tests.conftest import url_of

ENLACE = "enlace@minsa.gob.pa"
OTRO_ENLACE = "enlace@mef.gob.pa"
ASESOR = "asesor@aig.gob.pa"
ITEM = "base_conocimiento"  # MINSA has no pending review of it in the demo
TIMEZONE = "America/Panama"


@pytest.fixture
def live(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A demo up to today with an enlace of MINSA, one of MEF and an asesor of MINSA and MEF."""
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    generate_demo(engine, Settings(), cases=1500, seed=7, today=today)
    users.add_user(engine, ENLACE, "enlace", "MINSA", PASSWORD)
    users.add_user(engine, OTRO_ENLACE, "enlace", "MEF", PASSWORD)
    users.add_user(engine, ASESOR, "asesor", password=PASSWORD, entity_ids=["MINSA", "MEF"])
    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    st.cache_data.clear()  # the PostgreSQL URL is shared by tests: no figure from another one
    yield engine
    st.cache_data.clear()


def open_as(email: str, page: guard.Page) -> AppTest:
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=90)
    at.run()
    sign_in(at, email, PASSWORD)
    at.switch_page(page.path).run()
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    return at


def click(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, texts(at.exception)
    return at


def widget(widgets: object, label: str) -> object:
    found = [w for w in widgets if w.label == label]  # type: ignore[attr-defined]
    assert len(found) == 1, f"{label}: {len(found)}"
    return found[0]


def pick(at: AppTest, *words: str) -> None:
    """Choose the queue entry whose label has every word, and rerun."""
    box = widget(at.selectbox, "Envío a revisar")
    labels = list(box.options)  # type: ignore[attr-defined]
    [index] = [i for i, text in enumerate(labels) if all(w in text for w in words)]
    box.select_index(index).run()  # type: ignore[attr-defined]
    assert not at.exception, texts(at.exception)


def freshness(engine: Engine, datos_al: object) -> dict[str, object]:
    frame = calls.directory_freshness(engine, Settings(), datos_al)  # type: ignore[arg-type]
    return frame.filter((pl.col("entidad_id") == "MINSA") & (pl.col("item") == ITEM)).row(
        0, named=True
    )


def minsa_releases(engine: Engine, month: str) -> int:
    summary = calls.press_releases(engine, month)
    row = summary.filter(pl.col("entidad_id") == "MINSA")
    return 0 if row.is_empty() else int(row["comunicados"][0])


def test_submit_return_resubmit_validate_changes_the_figures(live: Engine) -> None:
    now = datetime.now(ZoneInfo(TIMEZONE))
    month = f"{now:%Y-%m}"
    datos_al = now.date()
    before_freshness = freshness(live, datos_al)
    before_releases = minsa_releases(live, month)

    # 1. The enlace sends a review (with changes) and a press release.
    enlace = open_as(ENLACE, guard.OBLIGACIONES)
    assert texts(enlace.title) == ["Mis obligaciones"]
    widget(enlace.selectbox, "Ítem revisado").set_value(ITEM)  # type: ignore[attr-defined]
    widget(enlace.radio, "Resultado de la revisión").set_value("con_cambios")  # type: ignore[attr-defined]
    widget(enlace.text_area, "Descripción de los cambios").input("Nuevas preguntas frecuentes")  # type: ignore[attr-defined]
    click(enlace, "Enviar revisión")
    assert "Revisión enviada: queda pendiente de validación." in texts(enlace.success)
    widget(enlace.text_input, "Título").input("Operativo de salud en Darién")  # type: ignore[attr-defined]
    widget(enlace.text_area, "Texto del comunicado").input("El ministerio informa...")  # type: ignore[attr-defined]
    click(enlace, "Enviar comunicado")
    assert "Comunicado enviado: queda pendiente de validación." in texts(enlace.success)
    # A second click on the same (now empty) form sends nothing: the title is required.
    click(enlace, "Enviar comunicado")
    assert "Escriba el título del comunicado." in texts(enlace.error)

    # Pending: shown, but the figures have not moved.
    assert freshness(live, datos_al)["ultima_revision"] == before_freshness["ultima_revision"]
    assert minsa_releases(live, month) == before_releases

    # 2. The asesor returns the review and validates the release (queue: oldest first).
    asesor = open_as(ASESOR, guard.VALIDACION)
    queue = pl.from_pandas(asesor.dataframe[0].value)
    mine = queue.filter(pl.col("entidad_id") == "MINSA")
    assert mine["detalle"].to_list()[-2:] == [
        "Base de conocimiento — con cambios",
        "Operativo de salud en Darién",
    ]
    assert queue["recibido"].is_sorted()
    pick(asesor, "Base de conocimiento", "MINSA")
    widget(asesor.radio, "Decisión").set_value("devolver")  # type: ignore[attr-defined]
    widget(asesor.text_area, "Motivo de la devolución").input("Adjunte las preguntas nuevas")  # type: ignore[attr-defined]
    click(asesor, "Registrar decisión")
    assert "Revisión devuelto al enlace." in texts(asesor.success)
    pick(asesor, "Darién")
    click(asesor, "Registrar decisión")  # "Validar" is the default decision
    assert "Comunicado validado." in texts(asesor.success)
    assert minsa_releases(live, month) == before_releases + 1
    assert freshness(live, datos_al)["ultima_revision"] == before_freshness["ultima_revision"]

    # 3. The enlace sees the reason and resubmits the corrected review.
    enlace = open_as(ENLACE, guard.OBLIGACIONES)
    assert any("Adjunte las preguntas nuevas" in w for w in texts(enlace.warning))
    corrected = [t for t in enlace.text_area if t.value == "Nuevas preguntas frecuentes"]
    assert len(corrected) == 1, "the correction form is pre-filled with the returned text"
    corrected[0].input("Nuevas preguntas frecuentes: 12 preguntas sobre certificados")
    click(enlace, "Reenviar corregido")
    assert "Revisión enviada: queda pendiente de validación." in texts(enlace.success)

    # 4. The asesor validates the resubmission: the freshness moves to today.
    asesor = open_as(ASESOR, guard.VALIDACION)
    pick(asesor, "Base de conocimiento", "MINSA")
    assert any("corrige el envío" in c for c in texts(asesor.caption))
    click(asesor, "Registrar decisión")
    after = freshness(live, datos_al)
    assert (after["ultima_revision"], after["edad_dias"], after["estado"]) == (
        datos_al,
        0,
        "al_dia",
    )

    # 5. Directorio y comunicados shows it: the item's origin is the dashboard, nothing waits.
    director = open_as(ASESOR, guard.DIRECTORIO)
    items = next(pl.from_pandas(d.value) for d in director.dataframe if "origen" in d.value.columns)
    row = items.filter(
        (pl.col("entidad_id") == "MINSA") & (pl.col("item") == "Base de conocimiento")
    )
    assert row["origen"].to_list() == ["Tablero (validada)"]
    actions = audit_entries(live, 30).filter(pl.col("action").str.starts_with("obligation_"))
    assert actions["action"].to_list()[:5] == [
        "obligation_validate",
        "obligation_submit",
        "obligation_validate",
        "obligation_return",
        "obligation_submit",
    ]


def test_a_returned_release_is_corrected_in_its_prefilled_form(live: Engine) -> None:
    enlace = open_as(ENLACE, guard.OBLIGACIONES)
    widget(enlace.text_input, "Título").input("Vacunación en Colón")  # type: ignore[attr-defined]
    widget(enlace.text_area, "Texto del comunicado").input("Jornada del sábado")  # type: ignore[attr-defined]
    click(enlace, "Enviar comunicado")
    asesor = open_as(ASESOR, guard.VALIDACION)
    pick(asesor, "Vacunación en Colón")
    widget(asesor.radio, "Decisión").set_value("devolver")  # type: ignore[attr-defined]
    widget(asesor.text_area, "Motivo de la devolución").input("Falta la hora")  # type: ignore[attr-defined]
    click(asesor, "Registrar decisión")

    enlace = open_as(ENLACE, guard.OBLIGACIONES)
    box = widget(enlace.selectbox, "Envío devuelto")
    options = list(box.options)  # type: ignore[attr-defined]
    [index] = [i for i, text in enumerate(options) if "Vacunación en Colón" in text]
    box.select_index(index).run()  # type: ignore[attr-defined]
    [title] = [t for t in enlace.text_input if t.value == "Vacunación en Colón"]
    [body] = [t for t in enlace.text_area if t.value == "Jornada del sábado"]
    title.input("Vacunación en Colón, sábado 8:00")
    body.input("Jornada del sábado de 8:00 a 14:00")
    click(enlace, "Reenviar corregido")
    assert "Comunicado enviado: queda pendiente de validación." in texts(enlace.success)

    with live.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select submission_id, title, body, replaces_id, status, media_at"
                " from obligation_releases where title like 'Vacunación en Colón%'"
                " order by submission_id"
            )
        ).all()
    [(first, _, _, _, status, media_at), (_, title_2, body_2, replaces, status_2, media_2)] = rows
    assert (status, status_2) == ("devuelto", "pendiente")
    assert (title_2, body_2, replaces) == (
        "Vacunación en Colón, sábado 8:00",
        "Jornada del sábado de 8:00 a 14:00",
        first,
    )
    assert media_2 == media_at  # the planned media time comes pre-filled and is kept
