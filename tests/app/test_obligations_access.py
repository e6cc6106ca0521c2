"""Isolation between entities on the obligation pages and their downloads (issue 14), through
the real pages with local accounts, like tests/app/test_access.py.

Submissions with attachments are added for MINSA and for MEF; an enlace of MINSA and an asesor
of MINSA only must never see MEF's submissions, file names or download buttons, whatever the
URL or the session says; the other roles are refused the pages they do not own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.auth import users
from cac311.auth.identity import Identity
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.obligations import store
from cac311.obligations.attachments import check_attachment
from cac311.ui import guard
from cac311.ui.safe import SHORT, md
from tests.app.conftest import (
    LOCAL_USERS,
    PageRunner,
    data_shown,
    entities_of_shown_cases,
    page_text,
    texts,
)
from tests.auth.helpers import PASSWORD
from tests.obligations.support import csv_bytes, key, pdf_bytes

ENLACE = LOCAL_USERS["enlace"]  # MINSA
ENLACE_MEF = "enlace.obligaciones@mef.gob.pa"
ASESOR = "asesor.obligaciones@aig.gob.pa"  # MINSA only
MEF_FILE = "secreto_mef.pdf"
MINSA_FILE = "tabla_minsa.csv"
# File names are data: a download label shows them through `md` (escaped Markdown).
MEF_FILE_SHOWN = md(MEF_FILE, limit=SHORT)
MINSA_FILE_SHOWN = md(MINSA_FILE, limit=SHORT)
MEF_TITLE = "Comunicado reservado del MEF"
OWN_PAGES = [guard.OBLIGACIONES.path, guard.VALIDACION.path]


def _user(engine: Engine, email: str, role: str, **kwargs: object) -> Identity:
    if users.find_user(engine, email) is None:
        users.add_user(engine, email, role, password=PASSWORD, **kwargs)  # type: ignore[arg-type]
    found = users.active_identity(engine, email, "local")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def submissions(local_accounts_url: str) -> Iterator[Engine]:
    """A pending MINSA review with a CSV, a pending MEF release with a PDF (written once)."""
    engine = make_engine(local_accounts_url)
    minsa = _user(engine, ENLACE, "enlace", entity_id="MINSA")
    mef = _user(engine, ENLACE_MEF, "enlace", entity_id="MEF")
    _user(engine, ASESOR, "asesor", entity_ids=["MINSA"])
    store.submit_review(
        engine, minsa, Settings(), item="base_conocimiento", sin_cambios=False,
        description="Preguntas nuevas", attachment=check_attachment(MINSA_FILE, csv_bytes()),
        request_key=key(),
    )  # fmt: skip
    store.submit_release(
        engine, mef, Settings(), title=MEF_TITLE, media_at_local=datetime(2026, 11, 20, 9),
        body="Texto", attachment=check_attachment(MEF_FILE, pdf_bytes()), request_key=key(),
    )  # fmt: skip
    yield engine
    engine.dispose()


def downloads(at: AppTest) -> list[str]:
    return [str(b.proto.label) for b in at.get("download_button")]


def assert_no_mef(at: AppTest) -> None:
    text = page_text(at)
    assert MEF_FILE not in text and MEF_TITLE not in text
    assert not any(MEF_FILE_SHOWN in label for label in downloads(at))


@pytest.mark.parametrize(
    "params",
    [{}, {"entidad": "MEF"}, {"e": "MEF", "sector": "ministerio"}],
    ids=["sin_parametros", "entidad", "e_y_sector"],
)
def test_enlace_sees_only_their_entity_submissions_and_files(
    open_signed_in: PageRunner, submissions: Engine, params: dict[str, str]
) -> None:
    del submissions
    at = open_signed_in(guard.OBLIGACIONES.path, email=ENLACE, params=params)
    assert not at.exception and not at.error, texts(at.exception) + texts(at.error)
    assert "**Entidad:** MINSA — " in " ".join(texts(at.markdown))
    assert_no_mef(at)
    assert any(MINSA_FILE_SHOWN in label for label in downloads(at))
    history = [d.value for d in at.dataframe if "detalle" in d.value.columns]
    assert history and all(set(frame["tipo"]) <= {"Revisión", "Comunicado"} for frame in history)


def test_asesor_queue_holds_only_assigned_entities(
    open_signed_in: PageRunner, submissions: Engine
) -> None:
    del submissions
    at = open_signed_in(guard.VALIDACION.path, email=ASESOR, params={"entidad": "MEF"})
    assert not at.exception and not at.error, texts(at.error)
    queue = at.dataframe[0].value
    assert set(queue["entidad_id"]) == {"MINSA"}
    assert_no_mef(at)
    options = [o for box in at.selectbox if box.label == "Envío a revisar" for o in box.options]
    assert options and all("MINSA" in option for option in options)


def test_asesor_case_lists_only_for_assigned_entities(
    open_signed_in: PageRunner, submissions: Engine, case_entities: dict[str, str]
) -> None:
    del submissions
    at = open_signed_in(guard.ENTIDAD.path, email=ASESOR, params={"e": "MOP"})
    assert not at.exception, texts(at.exception)
    assert entities_of_shown_cases(at, case_entities) == set()
    assert any("solo" in w and "MOP" in w for w in texts(at.warning))


@pytest.mark.parametrize(
    ("email", "path"),
    [
        (ENLACE, guard.VALIDACION.path),
        (ASESOR, guard.OBLIGACIONES.path),
        (LOCAL_USERS["director"], guard.OBLIGACIONES.path),
        (LOCAL_USERS["director"], guard.VALIDACION.path),
        (LOCAL_USERS["admin"], guard.VALIDACION.path),
    ],
)
def test_other_roles_are_refused_the_obligation_pages(
    open_signed_in: PageRunner, submissions: Engine, email: str, path: str
) -> None:
    del submissions
    at = open_signed_in(path, email=email, params={"entidad": "MINSA"})
    assert not at.exception, texts(at.exception)
    assert "Su rol no tiene acceso" in texts(at.error)[0]
    assert data_shown(at) == {}
    assert not [f for f in at.get("file_uploader")]
    assert_no_mef(at)


@pytest.mark.parametrize("path", OWN_PAGES)
def test_forged_session_identity_does_not_switch_entity(
    open_signed_in: PageRunner, submissions: Engine, path: str
) -> None:
    """A session value claims MEF (and, for the asesor, more entities): the guard takes the
    identity from the session token and re-reads the user from the database on every run, so
    the page stays on the real entity."""
    del submissions
    email = ENLACE if path == guard.OBLIGACIONES.path else ASESOR
    at = open_signed_in("app.py", email=email)
    at.session_state["auth_identity"] = (
        Identity(email, "enlace", "MEF", "local")
        if email == ENLACE
        else Identity(email, "asesor", via="local", entity_ids=("MINSA", "MEF"))
    )
    at.switch_page(path).run()
    assert not at.exception, texts(at.exception)
    assert_no_mef(at)
