"""Who is using this browser session: the sign-in gate every page runs through `page_setup`.

The method is chosen by configuration, in this order:

1. OIDC (`st.login`) when `.streamlit/secrets.toml` has an `[auth]` section. The IdP's e-mail
   is looked up in `users`; unknown or disabled e-mails are refused.
2. Demo mode when the database holds demo data and nothing else
   (`users.is_demo_only_database`): a role picker in the sidebar, no password.
3. Local accounts otherwise: a form "Usuario"/"Contraseña"/"Ingresar", Argon2id hashes, lockout
   after 5 failures for 15 minutes. A successful sign-in opens a server-side session
   (`cac311.auth.sessions`: 8 h idle / 24 h absolute by default) whose opaque token lives in an
   HttpOnly cookie set by our own route (`cac311.auth.routes`, mounted by `serve.py`), so it
   survives a reload, a new tab and a shared link. Where those routes are not mounted (a bare
   `streamlit run app.py`, AppTest) the token stays in this tab's server-side session state.

Sign-in writes (failed attempts, lockout, audit log) go through a small separate *auth writer*
engine made from `writer_url`; the dashboard's data queries use the read-only engine. See
docs/security.md.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from typing import Any, Final

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from cac311.auth import routes, sessions, users
from cac311.auth.audit import record, utc_now
from cac311.auth.identity import ROLE_LABELS, ROLES, Identity, Role
from cac311.config import Settings
from cac311.db import faults
from cac311.db.engine import make_engine
from cac311.errors import UserError
from cac311.ui.safe import SHORT, md, plain

log = logging.getLogger(__name__)

# Only where the cookie routes are not mounted: the session token, kept server-side in this
# tab's Streamlit session (never sent to the browser).
TOKEN_KEY: Final = "auth_session_token"
WRITER_URL_KEY: Final = "auth_writer_url"
OIDC_AUDITED_KEY: Final = "auth_oidc_audited"
DEMO_ROLE_KEY: Final = "auth_demo_role"
DEMO_ENTITY_KEY: Final = "auth_demo_entity"
DEMO_ASESOR_ENTITIES_KEY: Final = "auth_demo_asesor_entities"

FIRST_ADMIN_COMMAND: Final = (
    "printf '%s\\n' 'CONTRASEÑA' | cac311 users add --email admin@aig.gob.pa "
    "--role admin --password-stdin"
)


def session_policy() -> sessions.SessionPolicy:
    """Idle and absolute limits of local sessions (`CAC311_SESION_MINUTOS`, `..._MAX_HORAS`)."""
    return sessions.SessionPolicy.from_settings(Settings.from_env())


def cookie_sessions() -> bool:
    """True when this server mounted the cookie routes (`serve.py`), so sessions use cookies."""
    return routes.mounted()


def presented_token() -> str | None:
    """The session token this browser presents: its cookie, or this tab's stored token."""
    if cookie_sessions():
        return st.context.cookies.get(routes.SESSION_COOKIE)
    token = st.session_state.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


@st.cache_resource(show_spinner=False)
def auth_engine(writer_url: str) -> Engine:
    """The small writing engine used only for `users`, `user_sessions` and `audit_log`."""
    return make_engine(writer_url, application_name="cac311-auth")


def auth_database_url(writer_url: str) -> str:
    """The URL of the sign-in connection: `CAC311_AUTH_DATABASE_URL`, else secrets.toml
    `[database] auth_url`, else `writer_url`.

    On PostgreSQL point it at the `cac311_acceso` role (docs/security.md): it may only read
    `users`/`entities`/`import_batches`/`audit_log`, update the lockout columns of `users`,
    open, touch and end rows of `user_sessions` and append to `audit_log`. It must be the same
    database as the dashboard's.
    """
    env_url = os.environ.get("CAC311_AUTH_DATABASE_URL", "").strip()
    if env_url:
        return env_url
    try:
        section: Any = st.secrets.get("database", {})
    except FileNotFoundError:
        section = {}
    configured = section.get("auth_url") if hasattr(section, "get") else None
    return str(configured) if configured else writer_url


def oidc_configured() -> bool:
    """True when secrets.toml has an `[auth]` section (a missing secrets file means no)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def sign_in_gate(writer_url: str) -> Identity:
    """The identity of this session, or render the sign-in UI and `st.stop()`.

    Call it on every page right after `st.set_page_config`. `writer_url` is the database's
    writing URL; `auth_database_url` may replace it with a least-privilege sign-in role.
    """
    auth_url = auth_database_url(writer_url)
    st.session_state[WRITER_URL_KEY] = auth_url
    try:
        engine = auth_engine(auth_url)
        if oidc_configured():
            return _oidc_gate(engine)
        if users.is_demo_only_database(engine):
            return _demo_gate(engine)
        return _local_gate(engine)
    except UserError as exc:
        st.error(md(str(exc)))
        st.stop()
    except SQLAlchemyError as exc:
        log.exception("sign-in gate: database error on the auth connection")
        if faults.is_outage(exc):  # e.g. the server is restarting: nothing to configure
            st.error(faults.OUTAGE_LINE)
        else:
            st.error(
                "No se pudo verificar el ingreso en la base de datos. Revise la conexión de "
                "ingreso (`auth_url`, ver docs/security.md) o intente de nuevo."
            )
        st.stop()


def sign_out_control(identity: Identity) -> None:
    """Sidebar line with who is signed in and a "Cerrar sesión" button (not in demo mode)."""
    if identity.via == "demo":
        return
    # Plain text, not Markdown: the e-mail reads (and copies, and is found) exactly as stored.
    st.sidebar.text(plain(f"{identity.email} — {identity.scope_label}", limit=SHORT + 40))
    if st.sidebar.button("Cerrar sesión", key="auth_sign_out"):
        writer_url = st.session_state.get(WRITER_URL_KEY)
        if writer_url:
            engine = auth_engine(str(writer_url))
            if identity.via == "local":
                sessions.end_session(engine, presented_token(), utc_now())  # audits sign_out
            else:
                record(engine, identity.email, "sign_out", identity.via)
        _forget_session()
        if identity.via == "oidc":
            st.logout()  # clears Streamlit's identity cookie and ends the IdP session
            st.stop()
        if cookie_sessions():
            _send_browser_to(routes.CLOSE_PATH)  # expires the (already ended) session's cookie
            st.stop()
        st.rerun()


def _forget_session() -> None:
    for key in (TOKEN_KEY, OIDC_AUDITED_KEY):
        st.session_state.pop(key, None)


def _send_browser_to(path: str, *, code: str | None = None) -> None:
    """Navigate the browser to one of our routes, coming back to this very page (path and
    query string, read in the browser) afterwards. With `code`, first store the one-time
    sign-in code in a 60-second `SameSite=Strict` cookie for `routes.open_session`.

    The script is ours alone: the only value put into it is the code, whose shape
    (`sessions.well_formed`, URL-safe Base64) is checked, and every literal is JSON-encoded.
    """
    lines = []
    if code is not None:
        if not sessions.well_formed(code):
            raise ValueError("malformed sign-in code")
        cookie = (
            f"{routes.CODE_COOKIE}={code}; path={routes.cookie_path()}; "
            f"max-age={int(sessions.EXCHANGE_WINDOW.total_seconds())}; samesite=strict"
        )
        lines.append(
            f"document.cookie = {json.dumps(cookie)}"
            ' + (window.location.protocol === "https:" ? "; secure" : "");'
        )
    target = json.dumps(routes.route_url(path) + "?next=")
    lines.append(
        f"window.location.replace({target}"
        " + encodeURIComponent(window.location.pathname + window.location.search));"
    )
    st.html("<script>" + "\n".join(lines) + "</script>", unsafe_allow_javascript=True)


# --- OIDC -------------------------------------------------------------------------------------


def _oidc_provider() -> str | None:
    """None for a single provider configured directly in `[auth]`, else the first named one."""
    section: Any = st.secrets["auth"]
    if "client_id" in section:
        return None
    named = [name for name, value in section.items() if hasattr(value, "keys")]
    return named[0] if named else None


def _oidc_gate(engine: Engine) -> Identity:
    if not st.user.get("is_logged_in", False):
        st.title("Tablero 311")
        st.info("Ingrese con su cuenta institucional para ver el tablero.")
        provider = _oidc_provider()
        if st.button("Ingresar", key="auth_oidc_login", type="primary"):
            if provider is None:
                st.login()
            else:
                st.login(provider)
        st.stop()
    email = str(st.user.get("email") or "").strip().lower()
    verified = st.user.get("email_verified", True)
    identity = users.active_identity(engine, email, "oidc") if verified is not False else None
    if identity is None:
        if st.session_state.get(OIDC_AUDITED_KEY) != f"refused:{email}":
            record(engine, email or None, "sign_in_failed", "oidc: correo sin acceso")
            st.session_state[OIDC_AUDITED_KEY] = f"refused:{email}"
        st.error(
            f"El correo {md(email or '(sin correo)', limit=SHORT)} no tiene acceso al Tablero "
            "311 o su cuenta está deshabilitada. Pida acceso al administrador."
        )
        if st.button("Cerrar sesión", key="auth_oidc_refused_logout"):
            _forget_session()
            st.logout()
        st.stop()
    if st.session_state.get(OIDC_AUDITED_KEY) != email:
        record(engine, email, "sign_in", "oidc")
        st.session_state[OIDC_AUDITED_KEY] = email
    return identity


# --- Demo -------------------------------------------------------------------------------------


@st.cache_data(ttl=300, show_spinner=False)
def _demo_entities(writer_url: str) -> list[tuple[str, str]]:
    return users.active_entities(auth_engine(writer_url))


def _demo_gate(engine: Engine) -> Identity:
    writer_url = str(st.session_state[WRITER_URL_KEY])
    with st.sidebar:
        st.caption("Datos de demostración: elija el rol con el que quiere ver el tablero.")
        role: Role = st.selectbox(
            "Rol de demostración",
            ROLES,
            format_func=lambda r: ROLE_LABELS[r],
            key=DEMO_ROLE_KEY,
            persist_state="session",
        )
        entity_id: str | None = None
        if role == "enlace":
            entities = dict(_demo_entities(writer_url))
            if not entities:
                st.error("No hay entidades activas para el enlace de demostración.")
                st.stop()
            entity_id = st.selectbox(
                "Entidad del enlace",
                list(entities),
                format_func=lambda e: plain(f"{e} — {entities.get(e, '')}", limit=SHORT),
                key=DEMO_ENTITY_KEY,
                persist_state="session",
            )
        if role == "asesor":
            return _demo_asesor(writer_url)
    return Identity(email=f"demo-{role}@demo.local", role=role, entity_id=entity_id, via="demo")


def _demo_asesor(writer_url: str) -> Identity:
    """The demo asesor's entities: a multiselect, by default the entities with submissions."""
    from cac311.obligations.store import entities_with_submissions

    entities = dict(_demo_entities(writer_url))
    default = [e for e in entities_with_submissions(auth_engine(writer_url)) if e in entities]
    chosen: list[str] = st.multiselect(
        "Entidades del asesor",
        list(entities),
        default=default or list(entities)[:1],
        format_func=lambda e: f"{e} — {entities.get(e, '')}",
        key=DEMO_ASESOR_ENTITIES_KEY,
        persist_state="session",
    )
    if not chosen:
        st.warning("Elija al menos una entidad para el asesor de demostración.")
        st.stop()
    return Identity(
        email="demo-asesor@demo.local",
        role="asesor",
        via="demo",
        entity_ids=tuple(sorted(chosen)),
    )


# --- Local accounts ---------------------------------------------------------------------------


_PROBLEM_TEXT: Final[dict[str, str]] = {
    "expired_idle": "Su sesión expiró por inactividad. Ingrese de nuevo.",
    "expired_absolute": "Su sesión llegó a su duración máxima. Ingrese de nuevo.",
    "revoked": "Su contraseña fue cambiada y su sesión se cerró. Ingrese de nuevo.",
}


def _local_gate(engine: Engine) -> Identity:
    now = utc_now()
    policy = session_policy()
    token = presented_token()
    if token is not None:
        check = sessions.check_session(engine, token, now, policy)
        if check.identity is not None:
            return check.identity
        _forget_session()
        if check.problem == "disabled":
            st.error("Su cuenta fue deshabilitada. Pida acceso al administrador.")
        elif check.problem in _PROBLEM_TEXT:
            st.info(_PROBLEM_TEXT[check.problem])
    if users.count_users(engine) == 0:
        st.title("Tablero 311")
        st.warning(
            "Esta base de datos no tiene usuarios todavía. Cree el primer administrador desde "
            "la línea de comandos y luego ingrese aquí:"
        )
        st.code(FIRST_ADMIN_COMMAND, language="bash")
        st.stop()
    _sign_in_form(engine, now, policy)
    st.stop()


def _sign_in_form(engine: Engine, now: datetime, policy: sessions.SessionPolicy) -> None:
    st.title("Tablero 311")
    st.subheader("Ingreso")
    with st.form("auth_sign_in_form", clear_on_submit=False):
        email = st.text_input("Usuario", key="auth_user", placeholder="correo@entidad.gob.pa")
        password = st.text_input("Contraseña", key="auth_password", type="password")
        submitted = st.form_submit_button("Ingresar", type="primary")
    if not submitted:
        return
    if not email.strip() or not password:
        st.error("Escriba su usuario y su contraseña.")
        return
    result = users.attempt_sign_in(engine, email, password, now)
    if result.outcome == "ok" and result.identity is not None:
        st.session_state.pop("auth_password", None)
        if cookie_sessions():
            code = sessions.open_pending(engine, result.identity.email, now, policy)
            st.info("Ingresando…")
            _send_browser_to(routes.OPEN_PATH, code=code)
            st.stop()
        token = sessions.open_session(engine, result.identity.email, now, policy)
        st.session_state[TOKEN_KEY] = token
        st.rerun()
    if result.outcome == "locked":
        until = result.locked_until
        minutes = max(1, int((until - now).total_seconds() // 60) + 1) if until else 15
        st.error(
            "Cuenta bloqueada por demasiados intentos fallidos. "
            f"Intente de nuevo en {minutes:d} minutos."
        )
    elif result.outcome == "disabled":
        st.error("Su cuenta está deshabilitada. Pida acceso al administrador.")
    else:
        st.error("Usuario o contraseña incorrectos.")
