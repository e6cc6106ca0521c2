"""AppTest of `sign_in_gate` on SQLite and PostgreSQL through tests/auth/apps/gate_app.py."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.auth import sessions, users
from cac311.auth.audit import audit_entries, utc_now
from cac311.auth.session import TOKEN_KEY
from cac311.auth.sessions import USER_SESSIONS
from tests.auth.helpers import PASSWORD, add_batch, add_entity
from tests.conftest import url_of

GATE_APP = Path(__file__).parent / "apps" / "gate_app.py"
OIDC_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "solo-para-pruebas",  # pragma: allowlist secret
    "client_id": "cac311",
    "client_secret": "solo-para-pruebas",  # pragma: allowlist secret
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def app(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CAC311_GATE_TEST_URL", url_of(engine))
    return AppTest.from_file(str(GATE_APP), default_timeout=30)


def identity_line(at: AppTest) -> str | None:
    lines = [m.value for m in at.markdown if str(m.value).startswith("IDENTIDAD ")]
    return str(lines[0]).removeprefix("IDENTIDAD ") if lines else None


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def sign_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="auth_user").input(email)
    at.text_input(key="auth_password").input(password)
    return at.button[0].click().run()


def test_local_form_labels_and_successful_sign_in(engine: Engine, app: AppTest) -> None:
    users.add_user(engine, "jefa@aig.gob.pa", "admin", None, PASSWORD)
    app.run()
    assert not app.exception
    assert [t.label for t in app.text_input] == ["Usuario", "Contraseña"]
    assert [b.label for b in app.button] == ["Ingresar"]
    assert identity_line(app) is None
    assert not app.info  # nothing "expired" on a first visit
    assert not app.sidebar.selectbox  # no demo picker on a non-demo database

    sign_in(app, "Jefa@aig.gob.pa", PASSWORD)
    assert not app.exception
    assert identity_line(app) == "jefa@aig.gob.pa|admin|None|local"
    assert "Cerrar sesión" in [b.label for b in app.sidebar.button]


def test_wrong_password_refused_and_counted(engine: Engine, app: AppTest) -> None:
    users.add_user(engine, "jefa@aig.gob.pa", "admin", None, PASSWORD)
    app.run()
    sign_in(app, "jefa@aig.gob.pa", "no-es-la-clave")
    assert errors(app) == ["Usuario o contraseña incorrectos."]
    assert identity_line(app) is None
    record = users.find_user(engine, "jefa@aig.gob.pa")
    assert record is not None and record.failed_attempts == 1


def test_locked_account_stays_locked_with_right_password(engine: Engine, app: AppTest) -> None:
    users.add_user(engine, "jefa@aig.gob.pa", "admin", None, PASSWORD)
    app.run()
    for i in range(5):
        sign_in(app, "jefa@aig.gob.pa", f"mala-{i}")
    assert "Cuenta bloqueada" in errors(app)[0]
    sign_in(app, "jefa@aig.gob.pa", PASSWORD)
    assert "Cuenta bloqueada" in errors(app)[0]
    assert identity_line(app) is None


def test_disabled_user_refused(engine: Engine, app: AppTest) -> None:
    users.add_user(engine, "d@aig.gob.pa", "director", None, PASSWORD)
    users.disable_user(engine, "d@aig.gob.pa")
    app.run()
    sign_in(app, "d@aig.gob.pa", PASSWORD)
    assert errors(app) == ["Su cuenta está deshabilitada. Pida acceso al administrador."]
    assert identity_line(app) is None


def test_user_disabled_while_signed_in_loses_access(engine: Engine, app: AppTest) -> None:
    users.add_user(engine, "d@aig.gob.pa", "director", None, PASSWORD)
    app.run()
    sign_in(app, "d@aig.gob.pa", PASSWORD)
    assert identity_line(app) == "d@aig.gob.pa|director|None|local"
    users.disable_user(engine, "d@aig.gob.pa")
    app.run()
    assert identity_line(app) is None
    assert errors(app) == ["Su cuenta fue deshabilitada. Pida acceso al administrador."]


def age_sessions(engine: Engine, *, idle: timedelta, age: timedelta | None = None) -> None:
    """Move every session's last activity `idle` into the past (and its start `age`)."""
    now = utc_now()
    values: dict[str, object] = {"last_seen_at": now - idle}
    if age is not None:
        values["created_at"] = now - age
    with engine.begin() as conn:
        conn.execute(sa.update(USER_SESSIONS).values(**values))


def test_session_expires_after_inactivity(engine: Engine, app: AppTest) -> None:
    users.add_user(engine, "d@aig.gob.pa", "director", None, PASSWORD)
    app.run()
    sign_in(app, "d@aig.gob.pa", PASSWORD)
    assert identity_line(app) is not None
    age_sessions(engine, idle=timedelta(hours=7, minutes=59))
    app.run()
    assert identity_line(app) == "d@aig.gob.pa|director|None|local"  # 8 h idle by default
    age_sessions(engine, idle=timedelta(hours=8, minutes=1))
    app.run()
    assert identity_line(app) is None
    assert [i.value for i in app.info] == ["Su sesión expiró por inactividad. Ingrese de nuevo."]
    assert [t.label for t in app.text_input] == ["Usuario", "Contraseña"]
    log = audit_entries(engine, 5)
    assert log.select("action", "detail").row(0) == (
        "session_expired",
        "sesión local: inactividad (480 min)",
    )


def test_session_ends_at_its_absolute_limit_even_when_used(
    engine: Engine, app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAC311_SESION_MAX_HORAS", "2")
    users.add_user(engine, "d@aig.gob.pa", "director", None, PASSWORD)
    app.run()
    sign_in(app, "d@aig.gob.pa", PASSWORD)
    age_sessions(engine, idle=timedelta(minutes=1), age=timedelta(hours=2, minutes=1))
    app.run()
    assert identity_line(app) is None
    assert [i.value for i in app.info] == [
        "Su sesión llegó a su duración máxima. Ingrese de nuevo."
    ]
    assert audit_entries(engine, 1)["detail"].to_list() == ["sesión local: duración máxima (2 h)"]


def test_password_change_ends_the_open_session(engine: Engine, app: AppTest) -> None:
    users.add_user(engine, "d@aig.gob.pa", "director", None, PASSWORD)
    app.run()
    sign_in(app, "d@aig.gob.pa", PASSWORD)
    assert identity_line(app) is not None
    assert users.set_password(engine, "d@aig.gob.pa", "otra-clave-larga") == 1
    app.run()
    assert identity_line(app) is None
    assert [i.value for i in app.info] == [
        "Su contraseña fue cambiada y su sesión se cerró. Ingrese de nuevo."
    ]
    sign_in(app, "d@aig.gob.pa", "otra-clave-larga")
    assert identity_line(app) == "d@aig.gob.pa|director|None|local"


def test_token_is_kept_server_side_and_only_its_hash_is_stored(
    engine: Engine, app: AppTest
) -> None:
    users.add_user(engine, "d@aig.gob.pa", "director", None, PASSWORD)
    app.run()
    sign_in(app, "d@aig.gob.pa", PASSWORD)
    token = app.session_state[TOKEN_KEY]
    assert sessions.well_formed(token)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(USER_SESSIONS)).mappings().one()
    assert stored["token_hash"] == sessions.digest(token)
    assert token not in {str(value) for value in stored.values()}


def test_sign_out(engine: Engine, app: AppTest) -> None:
    users.add_user(engine, "d@aig.gob.pa", "director", None, PASSWORD)
    app.run()
    sign_in(app, "d@aig.gob.pa", PASSWORD)
    token = app.session_state[TOKEN_KEY]
    app.sidebar.button(key="auth_sign_out").click().run()
    assert identity_line(app) is None
    assert [t.label for t in app.text_input] == ["Usuario", "Contraseña"]
    assert not app.info and not app.error  # a sign-out is not an "expired" session
    assert audit_entries(engine, 5)["action"].to_list()[:2] == ["sign_out", "sign_in"]
    # The token is dead server-side: presenting it again opens nothing.
    check = sessions.check_session(engine, token, utc_now(), sessions.SessionPolicy())
    assert check.identity is None and check.problem == "ended"


def test_no_users_shows_how_to_create_first_admin(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert identity_line(app) is None
    assert "no tiene usuarios" in str(app.warning[0].value)
    assert "cac311 users add" in str(app.code[0].value)
    assert "--role admin --password-stdin" in str(app.code[0].value)
    assert not app.text_input


def test_demo_picker_only_in_demo_mode(engine: Engine, app: AppTest) -> None:
    add_entity(engine, "MINSA", "Ministerio de Salud")
    add_entity(engine, "MEDUCA", "Ministerio de Educación")
    add_batch(engine, is_demo=True)
    app.run()
    assert not app.exception
    picker = app.sidebar.selectbox(key="auth_demo_role")
    assert picker.label == "Rol de demostración"
    assert identity_line(app) == "demo-admin@demo.local|admin|None|demo"
    assert not app.text_input

    picker.set_value("enlace").run()
    entity = app.sidebar.selectbox(key="auth_demo_entity")
    assert entity.options == ["MEDUCA — Ministerio de Educación", "MINSA — Ministerio de Salud"]
    entity.set_value("MINSA").run()
    assert identity_line(app) == "demo-enlace@demo.local|enlace|MINSA|demo"

    # A real import turns demo mode off: the next run asks for a sign-in instead.
    add_batch(engine, is_demo=False)
    app.run()
    assert identity_line(app) is None
    assert not app.sidebar.selectbox


def test_oidc_login_button_then_known_user(engine: Engine, app: AppTest) -> None:
    add_entity(engine, "MINSA")
    users.add_user(engine, "e@minsa.gob.pa", "enlace", "MINSA", None)
    app.secrets["auth"] = OIDC_SECRETS
    app.user = {"is_logged_in": False}
    app.run()
    assert not app.exception
    assert [b.label for b in app.button] == ["Ingresar"]
    assert not app.text_input  # no local form when OIDC is configured
    assert identity_line(app) is None

    app.user = {"is_logged_in": True, "email": "E@minsa.gob.pa", "email_verified": True}
    app.run()
    assert identity_line(app) == "e@minsa.gob.pa|enlace|MINSA|oidc"
    app.run()
    log = audit_entries(engine, 5)
    assert log.select("email", "action", "detail").rows() == [("e@minsa.gob.pa", "sign_in", "oidc")]


@pytest.mark.parametrize("case", ["unknown", "disabled", "unverified"])
def test_oidc_refusals(engine: Engine, app: AppTest, case: str) -> None:
    users.add_user(engine, "d@aig.gob.pa", "director", None, None)
    if case == "disabled":
        users.disable_user(engine, "d@aig.gob.pa")
    email = "otro@gmail.com" if case == "unknown" else "d@aig.gob.pa"
    app.secrets["auth"] = OIDC_SECRETS
    app.user = {"is_logged_in": True, "email": email, "email_verified": case != "unverified"}
    app.run()
    assert not app.exception
    assert identity_line(app) is None
    assert "no tiene acceso al Tablero 311" in errors(app)[0]
    assert audit_entries(engine, 5)["action"].to_list() == ["sign_in_failed"]


def test_auth_database_url_overrides_writer_url(
    engine: Engine, app: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The page guard passes a URL whose database has no users; the sign-in connection
    # configured by CAC311_AUTH_DATABASE_URL is the one that is used.
    monkeypatch.setenv("CAC311_GATE_TEST_URL", f"sqlite:///{tmp_path / 'sin_usuarios.sqlite'}")
    monkeypatch.setenv("CAC311_AUTH_DATABASE_URL", url_of(engine))
    users.add_user(engine, "jefa@aig.gob.pa", "admin", None, PASSWORD)
    app.run()
    assert not app.warning  # not the "no users yet" page
    sign_in(app, "jefa@aig.gob.pa", PASSWORD)
    assert identity_line(app) == "jefa@aig.gob.pa|admin|None|local"
