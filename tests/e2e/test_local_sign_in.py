"""Local-account sign-in in the browser (issue #7): a second server on a copy of the demo file
with one admin and one enlace account, so every page shows the "Ingreso" form instead of the
demo role picker. A wrong password is refused and counted in the database; the right one opens
the dashboard. An enlace following a deep link signs in on that page and is refused there.
"""

from __future__ import annotations

import polars as pl
import pytest
from playwright.sync_api import Browser, Page, expect

from cac311.auth import users
from cac311.auth.audit import audit_entries
from cac311.db.engine import make_engine
from tests.e2e.conftest import (
    ACCOUNT_PASSWORD,
    ADMIN_EMAIL,
    ENLACE_EMAIL,
    ENLACE_ENTITY,
    Dashboard,
)
from tests.e2e.support import Server, assert_clean, new_page, wait_render
from tests.e2e.ui import DATOS_AL, heading, main, menu_for, menu_labels, open_app, sidebar

pytestmark = pytest.mark.e2e

WRONG_PASSWORD = "no-es-la-clave"  # pragma: allowlist secret
OTHER_ENTITY = "MOP"  # not the enlace's entity; has open cases at 15/11/2026


def submit_sign_in(page: Page, server: Server, email: str, password: str) -> None:
    form = main(page).get_by_test_id("stForm")
    expect(form).to_be_visible()
    form.get_by_label("Usuario").fill(email)
    form.get_by_label("Contraseña").fill(password)
    form.get_by_role("button", name="Ingresar").click()


def signed_in_as(page: Page, server: Server, email: str, title: str) -> None:
    expect(heading(page)).to_have_text(title, timeout=60_000)
    wait_render(page)
    assert_clean(page, server, f"signed in as {email}")
    expect(sidebar(page).get_by_text(email)).to_be_visible()
    expect(main(page).get_by_test_id("stForm")).to_have_count(0)


def test_wrong_password_is_refused_and_counted_then_the_right_one_opens_the_dashboard(
    chromium: Browser, accounts_dashboard: Dashboard
) -> None:
    server = accounts_dashboard.server
    page = new_page(chromium)
    open_app(page, server)
    expect(main(page).get_by_text("Ingreso", exact=True)).to_be_visible()
    expect(sidebar(page).get_by_text("Rol de demostración")).to_have_count(0)
    expect(main(page).get_by_test_id("stMetric")).to_have_count(0)

    submit_sign_in(page, server, ADMIN_EMAIL, WRONG_PASSWORD)
    expect(main(page).get_by_text("Usuario o contraseña incorrectos.")).to_be_visible(
        timeout=60_000
    )
    wait_render(page)
    assert_clean(page, server, "wrong password")
    expect(main(page).get_by_test_id("stMetric")).to_have_count(0)

    engine = make_engine(accounts_dashboard.database_url)
    try:
        record = users.find_user(engine, ADMIN_EMAIL)
        assert record is not None
        assert record.failed_attempts == 1
        log = audit_entries(engine, 20).filter(pl.col("email") == ADMIN_EMAIL)
        assert log["action"].to_list()[:1] == ["sign_in_failed"]
    finally:
        engine.dispose()

    submit_sign_in(page, server, ADMIN_EMAIL, ACCOUNT_PASSWORD)
    signed_in_as(page, server, ADMIN_EMAIL, "Resumen")
    assert menu_labels(page) == menu_for("admin")
    expect(main(page).get_by_text(DATOS_AL).first).to_be_visible()
    expect(main(page).get_by_test_id("stMetric").first).to_be_visible()

    engine = make_engine(accounts_dashboard.database_url)
    try:
        record = users.find_user(engine, ADMIN_EMAIL)
        assert record is not None
        assert record.failed_attempts == 0  # a correct password resets the counter
        log = audit_entries(engine, 20).filter(pl.col("email") == ADMIN_EMAIL)
        assert log["action"].to_list()[:2] == ["sign_in", "sign_in_failed"]
    finally:
        engine.dispose()
    page.context.close()


def test_enlace_deep_link_to_data_quality_signs_in_and_is_refused(
    chromium: Browser, accounts_dashboard: Dashboard
) -> None:
    server = accounts_dashboard.server
    page = new_page(chromium)
    open_app(page, server, "/Calidad_de_datos")
    submit_sign_in(page, server, ENLACE_EMAIL, ACCOUNT_PASSWORD)
    signed_in_as(page, server, ENLACE_EMAIL, "Calidad de datos")
    expect(main(page).get_by_text("Esta página es solo para")).to_be_visible()
    for test_id in ("stDataFrame", "stTable", "stPlotlyChart", "stMetric", "stDownloadButton"):
        expect(main(page).get_by_test_id(test_id)).to_have_count(0)
    labels = menu_labels(page)
    assert labels == menu_for("enlace")
    assert "Calidad de datos" not in labels
    expect(
        sidebar(page).get_by_text(f"{ENLACE_EMAIL} — Enlace ejecutivo · {ENLACE_ENTITY}")
    ).to_be_visible()
    page.context.close()


def test_enlace_deep_link_to_another_entity_shows_no_case_list(
    chromium: Browser, accounts_dashboard: Dashboard
) -> None:
    server = accounts_dashboard.server
    page = new_page(chromium)
    open_app(page, server, f"/Entidad?e={OTHER_ENTITY}")
    submit_sign_in(page, server, ENLACE_EMAIL, ACCOUNT_PASSWORD)
    signed_in_as(page, server, ENLACE_EMAIL, "Entidad")
    area = main(page)
    # The link's entity is shown (aggregates are public) ...
    expect(area.get_by_text(f"{OTHER_ENTITY} — ").first).to_be_visible()
    expect(area.get_by_test_id("stMetric").first).to_be_visible()
    # ... but not its cases: a notice instead of the lists, and nothing to download.
    expect(
        area.get_by_text(f"Las listas de casos de {OTHER_ENTITY} solo están disponibles")
    ).to_be_visible()
    expect(area.get_by_text("Vencidos (más de 30 días)")).to_have_count(0)
    expect(area.get_by_test_id("stDownloadButton")).to_have_count(0)
    assert f"e={OTHER_ENTITY}" in page.url
    page.context.close()
