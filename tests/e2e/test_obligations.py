"""The circular's obligations in a real browser (Debian's chromium), on SQLite AND PostgreSQL:
an enlace sends a review and a press release → the asesor returns the review and validates the
release → the enlace corrects and resubmits → the asesor validates → Directorio y comunicados
shows the changed figures, equal to `cac311.analytics`.

Each database holds a small demo generated up to today (server's local date) plus local
accounts, and gets its own `streamlit run` server. The PostgreSQL one is a database of its own
next to the test database (`<test db>_e2e_obligaciones_<worker>`), dropped at the end.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from cac311.auth import users
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo
from cac311.ui.format import fmt_int, month_long
from metrics.period import Month
from tests import analytics_calls as calls
from tests.conftest import DEFAULT_TEST_PG_URL
from tests.e2e.conftest import _server_env
from tests.e2e.support import PROJECT, Server, assert_clean, new_page, start_streamlit, wait_render
from tests.e2e.ui import (
    choose,
    go_to,
    heading,
    main,
    menu_links,
    selectbox,
    selected,
    sidebar,
)

pytestmark = pytest.mark.e2e

TIMEZONE = "America/Panama"
PASSWORD = "Obligaciones-e2e-2026"  # pragma: allowlist secret
ENLACE = "enlace@minsa.gob.pa"
ASESOR = "calidad@aig.gob.pa"
ITEM = "base_conocimiento"
TITLE = "Operativo de salud en Darién"
REVIEW_DETAIL = "Revisión de «Base de conocimiento» de MINSA"


def _fill(url: str) -> None:
    engine = make_engine(url)
    try:
        prepare_database(engine, Settings())
        today = datetime.now(ZoneInfo(TIMEZONE)).date()
        generate_demo(engine, Settings(), cases=1500, seed=11, today=today)
        users.add_user(engine, ENLACE, "enlace", "MINSA", PASSWORD)
        users.add_user(engine, ASESOR, "asesor", password=PASSWORD, entity_ids=["MINSA", "MEF"])
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, str]]:
    workdir = tmp_path_factory.mktemp(f"e2e_obligaciones_{request.param}")
    admin: sa.Engine | None = None
    name = ""
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'obligaciones.sqlite'}"
    else:
        # Not pg_test_url(): under xdist it re-creates the worker's test database.
        base = sa.make_url(os.environ.get("CAC311_TEST_PG_URL", DEFAULT_TEST_PG_URL))
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"{base.database}_e2e_obligaciones_{worker}"
        admin = make_engine(base.set(database="postgres").render_as_string(hide_password=False))
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
            conn.execute(sa.text(f'create database "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    _fill(url)
    try:
        with start_streamlit(
            PROJECT / "app.py",
            cwd=PROJECT,
            log_path=workdir / "streamlit.log",
            env=_server_env(url, workdir),
        ) as server:
            yield server, url
    finally:
        if admin is not None:
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text(f'drop database if exists "{name}" with (force)'))
            admin.dispose()


def sign_in(browser: Browser, server: Server, email: str) -> Page:
    page = new_page(browser)
    page.goto(server.url)
    form = main(page).get_by_test_id("stForm")
    expect(form).to_be_visible(timeout=90_000)
    form.get_by_label("Usuario").fill(email)
    form.get_by_label("Contraseña").fill(PASSWORD)
    form.get_by_role("button", name="Ingresar").click()
    expect(heading(page)).to_have_text("Resumen", timeout=90_000)
    wait_render(page)
    expect(sidebar(page).get_by_text(email)).to_be_visible()
    return page


def go(page: Page, server: Server, label: str) -> None:
    """`go_to`, after waiting for the menu (a busy machine may still be drawing the sidebar)."""
    link = menu_links(page).filter(has_text=re.compile(rf"{re.escape(label)}$"))
    expect(link).to_have_count(1, timeout=90_000)
    go_to(page, server, label)


def submit(page: Page, server: Server, button: str, expected: str) -> None:
    main(page).get_by_role("button", name=button).click()
    expect(main(page).get_by_text(expected).first).to_be_visible(timeout=90_000)
    wait_render(page)
    assert_clean(page, server, f"after {button}")


def decide(
    page: Page, server: Server, entry: re.Pattern[str], detail: str, *, reason: str = ""
) -> None:
    box = selectbox(page, "Envío a revisar")
    options = page.get_by_role("option", name=entry)
    for _attempt in range(5):  # the first click may land while the page is still settling
        box.locator("input").first.click()
        try:
            expect(options.first).to_be_visible(timeout=5_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    options.first.click()
    expect(selected(page, "Envío a revisar")).to_have_value(entry)
    # The rerun draws the chosen entry's details and a form of its own: wait for them, or the
    # clicks below could land in the previous entry's form.
    expect(main(page).get_by_text(detail).first).to_be_visible(timeout=60_000)
    wait_render(page)
    if reason:
        main(page).get_by_role("radiogroup", name="Decisión").get_by_text(
            "Devolver al enlace", exact=True
        ).click()
        main(page).get_by_role("textbox", name="Motivo de la devolución").fill(reason)
    expected = "devuelto al enlace." if reason else "validado."
    submit(page, server, "Registrar decisión", expected)


def counted(url: str, month: str) -> tuple[dict[str, object], int]:
    engine = make_engine(url, read_only=True)
    try:
        datos_al = datetime.now(ZoneInfo(TIMEZONE)).date()
        items = calls.directory_freshness(engine, Settings(), datos_al)
        item = items.filter((pl.col("entidad_id") == "MINSA") & (pl.col("item") == ITEM))
        total = calls.press_releases(engine, month)
        national = int(total.filter(pl.col("entidad_id") == "TOTAL")["comunicados"][0])
    finally:
        engine.dispose()
    return item.row(0, named=True), national


def test_submit_return_resubmit_validate_in_the_browser(
    chromium: Browser, live_server: tuple[Server, str]
) -> None:
    server, url = live_server
    month = f"{datetime.now(ZoneInfo(TIMEZONE)):%Y-%m}"
    before_item, before_total = counted(url, month)

    enlace = sign_in(chromium, server, ENLACE)
    go(enlace, server, "Mis obligaciones")
    choose(enlace, "Ítem revisado", "Base de conocimiento")
    main(enlace).get_by_text("Con cambios", exact=True).first.click()
    main(enlace).get_by_role("textbox", name="Descripción de los cambios").first.fill(
        "Preguntas nuevas"
    )
    submit(enlace, server, "Enviar revisión", "Revisión enviada: queda pendiente de validación.")
    main(enlace).get_by_role("textbox", name="Título").first.fill(TITLE)
    main(enlace).get_by_role("textbox", name="Texto del comunicado").first.fill(
        "El ministerio informa."
    )
    submit(enlace, server, "Enviar comunicado", "Comunicado enviado")
    assert counted(url, month) == (before_item, before_total)  # pending: nothing moved

    asesor = sign_in(chromium, server, ASESOR)
    go(asesor, server, "Validación")
    decide(
        asesor,
        server,
        re.compile(r"MINSA · Base de conocimiento"),
        REVIEW_DETAIL,
        reason="Adjunte la lista",
    )
    decide(asesor, server, re.compile(re.escape(TITLE)), f"Comunicado de MINSA: «{TITLE}»")
    after_release = counted(url, month)
    assert after_release == (before_item, before_total + 1)

    go(enlace, server, "Mis obligaciones")
    expect(
        main(enlace).get_by_text("Motivo del Asesor de Calidad: Adjunte la lista")
    ).to_be_visible()
    correction = main(enlace).get_by_test_id("stForm").filter(has_text="Corregir la revisión")
    correction.get_by_role("textbox", name="Descripción de los cambios").fill(
        "Preguntas nuevas y su lista"
    )
    submit(enlace, server, "Reenviar corregido", "Revisión enviada")

    go(asesor, server, "Validación")
    decide(asesor, server, re.compile(r"MINSA · Base de conocimiento"), REVIEW_DETAIL)
    item, total = counted(url, month)
    assert (item["edad_dias"], item["estado"]) == (0, "al_dia")
    assert total == before_total + 1

    # The page shows the same figures as cac311.analytics.
    go(asesor, server, "Directorio y comunicados")
    running = month_long(Month.parse(month))
    choose(asesor, "Mes", re.compile(rf"^{re.escape(running)}"))  # the running month
    expect(main(asesor).get_by_text(running).first).to_be_visible(timeout=60_000)
    wait_render(asesor)
    card = main(asesor).get_by_test_id("stMetric").filter(has_text="Comunicados (nacional)")
    expect(card.get_by_test_id("stMetricValue")).to_have_text(fmt_int(total))
    assert_clean(asesor, server, "Directorio y comunicados after the cycle")
    for page in (enlace, asesor):
        page.context.close()


def test_the_server_log_has_no_traceback(live_server: tuple[Server, str]) -> None:
    server, _url = live_server
    assert "Traceback" not in Path(server.log_path).read_text(encoding="utf-8", errors="replace")
