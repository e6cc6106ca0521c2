"""The cookie routes of local sessions (`cac311.auth.routes`) and the gate in cookie mode.

The routes run under Starlette's TestClient against the real database (SQLite and PostgreSQL);
the gate runs under AppTest with the routes marked as mounted and the browser's cookie jar
simulated (AppTest cannot seed `st.context.cookies`; the real cookie path is covered by the
browser test tests/e2e/test_local_session.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient
from streamlit.testing.v1 import AppTest

from cac311.auth import routes, session, sessions, users
from cac311.auth.audit import audit_entries, utc_now
from tests.auth.helpers import PASSWORD
from tests.conftest import url_of

GATE_APP = Path(__file__).parent / "apps" / "gate_app.py"
ANA = "ana@aig.gob.pa"
POLICY = sessions.SessionPolicy()


@pytest.fixture
def mounted(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The routes as `serve.py` mounts them; the process-wide flag is restored afterwards."""
    monkeypatch.setattr(routes, "_mounted", routes.mounted())
    return routes.session_routes()


@pytest.fixture
def client(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, mounted: list[object]
) -> Iterator[TestClient]:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    monkeypatch.delenv("CAC311_AUTH_DATABASE_URL", raising=False)
    users.add_user(engine, ANA, "admin", None, PASSWORD)
    with TestClient(Starlette(routes=mounted), follow_redirects=False) as test_client:  # type: ignore[arg-type]
        yield test_client


def set_cookies(response: object) -> dict[str, SimpleCookie]:
    """Each `Set-Cookie` header of the response, parsed, by cookie name."""
    parsed: dict[str, SimpleCookie] = {}
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        [name] = list(cookie)
        parsed[name] = cookie
    return parsed


def open_route(test_client: TestClient, code: str | None, next_path: str) -> object:
    test_client.cookies.clear()
    if code is not None:
        test_client.cookies.set(routes.CODE_COOKIE, code)
    return test_client.get(routes.OPEN_PATH, params={"next": next_path})


def test_code_cookie_is_redeemed_for_an_httponly_lax_session_cookie(
    client: TestClient, engine: Engine
) -> None:
    code = sessions.open_pending(engine, ANA, utc_now(), POLICY)
    response = open_route(client, code, "/Ranking?mes=2026-09&dias=habiles")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/Ranking?mes=2026-09&dias=habiles"  # type: ignore[attr-defined]
    assert response.headers["cache-control"] == "no-store"  # type: ignore[attr-defined]
    cookies = set_cookies(response)
    morsel = cookies[routes.SESSION_COOKIE][routes.SESSION_COOKIE]
    assert morsel["httponly"] is True
    assert morsel["samesite"].lower() == "lax"
    assert morsel["path"] == "/"
    assert not morsel["secure"]  # plain http
    assert 24 * 3600 - 60 <= int(morsel["max-age"]) <= 24 * 3600
    code_morsel = cookies[routes.CODE_COOKIE][routes.CODE_COOKIE]
    assert int(code_morsel["max-age"]) == 0  # the one-time code cookie is deleted
    token = morsel.value
    assert token != code and sessions.well_formed(token)
    check = sessions.check_session(engine, token, utc_now(), POLICY)
    assert check.identity is not None and check.identity.email == ANA


def test_secure_flag_when_served_over_https(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, mounted: list[object]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url_of(engine))
    users.add_user(engine, ANA, "admin", None, PASSWORD)
    app = Starlette(routes=mounted)  # type: ignore[arg-type]
    with TestClient(app, base_url="https://tablero.example", follow_redirects=False) as https:
        code = sessions.open_pending(engine, ANA, utc_now(), POLICY)
        morsel = set_cookies(open_route(https, code, "/"))[routes.SESSION_COOKIE]
        assert morsel[routes.SESSION_COOKIE]["secure"] is True
        closed = set_cookies(https.get(routes.CLOSE_PATH))[routes.SESSION_COOKIE]
        assert closed[routes.SESSION_COOKIE]["secure"] is True


def test_a_code_works_once_only_from_its_cookie_and_only_for_a_minute(
    client: TestClient, engine: Engine
) -> None:
    now = utc_now()
    code = sessions.open_pending(engine, ANA, now, POLICY)
    # In the URL instead of the cookie: ignored (a crafted link cannot sign anybody in).
    response = client.get(routes.OPEN_PATH, params={"next": "/", "code": code})
    assert routes.SESSION_COOKIE not in set_cookies(response)
    assert routes.SESSION_COOKIE in set_cookies(open_route(client, code, "/"))
    again = open_route(client, code, "/")
    assert again.headers["location"] == "/"  # type: ignore[attr-defined]
    assert routes.SESSION_COOKIE not in set_cookies(again)

    stale = sessions.open_pending(engine, ANA, now - sessions.EXCHANGE_WINDOW, POLICY)
    assert routes.SESSION_COOKIE not in set_cookies(open_route(client, stale, "/"))
    for forged in (sessions.new_secret(), "x", code[:-1] + "A", sessions.digest(code)):
        assert routes.SESSION_COOKIE not in set_cookies(open_route(client, forged, "/"))


@pytest.mark.parametrize(
    "target",
    [
        "https://malo.example/",
        "//malo.example/x",
        "/\\malo.example",
        "\\\\malo.example",
        "javascript:alert(1)",
        "Ranking",
        "",
        "/Ranking\r\nSet-Cookie: x=1",
        "http:/malo.example",
    ],
)
def test_redirect_never_leaves_the_site(client: TestClient, engine: Engine, target: str) -> None:
    code = sessions.open_pending(engine, ANA, utc_now(), POLICY)
    response = open_route(client, code, target)
    assert response.headers["location"] == "/"  # type: ignore[attr-defined]
    closed = client.get(routes.CLOSE_PATH, params={"next": target})
    assert closed.headers["location"] == "/"  # type: ignore[attr-defined]


def test_close_route_expires_the_cookie(client: TestClient) -> None:
    response = client.get(routes.CLOSE_PATH, params={"next": "/Entidad?e=MINSA"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/Entidad?e=MINSA"  # type: ignore[attr-defined]
    morsel = set_cookies(response)[routes.SESSION_COOKIE][routes.SESSION_COOKIE]
    assert int(morsel["max-age"]) == 0 and morsel["httponly"] is True
    assert morsel["samesite"].lower() == "lax"


# --- The gate in cookie mode (AppTest) ---------------------------------------------------------


def html_bodies(at: AppTest) -> list[str]:
    return [str(element.proto.body) for element in at.get("html")]


def identity_line(at: AppTest) -> str | None:
    lines = [m.value for m in at.markdown if str(m.value).startswith("IDENTIDAD ")]
    return str(lines[0]).removeprefix("IDENTIDAD ") if lines else None


def test_cookie_mode_sign_in_reload_and_sign_out(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    jar: dict[str, str] = {}  # the browser's cookies, as st.context.cookies would show them
    monkeypatch.setattr(session, "presented_token", lambda: jar.get(routes.SESSION_COOKIE))
    monkeypatch.setenv("CAC311_GATE_TEST_URL", url_of(engine))

    def fresh_page_load() -> AppTest:
        at = AppTest.from_file(str(GATE_APP), default_timeout=30)
        return at.run()

    at = fresh_page_load()
    at.text_input(key="auth_user").input(ANA)
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert identity_line(at) is None  # not signed in until the browser holds the cookie
    assert [i.value for i in at.info] == ["Ingresando…"]
    [script] = html_bodies(at)
    assert f'"{routes.OPEN_PATH}?next="' in script
    assert "window.location.pathname + window.location.search" in script
    found = re.search(rf"{routes.CODE_COOKIE}=([A-Za-z0-9_-]+); path=/; max-age=60", script)
    assert found, script
    assert "samesite=strict" in script
    code = found.group(1)
    assert session.TOKEN_KEY not in at.session_state

    response = open_route(client, code, "/")
    jar[routes.SESSION_COOKIE] = set_cookies(response)[routes.SESSION_COOKIE][
        routes.SESSION_COOKIE
    ].value

    reloaded = fresh_page_load()  # a reload or a new tab: a new Streamlit session
    assert identity_line(reloaded) == f"{ANA}|admin|None|local"
    assert not html_bodies(reloaded)
    reloaded.sidebar.button(key="auth_sign_out").click().run()
    [script] = html_bodies(reloaded)
    assert f'"{routes.CLOSE_PATH}?next="' in script and routes.CODE_COOKIE not in script
    assert audit_entries(engine, 2)["action"].to_list() == ["sign_out", "sign_in"]

    after = fresh_page_load()  # the browser still presents the old cookie: refused, silently
    assert identity_line(after) is None
    assert [t.label for t in after.text_input] == ["Usuario", "Contraseña"]
    assert not after.info and not after.error


def test_cookie_mode_after_disable_the_next_load_asks_again(
    client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = utc_now()
    code = sessions.open_pending(engine, ANA, now - timedelta(seconds=5), POLICY)
    token = set_cookies(open_route(client, code, "/"))[routes.SESSION_COOKIE][
        routes.SESSION_COOKIE
    ].value
    monkeypatch.setattr(session, "presented_token", lambda: token)
    monkeypatch.setenv("CAC311_GATE_TEST_URL", url_of(engine))
    at = AppTest.from_file(str(GATE_APP), default_timeout=30).run()
    assert identity_line(at) == f"{ANA}|admin|None|local"
    users.disable_user(engine, ANA)
    at = AppTest.from_file(str(GATE_APP), default_timeout=30).run()
    assert identity_line(at) is None
    assert [e.value for e in at.error] == [
        "Su cuenta fue deshabilitada. Pida acceso al administrador."
    ]
    assert [t.label for t in at.text_input] == ["Usuario", "Contraseña"]
