"""`cac311 send reports`: each enlace gets their entity's report, each director and admin the
national one (directors also get the publication bundle's files), one message per (kind,
period, recipient) ever.

Order of work: plan who gets what (active users of the `users` table) → leave out what was sent
already → claim each remaining message (`store.claim`) → build only the PDFs still needed (one
browser for the batch) → send them over one SMTP session → record `enviado` or `fallido` with
the error. An unreachable server marks every claimed message `fallido` and raises one Spanish
line. `--due` (`due_month`) picks the last month complete at datos_al once its publication due
date has passed.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import polars as pl
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.db.queries import run_query
from cac311.delivery import store
from cac311.delivery.messages import BadAddressError, Kind, build_message, checked_address
from cac311.delivery.smtp import SmtpConfig, parse_smtp_url
from cac311.errors import UserError
from cac311.publishing.calendar_view import publication_due_date
from cac311.report.build import render_set
from cac311.report.data import data_cutoff, load_reports
from cac311.report.model import ReportSet, report_file_name
from cac311.ui.format import fmt_date, month_long
from metrics.period import Month, Period

log = logging.getLogger(__name__)

RECIPIENT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "email": pl.String(),
    "role": pl.String(),
    "entity_id": pl.String(),
}
BUNDLE_ROLES: Final = ("director",)


@dataclass(frozen=True)
class Planned:
    """One message to send: its key, the entity whose report it carries (None: national)."""

    kind: Kind
    recipient: str
    entity_id: str | None
    with_bundle: bool


@dataclass
class SendResult:
    """What a run did, for the CLI's lines."""

    period: Month
    planned: list[Planned] = field(default_factory=list)
    already_sent: int = 0
    pending: list[Planned] = field(default_factory=list)
    sent: list[Planned] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    busy: int = 0  # held by another run at the same time
    charts_problem: str | None = None


def plan_messages(
    recipients: pl.DataFrame, entity_ids: tuple[str, ...]
) -> tuple[list[Planned], list[str]]:
    """(messages, notes on recipients left out). `recipients`: email, role, entity_id."""
    planned: list[Planned] = []
    notes: list[str] = []
    known = set(entity_ids)
    for row in recipients.iter_rows(named=True):
        email, role, entity_id = row["email"], row["role"], row["entity_id"]
        if role == "enlace":
            if entity_id in known:
                planned.append(Planned("informe_entidad", email, entity_id, False))
            else:
                notes.append(
                    f"Omitido {email}: su entidad {entity_id or '(ninguna)'} no figura en la "
                    "publicación del mes."
                )
        elif role in ("director", "admin"):
            planned.append(Planned("informe_nacional", email, None, role in BUNDLE_ROLES))
    return planned, notes


def recipients(engine: Engine) -> pl.DataFrame:
    return run_query(engine, "users__report_recipients", {}, RECIPIENT_SCHEMA)


def _smtp_settings(settings: Settings) -> tuple[SmtpConfig, str]:
    if settings.smtp_url is None:
        raise UserError(
            "Falta CAC311_SMTP_URL (por ejemplo smtp://usuario:clave@servidor:587?starttls=1): "
            "sin servidor de correo no se envía nada."
        )
    if not settings.mail_from:
        raise UserError("Falta CAC311_MAIL_FROM, la dirección remitente de los informes.")
    try:
        sender = checked_address(settings.mail_from)
    except BadAddressError as exc:
        raise UserError(f"CAC311_MAIL_FROM no es válida: {exc}.") from None
    return parse_smtp_url(settings.smtp_url.get_secret_value()), sender


def _reason(exc: BaseException) -> str:
    """One line about an SMTP or network failure (never the password: smtplib does not echo it)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = "; ".join(f"{code} {text!r}" for code, text in exc.recipients.values())
        return f"destinatario rechazado ({codes})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"autenticación rechazada ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"el servidor respondió {exc.smtp_code}: {exc.smtp_error!r}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "tiempo de espera agotado"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def send_reports(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    dry_run: bool = False,
    charts: bool = True,
    on_sent: Callable[[Planned], None] | None = None,
) -> SendResult:
    """Send what is missing of the reports of `period` (see the module docstring)."""
    smtp, sender = (None, "") if dry_run else _smtp_settings(settings)
    month = str(period.month)  # the deliveries' period key
    # The national set checks the month (complete at datos_al) and lists the entities.
    overview = load_reports(engine, settings, period=period, entity_ids=[], national=False)
    planned, notes = plan_messages(recipients(engine), overview.entity_ids)
    result = SendResult(period=overview.periodo, planned=planned, skipped=notes)
    done = store.sent_keys(engine, month)
    missing = [p for p in planned if (p.kind, p.recipient) not in done]
    result.already_sent = len(planned) - len(missing)
    result.pending = missing
    if dry_run or not missing:
        return result
    assert smtp is not None
    claimed = [p for p in missing if store.claim(engine, p.kind, month, p.recipient, p.entity_id)]
    result.busy = len(missing) - len(claimed)
    if not claimed:
        return result
    files, problem, report_set = _reports_or_release(
        engine, settings, period, month=month, claimed=claimed, charts=charts
    )
    result.charts_problem = problem
    try:
        client = smtp.connect()
    except (OSError, smtplib.SMTPException) as exc:
        _fail(
            engine, month, claimed, f"no se pudo conectar a {smtp.display}: {_reason(exc)}", result
        )
        return result
    try:
        _deliver(
            engine,
            client,
            server=smtp.display,
            sender=sender,
            month=month,
            claimed=claimed,
            files=files,
            report_set=report_set,
            result=result,
            on_sent=on_sent,
        )
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    return result


def _fail(
    engine: Engine, month: str, planned: list[Planned], reason: str, result: SendResult
) -> None:
    """Record `reason` as the failure of every message in `planned`."""
    for p in planned:
        store.mark_failed(engine, p.kind, month, p.recipient, reason)
        result.failed.append((p, reason))


def _deliver(
    engine: Engine,
    client: smtplib.SMTP,
    *,
    server: str,
    sender: str,
    month: str,
    claimed: list[Planned],
    files: dict[str, bytes],
    report_set: ReportSet,
    result: SendResult,
    on_sent: Callable[[Planned], None] | None,
) -> None:
    """Send the claimed messages over one SMTP session, recording each outcome as it happens: a
    refused message fails alone; a broken session fails it and every message after it."""
    for index, p in enumerate(claimed):
        report = report_set.report_for(p.entity_id)
        assert report is not None
        try:
            message = build_message(
                sender=sender, recipient=p.recipient, report=report, kind=p.kind,
                attachments=_attachments(report_set, files, p),
            )  # fmt: skip
            client.send_message(message, from_addr=sender, to_addrs=[p.recipient])
        except (BadAddressError, smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                smtplib.SMTPSenderRefused, ValueError) as exc:  # fmt: skip
            reason = str(exc) if isinstance(exc, BadAddressError) else _reason(exc)
            _fail(engine, month, [p], reason, result)
            continue
        except (OSError, smtplib.SMTPException) as exc:  # the session broke: stop here
            reason = f"conexión con {server} perdida: {_reason(exc)}"
            _fail(engine, month, claimed[index:], reason, result)
            return
        store.mark_sent(engine, p.kind, month, p.recipient)
        result.sent.append(p)
        if on_sent is not None:
            on_sent(p)


def _reports_or_release(
    engine: Engine,
    settings: Settings,
    period: Period,
    *,
    month: str,
    claimed: list[Planned],
    charts: bool,
) -> tuple[dict[str, bytes], str | None, ReportSet]:
    """`_reports_for`; when building the reports fails, every claimed message is marked failed
    (`fallido`, with the reason) before the error goes on, so a later run retries them."""
    try:
        return _reports_for(engine, settings, period, claimed=claimed, charts=charts)
    except BaseException as exc:
        for p in claimed:
            store.mark_failed(engine, p.kind, month, p.recipient, f"informe: {_reason(exc)}")
        raise


def _reports_for(
    engine: Engine,
    settings: Settings,
    period: Period,
    *,
    claimed: list[Planned],
    charts: bool,
) -> tuple[dict[str, bytes], str | None, ReportSet]:
    """Only the PDFs the claimed messages need, in one batch (one browser)."""
    entity_ids = sorted({p.entity_id for p in claimed if p.entity_id is not None})
    national = any(p.entity_id is None for p in claimed)
    report_set = load_reports(
        engine, settings, period=period, entity_ids=entity_ids, national=national
    )
    files, problem = render_set(report_set, settings, charts=charts)
    return files, problem, report_set


def _attachments(report_set: ReportSet, files: dict[str, bytes], p: Planned) -> dict[str, bytes]:
    key = p.entity_id if p.entity_id is not None else "nacional"
    name = report_file_name(report_set.periodo, report_set.parcial, key)
    attachments = {name: files[name]}
    if p.with_bundle:
        attachments.update(report_set.publication_files)
    return attachments


def last_complete_month(datos_al: date) -> Month:
    """The last month whose last day is on or before datos_al."""
    month = Month.of(datos_al)
    return month if month.is_complete(datos_al) else month.shift(-1)


def due_month(engine: Engine, settings: Settings, today: date) -> tuple[Month | None, str]:
    """(month to send, "") when the last complete month's publication due date has passed on
    `today`; else (None, one line saying why nothing is due)."""
    datos_al = data_cutoff(engine)
    if datos_al is None:
        return None, "Nada que enviar: la base de datos aún no tiene casos."
    month = last_complete_month(datos_al)
    due = publication_due_date(settings, month)
    if today <= due:
        return None, (
            f"Nada que enviar hoy: el informe de {month_long(month)} (último mes completo, datos "
            f"al {fmt_date(datos_al)}) se envía pasada su fecha límite de publicación, el "
            f"{fmt_date(due)}."
        )
    return month, ""
