"""The report e-mails (Spanish), built so that data can never become a header.

E-mail addresses come from the `users` table and entity names from imports: both are data.
Addresses must be one plain `local@domain` (no display name, comma, angle bracket, space or
control character) or the message is refused; the subject is built from the entity name with
every control character (CR and LF included) turned into a space and is then encoded by the
`email` package (RFC 2047), whose SMTP policy also refuses any header with a line break. The
envelope (`MAIL FROM` / `RCPT TO`) uses the checked addresses only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid
from typing import Final, Literal

from cac311.report.model import ReportData
from cac311.report.view import figure_text, short
from cac311.ui.format import MODE_LABELS, fmt_date, month_long

Kind = Literal["informe_entidad", "informe_nacional"]
KIND_LABELS: Final[dict[str, str]] = {
    "informe_entidad": "informe de su entidad",
    "informe_nacional": "informe nacional",
}
_ADDRESS_RE: Final = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
)
MAX_ADDRESS: Final = 254


class BadAddressError(ValueError):
    """An address that cannot be used as a single recipient or sender."""


def checked_address(address: str | None) -> str:
    """The address itself when it is one plain `local@domain`; BadAddressError otherwise."""
    value = (address or "").strip()
    if not value or len(value) > MAX_ADDRESS or not _ADDRESS_RE.match(value):
        raise BadAddressError(f"dirección de correo inválida: {value[:80]!r}")
    return value


def subject_text(text: str) -> str:
    """One header line: control characters (CR, LF, tab, ...) become spaces."""
    return short(text, 200)


def attachment_type(name: str) -> str:
    if name.endswith(".pdf"):
        return "application/pdf"
    if name.endswith(".csv"):
        return "text/csv"
    if name.endswith(".json"):
        return "application/json"
    return "application/octet-stream"


def subject_for(report: ReportData) -> str:
    place = "Total nacional" if report.is_national else f"{report.entidad_id} {report.entidad}"
    return subject_text(f"Informe 311 de {month_long(report.periodo)} — {place}")


def body_for(report: ReportData, kind: Kind, attachments: Mapping[str, bytes]) -> str:
    """The plain-text body: the headline figures (the publication's), what is attached, why."""
    f = report.figures
    lines = [
        "Estimado(a):",
        "",
        (
            f"Adjuntamos el informe mensual del 311 de {month_long(report.periodo)} "
            + (
                "con las cifras nacionales."
                if report.is_national
                else f"de {short(report.entidad, 120)} ({report.entidad_id})."
            )
        ),
        "",
        f"- Índice de cumplimiento: {figure_text('indice_cumplimiento', f['indice_cumplimiento'])}",
        f"- Casos recibidos: {figure_text('recibidos', f['recibidos'])}; cerrados: "
        f"{figure_text('cerrados', f['cerrados'])}",
        f"- Vencidos al {fmt_date(report.fin_mes)}: "
        f"{figure_text('vencidos_fin_mes', f['vencidos_fin_mes'])}",
    ]
    if not report.is_national:
        lines.append(f"- Posición en el ranking: {figure_text('posicion', f['posicion'])}")
    lines += [
        "",
        f"Datos al {fmt_date(report.datos_al)}; {MODE_LABELS.get(report.dias, report.dias)}; "
        f"plazo legal de {report.legal_limit_days} días. Las cifras son las de la publicación "
        f"de datos abiertos {report.publication_file}.",
        "",
        "Archivos adjuntos:",
        *(f"- {name}" for name in attachments),
        "",
        (
            "Como enlace de la entidad, en el Tablero 311 encontrará la lista de casos vencidos y "
            "por vencer para atenderlos."
            if kind == "informe_entidad"
            else "El paquete de publicación adjunto es el mismo que se publica como datos abiertos."
        ),
        "",
        "Centro de Atención Ciudadana 3-1-1 — Autoridad Nacional para la Innovación Gubernamental",
        "Mensaje automático: no responda a esta dirección.",
    ]
    return "\n".join(lines) + "\n"


def build_message(
    *,
    sender: str,
    recipient: str,
    report: ReportData,
    kind: Kind,
    attachments: Mapping[str, bytes],
    domain: str | None = None,
) -> EmailMessage:
    """The e-mail of one report to one person. BadAddressError when an address is unusable."""
    from_address = checked_address(sender)
    to_address = checked_address(recipient)
    message = EmailMessage(policy=SMTP)
    message["From"] = from_address
    message["To"] = to_address
    message["Subject"] = subject_for(report)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=domain or from_address.split("@", 1)[1])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body_for(report, kind, attachments))
    for name, data in attachments.items():
        maintype, subtype = attachment_type(name).split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message
