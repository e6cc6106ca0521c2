"""OIDC end to end: a local OpenID provider (`oidc-provider-mock`) on a free port, a real
Streamlit server running tests/auth/apps/gate_app.py (served as `st.App` through gate_serve.py,
like the dashboard through serve.py) with an `[auth]` section, and Debian's
chromium through Playwright. A known e-mail is signed in as its role; an unknown one is refused.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import werkzeug.serving
from playwright.sync_api import Browser, BrowserType, Page, expect

from cac311.auth import users
from cac311.auth.audit import audit_entries
from cac311.db.engine import make_engine
from tests.e2e.support import VIEWPORT, free_port, launch_chromium, start_streamlit

pytestmark = pytest.mark.e2e

# Served as the dashboard is (st.App with the session routes), so st.login is tested there.
GATE_APP = Path(__file__).parent / "apps" / "gate_serve.py"
KNOWN = "conocida@aig.gob.pa"
UNKNOWN = "intrusa@gmail.com"


@pytest.fixture(scope="module")
def idp_url() -> Iterator[str]:
    """A local OIDC provider on 127.0.0.1:<free port>; any typed `sub` becomes the e-mail."""
    from oidc_provider_mock import app as oidc_app

    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> str:
    path = tmp_path_factory.mktemp("oidc_db") / "oidc.sqlite"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    users.add_user(engine, email=KNOWN, role="director")
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def app_url(
    idp_url: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Streamlit serving the gate app, with secrets.toml `[auth]` pointing at the local IdP."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    workdir = tmp_path_factory.mktemp("oidc_app")
    (workdir / ".streamlit").mkdir()
    (workdir / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{base_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(16)}"\n'
        'client_id = "tablero311"\n'
        f'client_secret = "{secrets.token_hex(8)}"\n'
        f'server_metadata_url = "{idp_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {**os.environ, "CAC311_GATE_TEST_URL": database_url, "HOME": str(workdir)}
    with start_streamlit(
        GATE_APP, cwd=workdir, log_path=workdir / "streamlit.log", env=env, port=port
    ) as server:
        yield server.url


@pytest.fixture(scope="module")
def chromium(browser_type: BrowserType) -> Iterator[Browser]:
    browser = launch_chromium(browser_type)
    yield browser
    browser.close()


def sign_in_through_idp(browser: Browser, app_url: str, subject: str) -> Page:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(app_url)
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    return page


def test_known_email_signs_in_with_its_role(
    chromium: Browser, app_url: str, database_url: str
) -> None:
    page = sign_in_through_idp(chromium, app_url, KNOWN)
    expect(page.get_by_text(f"IDENTIDAD {KNOWN}|director|None|oidc")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_text(KNOWN)).to_be_visible()

    # "Cerrar sesión" ends it: back on the app, the sign-in button is shown again.
    page.get_by_test_id("stSidebar").get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/oauth2/end_session**", timeout=30_000)  # the IdP's logout
    page.goto(app_url)
    expect(page.get_by_role("button", name="Ingresar")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("IDENTIDAD")).to_have_count(0)
    page.context.close()

    engine = make_engine(database_url)
    rows = audit_entries(engine, 20).filter(pl.col("email") == KNOWN)["action"].to_list()
    engine.dispose()
    assert rows[:2] == ["sign_out", "sign_in"]


def test_unknown_email_is_refused(chromium: Browser, app_url: str, database_url: str) -> None:
    page = sign_in_through_idp(chromium, app_url, UNKNOWN)
    expect(page.get_by_text("no tiene acceso al Tablero 311")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("IDENTIDAD")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.context.close()

    engine = make_engine(database_url)
    log = audit_entries(engine, 20)
    engine.dispose()
    assert (UNKNOWN, "sign_in_failed") in log.select("email", "action").rows()
