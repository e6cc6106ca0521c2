"""`cac311 send reports` against a real SMTP server (aiosmtpd on 127.0.0.1, a free port), on
SQLite and PostgreSQL: who gets what, attachments, idempotence, failures and header injection.

Charts are left out here (`CAC311_NAVEGADOR` points nowhere): the PDFs are tested with charts in
`test_report_cli.py`; here a run must still send them and say so in one line.
"""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy.engine import Engine

from cac311.auth import users
from cac311.cli import main
from cac311.config import Settings
from cac311.delivery import store
from cac311.delivery.send import due_month, last_complete_month, send_reports
from metrics.period import Month
from tests import analytics_calls as calls
from tests.conftest import url_of
from tests.export.publication_data import MONTH, load_dataset
from tests.report.support import pdf_text, printed_figures

SENDER = "informes@aig.gob.pa"
PASSWORD = "p@ss:w/rd"  # pragma: allowlist secret - throwaway credential of the local test server


@dataclass
class Inbox:
    """What the local SMTP server received: (envelope recipients, parsed message)."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.original_content, policy=default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login = (auth_data.login.decode(), auth_data.password.decode())
        self.logins.append(login)
        return AuthResult(success=login == ("robot", PASSWORD), handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    """One real SMTP server for the module (AUTH LOGIN/PLAIN, no TLS on the loopback)."""
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(smtp_server: tuple[Controller, Inbox]) -> Inbox:
    box = smtp_server[1]
    box.messages.clear()
    box.logins.clear()
    return box


@pytest.fixture
def mail_env(
    smtp_server: tuple[Controller, Inbox], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> str:
    """The environment of a configured server (user and password percent-encoded)."""
    port = smtp_server[0].port
    url = f"smtp://robot:p%40ss%3Aw%2Frd@127.0.0.1:{port}"  # pragma: allowlist secret
    monkeypatch.setenv("CAC311_SMTP_URL", url)
    monkeypatch.setenv("CAC311_MAIL_FROM", SENDER)
    monkeypatch.setenv("CAC311_RANKING_MIN_N", "3")
    monkeypatch.setenv("CAC311_NAVEGADOR", str(tmp_path / "sin-navegador"))
    return url


def add_people(engine: Engine) -> None:
    users.add_user(engine, "enlace.alc@alcaldia.gob.pa", "enlace", "ALC")
    users.add_user(engine, "enlace.css@css.gob.pa", "enlace", "CSS")
    users.add_user(engine, "enlace.old@old.gob.pa", "enlace", "OLD")  # not in the publication
    users.add_user(engine, "director@aig.gob.pa", "director")
    users.add_user(engine, "admin@aig.gob.pa", "admin")
    users.add_user(engine, "exdirector@aig.gob.pa", "director")
    users.disable_user(engine, "exdirector@aig.gob.pa")


@pytest.fixture
def dataset(engine: Engine) -> Engine:
    load_dataset(engine)
    add_people(engine)
    return engine


def send(dataset: Engine, *extra: str) -> int:
    return main(["send", "reports", *extra, "--database-url", url_of(dataset)])


def attachments(message: Message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True)
        for part in message.iter_attachments()  # type: ignore[attr-defined]
    }


def test_each_person_gets_their_report_once(
    dataset: Engine, inbox: Inbox, mail_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert send(dataset, "--month", MONTH) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Omitido enlace.old@old.gob.pa: su entidad OLD no figura en la publicación del mes.",
        "Enviado a admin@aig.gob.pa: informe nacional.",
        "Enviado a director@aig.gob.pa: informe nacional + paquete de publicación.",
        "Enviado a enlace.alc@alcaldia.gob.pa: informe de entidad.",
        "Enviado a enlace.css@css.gob.pa: informe de entidad.",
        "Aviso: gráficos omitidos (no se encontró Chromium en "
        f"{Path(Settings.from_env().chart_browser or '')} (instale el paquete chromium o indique "
        "su ruta en CAC311_NAVEGADOR)); los PDF llevan solo tablas.",
    ]
    assert inbox.logins == [("robot", PASSWORD)]
    received = {tuple(rcpt): message for rcpt, message in inbox.messages}
    assert len(inbox.messages) == 4
    assert set(received) == {
        ("admin@aig.gob.pa",),
        ("director@aig.gob.pa",),
        ("enlace.alc@alcaldia.gob.pa",),
        ("enlace.css@css.gob.pa",),
    }
    alc = received[("enlace.alc@alcaldia.gob.pa",)]
    assert alc["Subject"] == "Informe 311 de octubre de 2026 — ALC Alcaldía de Panamá"
    assert alc["From"] == SENDER and alc["To"] == "enlace.alc@alcaldia.gob.pa"
    assert list(attachments(alc)) == [f"informe_311_{MONTH}_ALC.pdf"]
    assert (
        printed_figures(pdf_text(attachments(alc)[f"informe_311_{MONTH}_ALC.pdf"]))[
            "indice_cumplimiento"
        ]
        == "60.0"
    )
    body = alc.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert "Índice de cumplimiento: 60.0 %" in body and "Posición en el ranking: 1" in body
    director = received[("director@aig.gob.pa",)]
    assert director["Subject"] == "Informe 311 de octubre de 2026 — Total nacional"
    assert list(attachments(director)) == [
        f"informe_311_{MONTH}_nacional.pdf",
        f"estadisticas_311_{MONTH}.csv",
        f"estadisticas_311_{MONTH}_excel.csv",
        "datapackage.json",
    ]
    assert list(attachments(received[("admin@aig.gob.pa",)])) == [
        f"informe_311_{MONTH}_nacional.pdf"
    ]
    recorded = store.deliveries(dataset, MONTH)
    assert recorded["status"].to_list() == ["enviado"] * 4
    assert sorted(recorded["kind"].to_list()) == ["informe_entidad"] * 2 + ["informe_nacional"] * 2

    # A second run sends nothing.
    inbox.messages.clear()
    assert send(dataset, "--month", MONTH) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Nada que enviar: los 4 informes de 2026-10 ya se enviaron."
    )
    assert inbox.messages == []


def test_dry_run_sends_and_records_nothing(
    dataset: Engine, inbox: Inbox, mail_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert send(dataset, "--month", MONTH, "--dry-run") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == (
        "Simulación 2026-10: 4 mensajes por enviar, 0 ya enviados; nada se envió ni se registró."
    )
    assert "Enviaría a director@aig.gob.pa: informe nacional + paquete de publicación." in out
    assert inbox.messages == []
    assert store.deliveries(dataset, MONTH).is_empty()


def test_unreachable_server_records_failures_then_a_rerun_sends_them(
    dataset: Engine,
    inbox: Inbox,
    mail_env: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    closed = free_port()  # nothing listens there
    unreachable = f"smtp://robot:p%40ss%3Aw%2Frd@127.0.0.1:{closed}"  # pragma: allowlist secret
    monkeypatch.setenv("CAC311_SMTP_URL", unreachable)
    assert send(dataset, "--month", MONTH) == 2
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(
        "Error: 4 de 4 envíos de 2026-10 fallaron y quedaron registrados para reintentar (no se "
        f"pudo conectar a smtp://robot@127.0.0.1:{closed}: "
    )
    assert "p@ss" not in captured.err + captured.out and "p%40ss" not in captured.err
    failed = store.deliveries(dataset, MONTH)
    assert failed["status"].to_list() == ["fallido"] * 4
    assert all(f"127.0.0.1:{closed}" in e and "p@ss" not in e for e in failed["error"].to_list())

    monkeypatch.setenv("CAC311_SMTP_URL", mail_env)
    assert send(dataset, "--month", MONTH) == 0
    assert len(inbox.messages) == 4
    again = store.deliveries(dataset, MONTH)
    assert again["status"].to_list() == ["enviado"] * 4
    assert again["attempts"].to_list() == [2] * 4
    assert again["error"].to_list() == [None] * 4


def test_wrong_password_is_a_failure_without_the_password(
    dataset: Engine,
    inbox: Inbox,
    mail_env: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CAC311_SMTP_URL", mail_env.replace("p%40ss", "otra"))
    assert send(dataset, "--month", MONTH) == 2
    err = capsys.readouterr().err
    assert "autenticación rechazada (535)" in err and "otra" not in err
    assert inbox.messages == []


def test_data_cannot_inject_headers(
    dataset: Engine, inbox: Inbox, mail_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with dataset.begin() as conn:
        conn.execute(
            sa.text("update entities set name = :name where entity_id = 'ALC'"),
            {"name": "Alcaldía\r\nBcc: intruso@evil.example\r\n\r\nHola"},
        )
        conn.execute(
            sa.text("update users set email = :email where email = 'enlace.css@css.gob.pa'"),
            {"email": "enlace.css@css.gob.pa\r\nBcc: intruso@evil.example"},
        )
    assert send(dataset, "--month", MONTH) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "Error: 1 de 4 envíos de 2026-10 fallaron y quedaron registrados para reintentar "
        "(dirección de correo inválida: 'enlace.css@css.gob.pa\\r\\nBcc: intruso@evil.example')."
    ]
    assert all(rcpt != ["intruso@evil.example"] for rcpt, _m in inbox.messages)
    assert all("intruso@evil.example" not in rcpt for rcpt, _m in inbox.messages)
    alc = next(m for rcpt, m in inbox.messages if rcpt == ["enlace.alc@alcaldia.gob.pa"])
    assert alc["Bcc"] is None
    assert alc["Subject"] == (
        "Informe 311 de octubre de 2026 — ALC Alcaldía Bcc: intruso@evil.example Hola"
    )


def test_missing_configuration_is_one_line(
    dataset: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CAC311_SMTP_URL", raising=False)
    assert send(dataset, "--month", MONTH) == 2
    assert capsys.readouterr().err.startswith("Error: Falta CAC311_SMTP_URL")


def test_an_incomplete_month_is_not_sent(
    dataset: Engine, inbox: Inbox, mail_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert send(dataset, "--month", "2026-11") == 2
    assert capsys.readouterr().err.startswith("Error: El mes 2026-11 aún no está completo")
    assert inbox.messages == []


def test_due_waits_for_the_publication_due_date(
    dataset: Engine,
    inbox: Inbox,
    mail_env: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings()
    # datos_al 10/11/2026 → last complete month 2026-10, due on Fri 13/11/2026.
    month, why = due_month(dataset, settings, date_of("2026-11-13"))
    assert month is None
    assert why == (
        "Nada que enviar hoy: el informe de octubre de 2026 (último mes completo, datos al "
        "10/11/2026) se envía pasada su fecha límite de publicación, el 13/11/2026."
    )
    assert due_month(dataset, settings, date_of("2026-11-14")) == (Month.parse("2026-10"), "")

    from cac311.publishing import records

    monkeypatch.setattr(records, "local_today", lambda _tz, now=None: date_of("2026-11-13"))
    assert send(dataset, "--due") == 0
    assert capsys.readouterr().out.splitlines() == [why]
    assert inbox.messages == []
    monkeypatch.setattr(records, "local_today", lambda _tz, now=None: date_of("2026-11-16"))
    assert send(dataset, "--due") == 0
    assert len(inbox.messages) == 4


def test_due_on_an_empty_database(engine: Engine) -> None:
    assert due_month(engine, Settings(), date_of("2026-11-16")) == (
        None,
        "Nada que enviar: la base de datos aún no tiene casos.",
    )


@pytest.mark.parametrize(
    ("datos_al", "month"),
    [("2026-11-10", "2026-10"), ("2026-10-31", "2026-10"), ("2026-03-01", "2026-02")],
)
def test_last_complete_month(datos_al: str, month: str) -> None:
    assert last_complete_month(date_of(datos_al)) == Month.parse(month)


def test_two_runs_cannot_claim_the_same_message(dataset: Engine) -> None:
    assert store.claim(dataset, "informe_nacional", MONTH, "a@b.pa", None)
    assert not store.claim(dataset, "informe_nacional", MONTH, "a@b.pa", None)
    store.mark_failed(dataset, "informe_nacional", MONTH, "a@b.pa", "x")
    assert store.claim(dataset, "informe_nacional", MONTH, "a@b.pa", None)
    store.mark_sent(dataset, "informe_nacional", MONTH, "a@b.pa")
    assert not store.claim(dataset, "informe_nacional", MONTH, "a@b.pa", None)


def test_send_reports_api_without_smtp_settings_refuses(dataset: Engine) -> None:
    from cac311.errors import UserError

    with pytest.raises(UserError, match="CAC311_MAIL_FROM"):
        send_reports(
            dataset,
            Settings(smtp_url="smtp://127.0.0.1:1"),
            period=calls.period(MONTH, "calendario"),
        )


def date_of(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


def test_no_recipients_is_said_in_one_line(
    engine: Engine, inbox: Inbox, mail_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load_dataset(engine)
    assert send(engine, "--month", MONTH) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Nada que enviar: no hay usuarios activos con rol enlace, director o admin (créelos "
        "con cac311 users add)."
    ]
    assert inbox.messages == []
