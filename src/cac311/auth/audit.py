"""The audit log: who signed in, failed to sign in, signed out, was locked out, exported or
imported what, and which local sessions expired or were revoked.

Rows go to the `audit_log` table (audit_id, at naive UTC, email, action, detail). Writes use
the *auth writer* engine (see docs/security.md); the dashboard's data connection never writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final, Literal, get_args

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

AuditAction = Literal[
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "export",
    "locked",
    "import",
    "publish",  # a month's publication date recorded (publishing.records)
    # The circular's obligations (cac311.obligations.store): an enlace's submission, an
    # asesor's validation or return.
    "obligation_submit",
    "obligation_validate",
    "obligation_return",
    "session_expired",
    "session_revoked",
]
AUDIT_ACTIONS: Final[tuple[str, ...]] = get_args(AuditAction)
MAX_DETAIL_LENGTH: Final = 1000

_metadata = sa.MetaData()
AUDIT_LOG = sa.Table(
    "audit_log",
    _metadata,
    sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("email", sa.String(320)),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.String(1000)),
)

AUDIT_SCHEMA: Final[dict[str, pl.DataType]] = {
    "at": pl.Datetime("us"),
    "email": pl.String(),
    "action": pl.String(),
    "detail": pl.String(),
}


def utc_now() -> datetime:
    """The current time as naive UTC, the way every timestamp is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


def insert_entry(
    conn: Connection,
    email: str | None,
    action: str,
    detail: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Add one audit row inside an open transaction (used by the sign-in logic)."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; expected one of {AUDIT_ACTIONS}")
    conn.execute(
        sa.insert(AUDIT_LOG).values(
            at=now or utc_now(),
            email=email[:320] if email else None,
            action=action,
            detail=detail[:MAX_DETAIL_LENGTH] if detail else None,
        )
    )


def record(
    engine: Engine,
    email: str | None,
    action: str,
    detail: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Write one audit row in its own transaction.

    `action` is one of AUDIT_ACTIONS (sign_in, sign_in_failed, sign_out, export, locked, import,
    session_expired, session_revoked);
    `detail` is free text (e.g. the exported file and filters), cut to 1000 characters.
    """
    with engine.begin() as conn:
        insert_entry(conn, email, action, detail, now=now)


def audit_entries(engine: Engine, limit: int = 500) -> pl.DataFrame:
    """The latest audit rows, newest first.

    Grain: one row per audit event. Columns: at (naive UTC datetime), email, action, detail.
    """
    query = (
        sa.select(AUDIT_LOG.c.at, AUDIT_LOG.c.email, AUDIT_LOG.c.action, AUDIT_LOG.c.detail)
        .order_by(AUDIT_LOG.c.at.desc(), AUDIT_LOG.c.audit_id.desc())
        .limit(max(int(limit), 0))
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pl.DataFrame([tuple(row) for row in rows], schema=AUDIT_SCHEMA, orient="row")
