"""A local-account session survives reloads and new tabs, and ends when it should (issue 18).

Against the real server (`streamlit run serve.py`, the cookie routes mounted) on the accounts
copy of the demo database, in Debian's chromium. Each test signs in accounts of its own, so the
shared accounts of tests/e2e/test_local_sign_in.py are never disabled or changed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import polars as pl
import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cac311.auth import sessions, users
from cac311.auth.audit import audit_entries, utc_now
from cac311.auth.routes import CODE_COOKIE, SESSION_COOKIE
from cac311.db.engine import make_engine
from tests.e2e.conftest import ACCOUNT_PASSWORD, Dashboard
from tests.e2e.support import PROJECT, Server, assert_clean, new_page, wait_render
from tests.e2e.ui import heading, main, open_app, sidebar

pytestmark = pytest.mark.e2e

FORM_TITLE = "Ingreso"


def add_account(dashboard: Dashboard, email: str, role: str = "director") -> None:
    engine = make_engine(dashboard.database_url)
    try:
        if users.find_user(engine, email) is None:
            users.add_user(engine, email=email, role=role, password=ACCOUNT_PASSWORD)
    finally:
        engine.dispose()


def sign_in(page: Page, server: Server, email: str, title: str) -> None:
    form = main(page).get_by_test_id("stForm")
    expect(form).to_be_visible()
    form.get_by_label("Usuario").fill(email)
    form.get_by_label("Contraseña").fill(ACCOUNT_PASSWORD)
    form.get_by_role("button", name="Ingresar").click()
    assert_signed_in(page, server, email, title)


def assert_signed_in(page: Page, server: Server, email: str, title: str) -> None:
    expect(heading(page)).to_have_text(title, timeout=60_000)
    wait_render(page)
    assert_clean(page, server, f"signed in as {email}")
    expect(sidebar(page).get_by_text(email)).to_be_visible()
    expect(main(page).get_by_test_id("stForm")).to_have_count(0)


def assert_asked_again(page: Page, server: Server, *, notice: str | None = None) -> None:
    expect(main(page).get_by_text(FORM_TITLE, exact=True)).to_be_visible(timeout=60_000)
    wait_render(page)
    assert_clean(page, server, "sign-in form")
    expect(main(page).get_by_test_id("stForm")).to_be_visible()
    expect(main(page).get_by_test_id("stMetric")).to_have_count(0)
    expect(sidebar(page).get_by_test_id("stPageLink")).to_have_count(0)
    if notice:
        expect(main(page).get_by_text(notice)).to_be_visible()


def session_cookie(context: BrowserContext) -> dict[str, object] | None:
    found = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    return dict(found[0]) if found else None


def reload(page: Page) -> None:
    page.reload()
    wait_render(page)


def cli(dashboard: Dashboard, *args: str, stdin: str = "") -> str:
    """Run the real `cac311` command on the dashboard's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAC311_")}
    done = subprocess.run(
        [sys.executable, "-m", "cac311.cli", *args, "--database-url", dashboard.database_url],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_sign_in_survives_reload_and_new_tab_until_sign_out(
    chromium: Browser, accounts_dashboard: Dashboard
) -> None:
    server = accounts_dashboard.server
    email = "sesion.recarga@aig.gob.pa"
    add_account(accounts_dashboard, email)
    page = new_page(chromium)
    context = page.context
    link = "/Ranking?mes=2026-09&dias=habiles"
    open_app(page, server, link)
    sign_in(page, server, email, "Ranking")
    assert page.url.endswith(link)  # back on the shared link, filters included

    cookie = session_cookie(context)
    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http on 127.0.0.1
    assert cookie["path"] == "/"
    assert not [c for c in context.cookies() if c["name"] == CODE_COOKIE]
    assert page.evaluate("document.cookie").find(SESSION_COOKIE) == -1  # invisible to scripts
    token = str(cookie["value"])
    engine = make_engine(accounts_dashboard.database_url)
    try:
        with engine.connect() as conn:
            hashes = conn.execute(sa.select(sessions.USER_SESSIONS.c.token_hash)).scalars().all()
        assert sessions.digest(token) in hashes and token not in hashes
    finally:
        engine.dispose()

    reload(page)
    assert_signed_in(page, server, email, "Ranking")

    other = context.new_page()  # a new tab of the same browser, on another page
    open_app(other, server, "/Entidad")
    assert_signed_in(other, server, email, "Entidad")

    sidebar(page).get_by_role("button", name="Cerrar sesión").click()
    assert_asked_again(page, server)
    assert session_cookie(context) is None
    reload(page)
    assert_asked_again(page, server)
    reload(other)
    assert_asked_again(other, server)

    engine = make_engine(accounts_dashboard.database_url)
    try:
        log = audit_entries(engine, 200).filter(pl.col("email") == email)
        assert log["action"].to_list()[:2] == ["sign_out", "sign_in"]
        assert sessions.active_sessions(engine, email, utc_now(), sessions.SessionPolicy()) == 0
    finally:
        engine.dispose()
    context.close()


def test_cli_disable_and_passwd_end_open_sessions_at_the_next_load(
    chromium: Browser, accounts_dashboard: Dashboard
) -> None:
    server = accounts_dashboard.server
    disabled, changed = "sesion.baja@aig.gob.pa", "sesion.clave@aig.gob.pa"
    add_account(accounts_dashboard, disabled)
    add_account(accounts_dashboard, changed, role="admin")
    first, second = new_page(chromium), new_page(chromium)  # two browsers
    open_app(first, server, "/Tendencias")
    sign_in(first, server, disabled, "Tendencias")
    open_app(second, server, "/")
    sign_in(second, server, changed, "Resumen")

    out = cli(accounts_dashboard, "users", "disable", "--email", disabled)
    assert "sesiones abiertas cerradas: 1" in out
    reload(first)
    assert_asked_again(first, server, notice="Su cuenta fue deshabilitada.")

    out = cli(accounts_dashboard, "users", "passwd", "--email", changed, stdin="Otra-clave-2026\n")
    assert "sesiones abiertas cerradas: 1" in out
    reload(second)
    assert_asked_again(second, server, notice="Su contraseña fue cambiada")
    # A new tab of that browser asks too: the cookie's session is gone for good.
    third = second.context.new_page()
    open_app(third, server, "/Ranking")
    assert_asked_again(third, server)

    engine = make_engine(accounts_dashboard.database_url)
    try:
        log = audit_entries(engine, 200)
        revoked = log.filter(pl.col("action") == "session_revoked")
        assert set(zip(revoked["email"], revoked["detail"], strict=True)) >= {
            (disabled, "sesión local: usuario deshabilitado"),
            (changed, "sesión local: contraseña cambiada"),
        }
    finally:
        engine.dispose()
    first.context.close()
    second.context.close()
