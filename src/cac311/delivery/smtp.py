"""The SMTP server of the report delivery, from `CAC311_SMTP_URL`.

    smtp://[user[:password]@]host[:port][?starttls=1]   plain connection, STARTTLS when asked
    smtps://[user[:password]@]host[:port]                TLS from the first byte (port 465)

User and password are percent-decoded (`p%40ss` → `p@ss`). TLS always verifies the server's
certificate with the system's CAs. The password never appears in `repr`, logs or messages:
`SmtpConfig.display` is the URL without it.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

from cac311.errors import UserError

DEFAULT_PORTS: Final = {"smtp": 25, "smtps": 465}
TRUE_VALUES: Final = ("1", "true", "si", "sí", "yes", "on")
TIMEOUT_SECONDS: Final = 30.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    starttls: bool = False
    implicit_tls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = TIMEOUT_SECONDS

    @property
    def display(self) -> str:
        """The server as people may see it: scheme, user and host, never the password."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        who = f"{self.user}@" if self.user else ""
        tls = "?starttls=1" if self.starttls else ""
        return f"{scheme}://{who}{self.host}:{self.port}{tls}"

    def connect(self) -> smtplib.SMTP:
        """An open, greeted (and, when configured, encrypted and logged-in) SMTP session."""
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if self.implicit_tls:
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            client.ehlo()
            if self.starttls:
                client.starttls(context=context)
                client.ehlo()
            if self.user:
                client.login(self.user, self.password or "")
        except BaseException:
            client.close()
            raise
        return client


def parse_smtp_url(url: str) -> SmtpConfig:
    """`CAC311_SMTP_URL` → SmtpConfig; UserError (one line, password never echoed) when bad."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UserError(f"CAC311_SMTP_URL no es válida: {exc}.") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise UserError(
            "CAC311_SMTP_URL debe empezar por smtp:// o smtps:// "
            "(por ejemplo smtp://usuario:clave@servidor:587?starttls=1)."
        )
    if not parts.hostname:
        raise UserError("CAC311_SMTP_URL no indica el servidor (smtp://servidor:587).")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].strip().lower() in TRUE_VALUES
    implicit = parts.scheme == "smtps"
    if implicit and starttls:
        raise UserError("CAC311_SMTP_URL: use smtps:// o starttls=1, no ambos.")
    return SmtpConfig(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        starttls=starttls,
        implicit_tls=implicit,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )
