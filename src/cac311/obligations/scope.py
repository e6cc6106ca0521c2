"""Who may write an obligation: the signed-in identity re-checked against the database on every
write (docs/security.md "Escritura de las obligaciones"), so a forged session, a changed form
field or a replayed request cannot write for another entity. A demo identity (`via="demo"`)
writes only on a demo-only database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cac311.auth import assignments, users
from cac311.auth.identity import Identity
from cac311.errors import UserError


@dataclass(frozen=True)
class Scope:
    """Who is writing, as confirmed in the database: e-mail, role, entities they act for."""

    email: str
    role: str
    entity_ids: tuple[str, ...]


def _is_demo_only(conn: Connection) -> bool:
    batches, real_batches, accounts = conn.execute(
        sa.text(
            "select"
            " (select count(*) from import_batches) as batches,"
            " (select count(*) from import_batches where not is_demo) as real_batches,"
            " (select count(*) from users) as users"
        )
    ).one()
    return int(batches) > 0 and int(real_batches) == 0 and int(accounts) == 0


def _active_entities(conn: Connection, entity_ids: Sequence[str]) -> tuple[str, ...]:
    if not entity_ids:
        return ()
    statement = sa.text(
        "select entity_id from entities where active and entity_id in :ids order by entity_id"
    ).bindparams(sa.bindparam("ids", expanding=True))
    return tuple(str(r[0]) for r in conn.execute(statement, {"ids": list(entity_ids)}))


def confirm_scope(conn: Connection, identity: Identity, role: str) -> Scope:
    """The identity re-checked against the database, for a write that needs `role`.

    Local and OIDC identities: the user must exist, be active and have `role`; the entities are
    the stored ones (the enlace's entity, the asesor's assignments), whatever the identity
    object says. Demo identities: only on a demo-only database. Raises UserError otherwise.
    """
    if identity.role != role:
        raise UserError("Su rol no puede hacer esta operación.")
    if identity.via == "demo":
        if not _is_demo_only(conn):
            raise UserError("La sesión de demostración no puede escribir en esta base de datos.")
        return Scope(identity.email, role, _active_entities(conn, identity.own_entities))
    row = conn.execute(
        sa.select(users.USERS.c.user_id, users.USERS.c.role, users.USERS.c.entity_id)
        .where(users.USERS.c.email == identity.email.strip().lower())
        .where(users.USERS.c.active)
    ).first()
    if row is None or row.role != role:
        raise UserError("Su usuario no está activo con este rol. Ingrese de nuevo.")
    if role == "enlace":
        stored: tuple[str, ...] = (str(row.entity_id),) if row.entity_id else ()
        if identity.entity_id is not None and (identity.entity_id,) != stored:
            raise UserError("La entidad de la sesión no es la de su usuario. Ingrese de nuevo.")
    else:
        stored = assignments.assigned(conn, int(row.user_id))
    return Scope(identity.email.strip().lower(), role, _active_entities(conn, stored))


def own_entity(scope: Scope) -> str:
    """The enlace's one active entity: a submission is always for it, never for a parameter."""
    if len(scope.entity_ids) != 1:
        raise UserError("Su usuario no tiene una entidad activa asignada.")
    return scope.entity_ids[0]
