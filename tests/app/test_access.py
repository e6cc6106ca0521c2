"""Who may see what, through the real pages with local accounts (issue #7, docs/security.md).

The database is a copy of the demo data with users added (`local_accounts_url`), so the pages
ask for a sign-in ("Usuario", "Contraseña", "Ingresar") instead of offering the demo role picker.
An enlace of MINSA sees every entity's aggregates but case ids only of MINSA: every case id the
page shows anywhere (tables, text) is looked up in the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.auth import sessions, users
from cac311.auth.audit import utc_now
from cac311.auth.identity import Identity
from cac311.auth.session import DEMO_ENTITY_KEY, DEMO_ROLE_KEY, TOKEN_KEY
from cac311.db.engine import make_engine
from cac311.ui import guard
from tests.app.conftest import (
    ENLACE_ENTITY,
    LOCAL_USERS,
    PROJECT,
    PageRunner,
    data_shown,
    elements_of,
    entities_of_shown_cases,
    sign_in,
    texts,
)
from tests.auth.helpers import PASSWORD

ENLACE = LOCAL_USERS["enlace"]
OTHER_ENTITY = "MEF"
ENTIDAD = guard.ENTIDAD.path
ADMIN_PAGES = [page.path for page in guard.PAGES if "enlace" not in page.roles]
ENLACE_PAGES = [page.path for page in guard.PAGES if "enlace" in page.roles]
WRONG = "no-es-la-clave"  # pragma: allowlist secret
FORM_LABELS = ["Usuario", "Contraseña"]


@pytest.fixture(scope="module")
def accounts(local_accounts_url: str) -> Iterator[Engine]:
    """A writable engine on the local-accounts database (to add users and read counters)."""
    engine = make_engine(local_accounts_url)
    yield engine
    engine.dispose()


def messages(at: AppTest) -> list[str]:
    return texts(at.error) + texts(at.warning) + texts(at.info)


def assert_sign_in_form_only(at: AppTest) -> None:
    assert not at.exception, texts(at.exception)
    assert [t.label for t in at.text_input] == FORM_LABELS
    assert data_shown(at) == {}
    assert not at.sidebar.get("page_link")  # no menu before sign-in


def fresh_user(
    engine: Engine, email: str, role: str = "director", entity_id: str | None = None
) -> str:
    """A user of its own for a test that changes the account's state (counter, lock, active)."""
    if users.find_user(engine, email) is None:
        users.add_user(engine, email, role, entity_id, PASSWORD)
    else:
        users.enable_user(engine, email)
        users.set_password(engine, email, PASSWORD)
    return email


# --- Case lists of another entity -------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"e": OTHER_ENTITY},
        {"entidad": OTHER_ENTITY, "e": OTHER_ENTITY},
        {"e": [ENLACE_ENTITY, OTHER_ENTITY]},
        {"sector": "ministerio", "e": OTHER_ENTITY, "dias": "habiles"},
    ],
    ids=["e", "entidad_y_e", "e_repetido", "con_filtros"],
)
def test_enlace_deep_link_to_another_entity_shows_no_case_ids(
    open_signed_in: PageRunner, case_entities: dict[str, str], params: dict[str, object]
) -> None:
    at = open_signed_in(ENTIDAD, email=ENLACE, params=params)
    assert not at.exception, texts(at.exception)
    assert f"{OTHER_ENTITY} — " in texts(at.subheader)[0]  # the entity's aggregates: public
    assert at.metric, "aggregate figures of the other entity are shown"
    assert any(OTHER_ENTITY in m and "solo" in m for m in messages(at)), messages(at)
    assert entities_of_shown_cases(at, case_entities) == set()
    assert not at.get("download_button")


def test_enlace_sees_the_case_ids_of_their_own_entity(
    open_signed_in: PageRunner, accounts: Engine, case_entities: dict[str, str]
) -> None:
    """Control for the test above: the page does show case lists, and the check finds them.

    (MINSA has no overdue case in the demo data; MOP has many.)"""
    email = fresh_user(accounts, "enlace@mop.gob.pa", "enlace", "MOP")
    at = open_signed_in(ENTIDAD, email=email, params={"e": "MOP"})
    assert not at.exception, texts(at.exception)
    assert entities_of_shown_cases(at, case_entities) == {"MOP"}
    assert at.get("download_button")

    at.query_params["e"] = OTHER_ENTITY
    at.switch_page(guard.RANKING.path).run()
    at.switch_page(ENTIDAD).run()
    assert "MOP" not in texts(at.subheader)[0]
    assert entities_of_shown_cases(at, case_entities) == set()


def test_director_sees_the_case_ids_of_any_entity(
    open_signed_in: PageRunner, case_entities: dict[str, str]
) -> None:
    at = open_signed_in(ENTIDAD, email=LOCAL_USERS["director"], params={"e": OTHER_ENTITY})
    assert not at.exception, texts(at.exception)
    assert entities_of_shown_cases(at, case_entities) == {OTHER_ENTITY}


@pytest.mark.parametrize("path", ENLACE_PAGES)
def test_no_page_shows_an_enlace_case_ids_of_other_entities(
    open_signed_in: PageRunner, case_entities: dict[str, str], path: str
) -> None:
    at = open_signed_in(path, email=ENLACE, params={"entidad": OTHER_ENTITY})
    assert not at.exception, texts(at.exception)
    assert not at.error, texts(at.error)
    assert entities_of_shown_cases(at, case_entities) <= {ENLACE_ENTITY}


# --- Pages of other roles ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_enlace_deep_link_to_a_restricted_page_is_refused(
    open_signed_in: PageRunner, path: str
) -> None:
    at = open_signed_in(path, email=ENLACE, params={"mes": "2026-09"})
    assert not at.exception, texts(at.exception)
    [refusal] = texts(at.error)
    assert "Su rol no tiene acceso" in refusal
    assert data_shown(at) == {}
    assert not elements_of(at, "file_uploader")
    menu = [link.proto.label for link in at.sidebar.get("page_link")]
    assert menu == [page.label for page in guard.PAGES if "enlace" in page.roles]


def test_director_is_refused_the_admin_pages_but_not_publication(
    open_signed_in: PageRunner,
) -> None:
    at = open_signed_in(guard.PUBLICACION.path, email=LOCAL_USERS["director"])
    assert not at.exception and not at.error
    for page in (guard.CALIDAD, guard.IMPORTAR):
        at.switch_page(page.path).run()
        assert "Su rol no tiene acceso" in texts(at.error)[0]
        assert data_shown(at) == {}
        assert not elements_of(at, "file_uploader")


# --- Tampering with session state -------------------------------------------------------------


def test_forged_role_in_session_state_does_not_grant_access(open_signed_in: PageRunner) -> None:
    at = open_signed_in(guard.CALIDAD.path, email=ENLACE)
    assert "Su rol no tiene acceso" in texts(at.error)[0]

    # Stale keys claim admin (and another entity); the demo role keys say admin too.
    at.session_state["auth_identity"] = Identity(ENLACE, "admin", None, "local")
    at.session_state[DEMO_ROLE_KEY] = "admin"
    at.session_state[DEMO_ENTITY_KEY] = OTHER_ENTITY
    at.run()
    assert not at.exception, texts(at.exception)
    assert "Su rol no tiene acceso" in texts(at.error)[0]
    assert data_shown(at) == {}
    assert f"{ENLACE} — Enlace ejecutivo · {ENLACE_ENTITY}" in texts(at.sidebar.text)


def test_forged_entity_in_session_state_does_not_open_its_case_lists(
    open_signed_in: PageRunner, case_entities: dict[str, str]
) -> None:
    at = open_signed_in("app.py", email=ENLACE)
    at.session_state["auth_identity"] = Identity(ENLACE, "enlace", OTHER_ENTITY, "local")
    at.query_params["e"] = OTHER_ENTITY
    at.switch_page(ENTIDAD).run()
    assert not at.exception, texts(at.exception)
    assert entities_of_shown_cases(at, case_entities) == set()
    assert any(OTHER_ENTITY in m and "solo" in m for m in messages(at)), messages(at)


def _ended_admin_token(local_accounts_url: str) -> str:
    """A real token of the admin whose session was then ended by signing out."""
    engine = make_engine(local_accounts_url)
    try:
        now = utc_now()
        token = sessions.open_session(engine, LOCAL_USERS["admin"], now, sessions.SessionPolicy())
        assert sessions.end_session(engine, token, now)
    finally:
        engine.dispose()
    return token


@pytest.mark.parametrize(
    "forged",
    [
        {DEMO_ROLE_KEY: "admin", DEMO_ENTITY_KEY: OTHER_ENTITY},
        {"auth_identity": Identity("demo-admin@demo.local", "admin", None, "demo")},
        {"auth_identity": Identity(LOCAL_USERS["admin"], "admin", None, "local")},
        {TOKEN_KEY: sessions.new_secret()},
        {TOKEN_KEY: "x" * 43 + "' or 1=1 --"},
        {TOKEN_KEY: {"email": LOCAL_USERS["admin"], "role": "admin"}},
        {TOKEN_KEY: sessions.digest("a") + "zzzzzzzzzz"},
        {TOKEN_KEY: "ENDED"},
    ],
    ids=[
        "demo_role",
        "demo_identity",
        "identity_without_session",
        "unknown_token",
        "sql_in_token",
        "not_a_token",
        "a_hash_as_token",
        "token_of_an_ended_session",
    ],
)
def test_forged_session_state_without_sign_in_gets_no_page(
    local_accounts_url: str, monkeypatch: pytest.MonkeyPatch, forged: dict[str, object]
) -> None:
    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("DATABASE_URL", local_accounts_url)
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    for key, value in forged.items():
        at.session_state[key] = (
            _ended_admin_token(local_accounts_url) if value == "ENDED" else value
        )
    at.run()
    at.switch_page(guard.CALIDAD.path).run()
    assert not at.exception, texts(at.exception)
    assert data_shown(at) == {}
    assert not at.sidebar.get("page_link")
    assert "Calidad de datos" not in texts(at.title)


@pytest.mark.parametrize("path", [page.path for page in guard.PAGES])
def test_deep_link_before_sign_in_shows_only_the_form(
    local_accounts_url: str, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("DATABASE_URL", local_accounts_url)
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60)
    at.query_params.update({"e": OTHER_ENTITY, "mes": "2026-09"})
    at.run()
    at.switch_page(path).run()
    assert_sign_in_form_only(at)


# --- Sign-in refusals through the real pages --------------------------------------------------


def test_wrong_password_is_refused_and_counted(
    open_signed_in: PageRunner, accounts: Engine
) -> None:
    email = fresh_user(accounts, "clave-mala@aig.gob.pa")
    at = open_signed_in("app.py", email=email, password=WRONG)
    assert texts(at.error) == ["Usuario o contraseña incorrectos."]
    assert_sign_in_form_only(at)
    record = users.find_user(accounts, email)
    assert record is not None and record.failed_attempts == 1

    sign_in(at, email, WRONG + "2")
    record = users.find_user(accounts, email)
    assert record is not None and record.failed_attempts == 2
    at.switch_page(guard.RANKING.path).run()
    assert_sign_in_form_only(at)


def test_locked_account_stays_locked_with_the_right_password(
    open_signed_in: PageRunner, accounts: Engine
) -> None:
    email = fresh_user(accounts, "bloqueada@aig.gob.pa", "admin")
    at = open_signed_in("app.py", email=email, password=f"{WRONG}-0")
    for attempt in range(1, 5):
        sign_in(at, email, f"{WRONG}-{attempt}")
    assert "Cuenta bloqueada" in texts(at.error)[0]
    record = users.find_user(accounts, email)
    assert record is not None and record.locked_until is not None
    assert record.locked_until > utc_now() + timedelta(minutes=14)

    sign_in(at, email, PASSWORD)
    assert "Cuenta bloqueada" in texts(at.error)[0]
    assert_sign_in_form_only(at)
    at.switch_page(guard.CALIDAD.path).run()
    assert_sign_in_form_only(at)
    # A new browser tab (new session) does not reset the lock either.
    again = open_signed_in("app.py", email=email)
    assert "Cuenta bloqueada" in texts(again.error)[0]
    assert_sign_in_form_only(again)
    again.switch_page(guard.CALIDAD.path).run()
    assert_sign_in_form_only(again)


def test_disabled_user_cannot_sign_in(open_signed_in: PageRunner, accounts: Engine) -> None:
    email = fresh_user(accounts, "baja@aig.gob.pa", "admin")
    users.disable_user(accounts, email)
    at = open_signed_in("app.py", email=email, params={"mes": "2026-09"})
    assert texts(at.error) == ["Su cuenta está deshabilitada. Pida acceso al administrador."]
    assert_sign_in_form_only(at)
    at.switch_page(guard.CALIDAD.path).run()
    assert_sign_in_form_only(at)


def test_user_disabled_while_signed_in_loses_the_page(
    open_signed_in: PageRunner, accounts: Engine
) -> None:
    email = fresh_user(accounts, "se-va@aig.gob.pa")
    at = open_signed_in(guard.RANKING.path, email=email)
    assert not at.exception and data_shown(at)
    users.disable_user(accounts, email)
    at.switch_page(guard.ENTIDAD.path).run()
    assert texts(at.error) == ["Su cuenta fue deshabilitada. Pida acceso al administrador."]
    assert data_shown(at) == {}
