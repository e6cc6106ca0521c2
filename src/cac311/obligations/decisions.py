"""An asesor's decision on a submission of one of their entities: validate it, or return it to
the enlace with a reason, in one audited transaction on the sign-in/audit engine (`store`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.auth.audit import insert_entry, utc_now
from cac311.auth.identity import Identity
from cac311.errors import UserError
from cac311.obligations.scope import Scope, confirm_scope
from cac311.obligations.tables import KIND_LABELS, MAX_REASON, TABLES, Kind, checked_text

Decision = Literal["validar", "devolver"]


@dataclass(frozen=True)
class DecisionResult:
    """`changed` False: someone (another tab) had already decided; `status` is the stored one."""

    submission_id: int
    changed: bool
    status: str
    message: str


def decide(
    engine: Engine,
    identity: Identity,
    kind: Kind,
    submission_id: int,
    decision: Decision,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> DecisionResult:
    """Validate or return (with a reason) a pending submission of one of the asesor's entities.

    The update only touches a row that is still `pendiente` and belongs to an entity assigned
    to the asesor in the database; a second click or another tab finds it decided and changes
    nothing (`changed` False).
    """
    if kind not in TABLES:
        raise UserError(f"Tipo de envío inválido: {kind!r}.")
    if decision not in ("validar", "devolver"):
        raise UserError(f"Decisión inválida: {decision!r}.")
    why = checked_text(reason, MAX_REASON, "El motivo")
    if decision == "devolver" and why is None:
        raise UserError("Escriba el motivo de la devolución: el enlace lo verá para corregir.")
    table = TABLES[kind]
    decided = now or utc_now()
    status = "validado" if decision == "validar" else "devuelto"
    label = KIND_LABELS[kind].lower()
    with engine.begin() as conn:
        scope = confirm_scope(conn, identity, "asesor")
        row = conn.execute(
            sa.select(table.c.entity_id, table.c.status).where(
                table.c.submission_id == int(submission_id)
            )
        ).first()
        if row is None or row.entity_id not in scope.entity_ids:
            raise UserError("Ese envío no existe o no es de sus entidades asignadas.")
        if not _mark_pending(
            conn, table, int(submission_id), scope, status=status, why=why, decided=decided
        ):
            current = conn.execute(
                sa.select(table.c.status).where(table.c.submission_id == int(submission_id))
            ).scalar_one()
            return DecisionResult(
                int(submission_id),
                False,
                str(current),
                f"El {label} #{submission_id} ya estaba {current}; no se cambió.",
            )
        insert_entry(
            conn,
            scope.email,
            "obligation_validate" if status == "validado" else "obligation_return",
            f"{label} #{submission_id} {row.entity_id}" + (f": {why}" if why else ""),
            now=decided,
        )
    verb = "validado" if status == "validado" else "devuelto al enlace"
    return DecisionResult(int(submission_id), True, status, f"{KIND_LABELS[kind]} {verb}.")


def _mark_pending(
    conn: Connection,
    table: sa.Table,
    submission_id: int,
    scope: Scope,
    *,
    status: str,
    why: str | None,
    decided: datetime,
) -> bool:
    """Set the decision on the row only while it is still `pendiente` and of the asesor's
    entities: False when another tab decided first (the update touched nothing)."""
    return bool(
        conn.execute(
            sa.update(table)
            .where(
                table.c.submission_id == submission_id,
                table.c.status == "pendiente",
                table.c.entity_id.in_(scope.entity_ids),
            )
            .values(
                status=status,
                decided_by=scope.email,
                decided_at=decided,
                return_reason=why if status == "devuelto" else None,
            )
        ).rowcount
    )
