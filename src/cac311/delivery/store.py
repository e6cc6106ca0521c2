"""The `deliveries` table: one row per (kind, period, recipient), ever (migration 0004).

A run *claims* a message before sending it: it inserts the row as `pendiente` (the unique key
lets only one run do that) or moves a `fallido` row — or a `pendiente` one left by a run that
died more than `STALE_CLAIM` ago — back to `pendiente` with a conditional update that only one
run can win. After the SMTP server answers, the row becomes `enviado` or `fallido` with the
error. So a re-run sends exactly what is missing, and two runs at once never send twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from cac311.db.queries import run_query

STALE_CLAIM: Final = timedelta(hours=1)
MAX_ERROR: Final = 1000

_metadata = sa.MetaData()
DELIVERIES = sa.Table(
    "deliveries",
    _metadata,
    sa.Column("delivery_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("recipient", sa.String(320), nullable=False),
    sa.Column("entity_id", sa.String(40)),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("error", sa.String(1000)),
    sa.Column("claimed_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime),
)
DELIVERY_SCHEMA: Final[dict[str, pl.DataType]] = {
    "kind": pl.String(),
    "period": pl.String(),
    "recipient": pl.String(),
    "entity_id": pl.String(),
    "status": pl.String(),
    "attempts": pl.Int64(),
    "error": pl.String(),
    "claimed_at": pl.Datetime("us"),
    "sent_at": pl.Datetime("us"),
}


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def deliveries(engine: Engine, period: str) -> pl.DataFrame:
    """Every recorded message of `period` (DELIVERY_SCHEMA), by kind and recipient."""
    return run_query(engine, "deliveries__by_period", {"period": period}, DELIVERY_SCHEMA)


def sent_keys(engine: Engine, period: str) -> set[tuple[str, str]]:
    """{(kind, recipient)} already sent for `period`."""
    frame = deliveries(engine, period).filter(pl.col("status") == "enviado")
    return set(zip(frame["kind"].to_list(), frame["recipient"].to_list(), strict=True))


def _key(kind: str, period: str, recipient: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        DELIVERIES.c.kind == kind,
        DELIVERIES.c.period == period,
        DELIVERIES.c.recipient == recipient,
    )


def claim(
    engine: Engine,
    kind: str,
    period: str,
    recipient: str,
    entity_id: str | None,
    *,
    now: datetime | None = None,
) -> bool:
    """Take the message for this run; False when it was sent already or another run holds it."""
    moment = now or utc_now()
    try:
        with engine.begin() as conn:
            row = conn.execute(
                sa.select(DELIVERIES.c.status, DELIVERIES.c.claimed_at).where(
                    _key(kind, period, recipient)
                )
            ).first()
            if row is None:
                conn.execute(
                    sa.insert(DELIVERIES).values(
                        kind=kind,
                        period=period,
                        recipient=recipient,
                        entity_id=entity_id,
                        status="pendiente",
                        attempts=1,
                        error=None,
                        claimed_at=moment,
                        sent_at=None,
                    )
                )
                return True
            status, claimed_at = row
            retry = status == "fallido" or (
                status == "pendiente" and claimed_at < moment - STALE_CLAIM
            )
            if not retry:
                return False
            taken = conn.execute(
                sa.update(DELIVERIES)
                .where(
                    _key(kind, period, recipient),
                    DELIVERIES.c.status == status,
                    DELIVERIES.c.claimed_at == claimed_at,
                )
                .values(
                    status="pendiente",
                    attempts=DELIVERIES.c.attempts + 1,
                    claimed_at=moment,
                    entity_id=entity_id,
                    error=None,
                )
            )
            return taken.rowcount == 1
    except IntegrityError:  # another run inserted it first
        return False


def mark_sent(
    engine: Engine, kind: str, period: str, recipient: str, *, now: datetime | None = None
) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.update(DELIVERIES)
            .where(_key(kind, period, recipient))
            .values(status="enviado", sent_at=now or utc_now(), error=None)
        )


def mark_failed(engine: Engine, kind: str, period: str, recipient: str, error: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.update(DELIVERIES)
            .where(_key(kind, period, recipient))
            .values(status="fallido", error=(error or "error desconocido")[:MAX_ERROR])
        )
