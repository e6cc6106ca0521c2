"""The entities an Asesor de Calidad is assigned to (table `user_entities`, migration 0003).

Grain: one row per user and entity. Read with every identity lookup (`users.find_user`), so a
changed assignment takes effect on the next page run, like a changed role.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cac311.errors import UserError

_metadata = sa.MetaData()
USER_ENTITIES = sa.Table(
    "user_entities",
    _metadata,
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("entity_id", sa.String(40), primary_key=True),
)


def clean_entities(entity_ids: Iterable[str | None]) -> tuple[str, ...]:
    """Trimmed, without blanks or repeats, in the order given."""
    seen: dict[str, None] = {}
    for value in entity_ids:
        cleaned = (value or "").strip()
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


def missing_entities(conn: Connection, entity_ids: Sequence[str]) -> list[str]:
    """The ids of `entity_ids` that are not in `entities`."""
    if not entity_ids:
        return []
    statement = sa.text("select entity_id from entities where entity_id in :ids").bindparams(
        sa.bindparam("ids", expanding=True)
    )
    found = {str(row[0]) for row in conn.execute(statement, {"ids": list(entity_ids)})}
    return [entity for entity in entity_ids if entity not in found]


def assign(conn: Connection, user_id: int, entity_ids: Sequence[str]) -> None:
    """Assign `entity_ids` (all existing) to the user, inside the caller's transaction."""
    unknown = missing_entities(conn, entity_ids)
    if unknown:
        raise UserError(
            f"No existe la entidad {', '.join(repr(e) for e in unknown)}; impórtela antes de "
            "asignarla al asesor."
        )
    if entity_ids:
        conn.execute(
            sa.insert(USER_ENTITIES),
            [{"user_id": user_id, "entity_id": entity} for entity in entity_ids],
        )


def assigned(conn: Connection, user_id: int) -> tuple[str, ...]:
    """The user's assigned entities, ordered by id."""
    rows = conn.execute(
        sa.select(USER_ENTITIES.c.entity_id)
        .where(USER_ENTITIES.c.user_id == user_id)
        .order_by(USER_ENTITIES.c.entity_id)
    ).all()
    return tuple(str(row[0]) for row in rows)
