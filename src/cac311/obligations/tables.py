"""The circular's obligation tables as SQLAlchemy Core sees them (schema: migration 0003), and
the limits and labels of what an enlace submits. Shared by the write path (`store`), the demo
submissions (`cac311.ingest.demo_obligations`) and the forms that show the limits.
"""

from __future__ import annotations

from typing import Final, Literal

import sqlalchemy as sa

from cac311.errors import UserError

Kind = Literal["review", "release"]
ITEMS: Final = ("directorio", "sla", "base_conocimiento")
ITEM_LABELS: Final = {
    "directorio": "Directorio",
    "sla": "SLA",
    "base_conocimiento": "Base de conocimiento",
}
KIND_LABELS: Final[dict[str, str]] = {"review": "Revisión", "release": "Comunicado"}
MAX_DESCRIPTION: Final = 4000
MAX_TITLE: Final = 500
MAX_BODY: Final = 20_000
MAX_REASON: Final = 1000

_metadata = sa.MetaData()
ATTACHMENTS = sa.Table(
    "obligation_attachments",
    _metadata,
    sa.Column("attachment_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity_id", sa.String(40), nullable=False),
    sa.Column("file_name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("uploaded_by", sa.String(320), nullable=False),
    sa.Column("uploaded_at", sa.DateTime, nullable=False),
)


def _submission_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("submission_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity_id", sa.String(40), nullable=False),
        sa.Column("attachment_id", sa.Integer),
        sa.Column("replaces_id", sa.Integer),
        sa.Column("submitted_by", sa.String(320), nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("decided_by", sa.String(320)),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("return_reason", sa.String(1000)),
        sa.Column("request_key", sa.String(64), nullable=False),
    ]


REVIEWS = sa.Table(
    "obligation_reviews",
    _metadata,
    *_submission_columns(),
    sa.Column("item", sa.String(30), nullable=False),
    sa.Column("sin_cambios", sa.Boolean, nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("submitted_on", sa.Date, nullable=False),
)
RELEASES = sa.Table(
    "obligation_releases",
    _metadata,
    *_submission_columns(),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("media_at", sa.DateTime, nullable=False),
    sa.Column("body", sa.Text),
    sa.Column("received_month", sa.Integer, nullable=False),
)
TABLES: Final[dict[Kind, sa.Table]] = {"review": REVIEWS, "release": RELEASES}


def checked_text(value: str | None, limit: int, what: str) -> str | None:
    """`value` stripped (None when empty); UserError naming `what` when over `limit`."""
    cleaned = (value or "").strip()
    if len(cleaned) > limit:
        raise UserError(f"{what} es demasiado largo: {len(cleaned)} caracteres (máximo {limit}).")
    return cleaned or None
