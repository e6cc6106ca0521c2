"""The write path of the circular's obligations (issue 14): an enlace submits a review or a press
release, an asesor validates it or returns it with a reason, and attachments are served only to
the entity they belong to.

Every function here takes the *sign-in/audit* engine (`auth_engine(auth_database_url(...))`,
docs/security.md "Escritura de las obligaciones"), never the dashboard's read-only one, and does
all of its work in ONE transaction that also writes the audit row (who, what, when).

Who may write is decided here, not by the page: `confirm_scope` re-reads the user from `users`
(active, role, entity, assignments) on every call, so a forged session, a changed form field or
a replayed request cannot write for another entity. The entity of a submission is never a
parameter: it is the signed-in enlace's entity as stored in the database. A demo identity
(`via="demo"`) is accepted only on a demo-only database (`users.is_demo_only_database`).

Double submits create one record: the form's `request_key` is unique; at most one review per
entity and item is pending; a release (entity, title, media time) exists once unless returned;
a returned submission is resubmitted at most once. A duplicate gives back the existing record
(`SubmitResult.created = False`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.auth import assignments, users
from cac311.auth.audit import insert_entry, utc_now
from cac311.auth.identity import Identity
from cac311.config import Settings
from cac311.db.setup import stored_timezone
from cac311.errors import UserError
from cac311.obligations.attachments import CheckedFile

log = logging.getLogger(__name__)

Kind = Literal["review", "release"]
Decision = Literal["validar", "devolver"]
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


@dataclass(frozen=True)
class Scope:
    """Who is writing, as confirmed in the database: e-mail, role, entities they act for."""

    email: str
    role: str
    entity_ids: tuple[str, ...]


@dataclass(frozen=True)
class SubmitResult:
    """`created` False: the submission already existed (double submit); `message` says so."""

    submission_id: int
    created: bool
    message: str


@dataclass(frozen=True)
class DecisionResult:
    """`changed` False: someone (another tab) had already decided; `status` is the stored one."""

    submission_id: int
    changed: bool
    status: str
    message: str


@dataclass(frozen=True)
class StoredAttachment:
    file_name: str
    media_type: str
    content: bytes
    entity_id: str


# --- who may write ------------------------------------------------------------------------


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


def _own_entity(scope: Scope) -> str:
    if len(scope.entity_ids) != 1:
        raise UserError("Su usuario no tiene una entidad activa asignada.")
    return scope.entity_ids[0]


# --- helpers --------------------------------------------------------------------------------


def _local(conn: Connection, settings: Settings, at: datetime) -> datetime:
    """`at` (naive UTC) as a naive local time in the database's time zone."""
    zone = ZoneInfo(stored_timezone(conn, settings))
    return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)


def local_to_utc(conn: Connection, settings: Settings, local: datetime) -> datetime:
    """A naive local time (database time zone) as naive UTC."""
    zone = ZoneInfo(stored_timezone(conn, settings))
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def _text(value: str | None, limit: int, what: str) -> str | None:
    cleaned = (value or "").strip()
    if len(cleaned) > limit:
        raise UserError(f"{what} es demasiado largo: {len(cleaned)} caracteres (máximo {limit}).")
    return cleaned or None


def _attachment_note(attachment: CheckedFile | None) -> str:
    if attachment is None:
        return ""
    return f" adjunto {attachment.file_name} sha256={attachment.sha256}"


def _request_key(value: str) -> str:
    key = (value or "").strip()
    if not 8 <= len(key) <= 64:
        raise UserError("Formulario inválido: vuelva a cargar la página.")
    return key


def _store_attachment(
    conn: Connection, attachment: CheckedFile, entity_id: str, email: str, now: datetime
) -> int:
    return int(
        conn.execute(
            sa.insert(ATTACHMENTS)
            .values(
                entity_id=entity_id,
                file_name=attachment.file_name,
                kind=attachment.kind,
                media_type=attachment.media_type,
                size_bytes=attachment.size_bytes,
                sha256=attachment.sha256,
                content=attachment.content,
                uploaded_by=email,
                uploaded_at=now,
            )
            .returning(ATTACHMENTS.c.attachment_id)
        ).scalar_one()
    )


def _by_request_key(conn: Connection, table: sa.Table, key: str, entity_id: str) -> int | None:
    row = conn.execute(
        sa.select(table.c.submission_id, table.c.entity_id).where(table.c.request_key == key)
    ).first()
    if row is None:
        return None
    if row.entity_id != entity_id:
        raise UserError("Formulario inválido: vuelva a cargar la página.")
    return int(row.submission_id)


def _check_replaced(
    conn: Connection, table: sa.Table, replaces_id: int, entity_id: str, item: str | None
) -> None:
    row = conn.execute(sa.select(table).where(table.c.submission_id == replaces_id)).first()
    if row is None or row.entity_id != entity_id or (item is not None and row.item != item):
        raise UserError("El envío que quiere corregir no existe o no es de su entidad.")
    if row.status != "devuelto":
        raise UserError("Solo se reenvía un envío devuelto por el asesor.")


def _replacement_of(conn: Connection, table: sa.Table, replaces_id: int) -> int | None:
    found = conn.execute(
        sa.select(table.c.submission_id).where(table.c.replaces_id == replaces_id)
    ).scalar()
    return int(found) if found is not None else None


# --- enlace: submit a review ----------------------------------------------------------------


def submit_review(
    engine: Engine,
    identity: Identity,
    settings: Settings,
    *,
    item: str,
    sin_cambios: bool,
    description: str | None,
    attachment: CheckedFile | None,
    request_key: str,
    replaces_id: int | None = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Record the enlace's review of `item` for THEIR entity, received now (server time).

    "Sin cambios" needs no description; a review with changes needs one. The review is
    `pendiente` until an asesor decides. `replaces_id`: the returned review being resubmitted.
    """
    if item not in ITEMS:
        raise UserError(f"Ítem inválido: {item!r} (use {', '.join(ITEMS)}).")
    text = _text(description, MAX_DESCRIPTION, "La descripción")
    if not sin_cambios and text is None:
        raise UserError("Describa los cambios, o marque «Sin cambios».")
    key = _request_key(request_key)
    received = now or utc_now()
    try:
        with engine.begin() as conn:
            scope = confirm_scope(conn, identity, "enlace")
            entity = _own_entity(scope)
            existing = _by_request_key(conn, REVIEWS, key, entity)
            if existing is not None:
                return SubmitResult(existing, False, "Esta revisión ya estaba registrada.")
            pending = _pending_review(conn, entity, item)
            if pending is not None:
                return SubmitResult(
                    pending,
                    False,
                    f"Ya hay una revisión de «{ITEM_LABELS[item]}» pendiente de validación; "
                    "no se registró otra.",
                )
            if replaces_id is not None:
                _check_replaced(conn, REVIEWS, replaces_id, entity, item)
                again = _replacement_of(conn, REVIEWS, replaces_id)
                if again is not None:
                    return SubmitResult(again, False, "Esta corrección ya estaba registrada.")
            attachment_id = (
                _store_attachment(conn, attachment, entity, scope.email, received)
                if attachment is not None
                else None
            )
            submission_id = int(
                conn.execute(
                    sa.insert(REVIEWS)
                    .values(
                        entity_id=entity,
                        item=item,
                        sin_cambios=sin_cambios,
                        description=text,
                        attachment_id=attachment_id,
                        replaces_id=replaces_id,
                        submitted_by=scope.email,
                        submitted_at=received,
                        submitted_on=_local(conn, settings, received).date(),
                        status="pendiente",
                        request_key=key,
                    )
                    .returning(REVIEWS.c.submission_id)
                ).scalar_one()
            )
            insert_entry(
                conn,
                scope.email,
                "obligation_submit",
                f"revisión #{submission_id} {entity} {item} "
                + ("sin cambios" if sin_cambios else "con cambios")
                + _attachment_note(attachment)
                + (f" corrige #{replaces_id}" if replaces_id else ""),
                now=received,
            )
    except sa.exc.IntegrityError:
        # Another tab won the race for the same form or item: give back its record.
        with engine.connect() as conn:
            entity = _own_entity(confirm_scope(conn, identity, "enlace"))
            found = _by_request_key(conn, REVIEWS, key, entity) or _pending_review(
                conn, entity, item
            )
        if found is None:
            raise
        return SubmitResult(found, False, "Esta revisión ya estaba registrada.")
    return SubmitResult(submission_id, True, "Revisión enviada: queda pendiente de validación.")


def _pending_review(conn: Connection, entity_id: str, item: str) -> int | None:
    found = conn.execute(
        sa.select(REVIEWS.c.submission_id).where(
            REVIEWS.c.entity_id == entity_id,
            REVIEWS.c.item == item,
            REVIEWS.c.status == "pendiente",
        )
    ).scalar()
    return int(found) if found is not None else None


# --- enlace: send a press release -----------------------------------------------------------


def submit_release(
    engine: Engine,
    identity: Identity,
    settings: Settings,
    *,
    title: str,
    media_at_local: datetime,
    body: str | None,
    attachment: CheckedFile | None,
    request_key: str,
    replaces_id: int | None = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Record a press release of the enlace's entity, received by the 311 now (server time).

    `media_at_local`: when it goes to the media, naive local time (database time zone). Needs a
    title and a text or an attachment. Anticipation = media time − receipt time (SPEC §3).
    """
    heading = _text(title, MAX_TITLE, "El título")
    if heading is None:
        raise UserError("Escriba el título del comunicado.")
    text = _text(body, MAX_BODY, "El texto")
    if text is None and attachment is None:
        raise UserError("Escriba el texto del comunicado o adjunte el documento.")
    key = _request_key(request_key)
    received = now or utc_now()
    try:
        with engine.begin() as conn:
            scope = confirm_scope(conn, identity, "enlace")
            entity = _own_entity(scope)
            media_at = local_to_utc(conn, settings, media_at_local.replace(second=0, microsecond=0))
            existing = _by_request_key(conn, RELEASES, key, entity)
            if existing is not None:
                return SubmitResult(existing, False, "Este comunicado ya estaba registrado.")
            same = _same_release(conn, entity, heading, media_at)
            if same is not None:
                return SubmitResult(
                    same,
                    False,
                    "Ya se envió un comunicado con ese título y esa fecha de publicación; no se "
                    "registró otro.",
                )
            if replaces_id is not None:
                _check_replaced(conn, RELEASES, replaces_id, entity, None)
                again = _replacement_of(conn, RELEASES, replaces_id)
                if again is not None:
                    return SubmitResult(again, False, "Esta corrección ya estaba registrada.")
            local_received = _local(conn, settings, received)
            attachment_id = (
                _store_attachment(conn, attachment, entity, scope.email, received)
                if attachment is not None
                else None
            )
            submission_id = int(
                conn.execute(
                    sa.insert(RELEASES)
                    .values(
                        entity_id=entity,
                        title=heading,
                        media_at=media_at,
                        body=text,
                        attachment_id=attachment_id,
                        replaces_id=replaces_id,
                        submitted_by=scope.email,
                        submitted_at=received,
                        received_month=local_received.year * 100 + local_received.month,
                        status="pendiente",
                        request_key=key,
                    )
                    .returning(RELEASES.c.submission_id)
                ).scalar_one()
            )
            insert_entry(
                conn,
                scope.email,
                "obligation_submit",
                f"comunicado #{submission_id} {entity} «{heading[:200]}» medios "
                f"{media_at:%Y-%m-%d %H:%M} UTC"
                + _attachment_note(attachment)
                + (f" corrige #{replaces_id}" if replaces_id else ""),
                now=received,
            )
    except sa.exc.IntegrityError:
        with engine.connect() as conn:
            entity = _own_entity(confirm_scope(conn, identity, "enlace"))
            media_at = local_to_utc(conn, settings, media_at_local.replace(second=0, microsecond=0))
            found = _by_request_key(conn, RELEASES, key, entity) or _same_release(
                conn, entity, heading, media_at
            )
        if found is None:
            raise
        return SubmitResult(found, False, "Este comunicado ya estaba registrado.")
    return SubmitResult(submission_id, True, "Comunicado enviado: queda pendiente de validación.")


def _same_release(conn: Connection, entity_id: str, title: str, media_at: datetime) -> int | None:
    found = conn.execute(
        sa.select(RELEASES.c.submission_id).where(
            RELEASES.c.entity_id == entity_id,
            RELEASES.c.title == title,
            RELEASES.c.media_at == media_at,
            RELEASES.c.status != "devuelto",
        )
    ).scalar()
    return int(found) if found is not None else None


# --- asesor: validate or return -------------------------------------------------------------


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
    why = _text(reason, MAX_REASON, "El motivo")
    if decision == "devolver" and why is None:
        raise UserError("Escriba el motivo de la devolución: el enlace lo verá para corregir.")
    table = TABLES[kind]
    decided = now or utc_now()
    status = "validado" if decision == "validar" else "devuelto"
    with engine.begin() as conn:
        scope = confirm_scope(conn, identity, "asesor")
        row = conn.execute(
            sa.select(table.c.entity_id, table.c.status).where(
                table.c.submission_id == int(submission_id)
            )
        ).first()
        if row is None or row.entity_id not in scope.entity_ids:
            raise UserError("Ese envío no existe o no es de sus entidades asignadas.")
        changed = conn.execute(
            sa.update(table)
            .where(
                table.c.submission_id == int(submission_id),
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
        label = KIND_LABELS[kind].lower()
        if not changed:
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


# --- attachments: served only to their entity -----------------------------------------------


def fetch_attachment(
    engine: Engine, identity: Identity, attachment_id: int, role: str
) -> StoredAttachment:
    """The attachment's bytes for an enlace of its entity or an asesor assigned to it (checked
    in the database); UserError for anyone else, with the same message whether or not the
    attachment exists. The download is audited (`export`)."""
    with engine.begin() as conn:
        scope = confirm_scope(conn, identity, role)
        row = conn.execute(
            sa.select(
                ATTACHMENTS.c.entity_id,
                ATTACHMENTS.c.file_name,
                ATTACHMENTS.c.media_type,
                ATTACHMENTS.c.content,
            ).where(ATTACHMENTS.c.attachment_id == int(attachment_id))
        ).first()
        if row is None or row.entity_id not in scope.entity_ids:
            raise UserError("Ese adjunto no existe o no es de su entidad.")
        insert_entry(
            conn,
            scope.email,
            "export",
            f"adjunto #{attachment_id} {row.entity_id} {row.file_name}",
        )
    return StoredAttachment(
        file_name=str(row.file_name),
        media_type=str(row.media_type),
        content=bytes(row.content),
        entity_id=str(row.entity_id),
    )


def entities_with_submissions(engine: Engine) -> list[str]:
    """Entities with any submission, by id (the demo asesor's default assignment)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select entity_id from obligation_reviews"
                " union select entity_id from obligation_releases order by 1"
            )
        ).all()
    return [str(r[0]) for r in rows]
