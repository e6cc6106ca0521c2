"""An enlace's submissions (issue 14): a review of an item or a press release, for THEIR entity,
in one audited transaction on the sign-in/audit engine (`store` says why).

Double submits create one record: the form's `request_key` is unique; at most one review per
entity and item is pending; a release (entity, title, media time) exists once unless returned;
a returned submission is resubmitted at most once. A duplicate gives back the existing record
(`SubmitResult.created = False`). Both kinds run through one skeleton, `_submit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.auth.audit import insert_entry, utc_now
from cac311.auth.identity import Identity
from cac311.config import Settings
from cac311.db.setup import stored_timezone
from cac311.errors import UserError
from cac311.obligations.attachments import CheckedFile
from cac311.obligations.scope import confirm_scope, own_entity
from cac311.obligations.tables import (
    ATTACHMENTS,
    ITEM_LABELS,
    ITEMS,
    MAX_BODY,
    MAX_DESCRIPTION,
    MAX_TITLE,
    RELEASES,
    REVIEWS,
    checked_text,
)


@dataclass(frozen=True)
class SubmitResult:
    """`created` False: the submission already existed (double submit); `message` says so."""

    submission_id: int
    created: bool
    message: str


def _local(conn: Connection, settings: Settings, at: datetime) -> datetime:
    """`at` (naive UTC) as a naive local time in the database's time zone."""
    zone = ZoneInfo(stored_timezone(conn, settings))
    return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)


def local_to_utc(conn: Connection, settings: Settings, local: datetime) -> datetime:
    """A naive local time (database time zone) as naive UTC."""
    zone = ZoneInfo(stored_timezone(conn, settings))
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


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


# --- enlace: submit a review or a press release ---------------------------------------------


@dataclass(frozen=True)
class _Draft:
    """What differs between a review and a press release, once the enlace's entity is known.

    Both kinds share one skeleton (`_submit`): identity re-check, the double-submit guards,
    attachment, insert and audit row in one transaction; a draft fills in the kind's columns,
    its "same submission already open" lookup and its messages.
    """

    table: sa.Table
    columns: Callable[[Connection, datetime], dict[str, object]]  # (conn, received) → columns
    duplicate: Callable[[Connection], int | None]  # the same submission, still open
    duplicate_message: str
    audit: str  # what the audit row says after "<noun> #<id> <entity>"
    noun: str  # "revisión" / "comunicado" in the audit row
    already: str  # the message for a double submit
    sent: str  # the message for a new submission
    item: str | None = None  # a review's item: a correction must be of the same item


def _earlier(
    conn: Connection, draft: _Draft, key: str, entity: str, replaces_id: int | None
) -> SubmitResult | None:
    """The submission this request already made, if any: same form (request key), the same
    submission still open, or the correction of `replaces_id` already sent."""
    existing = _by_request_key(conn, draft.table, key, entity)
    if existing is not None:
        return SubmitResult(existing, False, draft.already)
    same = draft.duplicate(conn)
    if same is not None:
        return SubmitResult(same, False, draft.duplicate_message)
    if replaces_id is not None:
        _check_replaced(conn, draft.table, replaces_id, entity, draft.item)
        again = _replacement_of(conn, draft.table, replaces_id)
        if again is not None:
            return SubmitResult(again, False, "Esta corrección ya estaba registrada.")
    return None


def _submit(
    engine: Engine,
    identity: Identity,
    draft_for: Callable[[Connection, str], _Draft],
    *,
    key: str,
    attachment: CheckedFile | None,
    replaces_id: int | None,
    received: datetime,
) -> SubmitResult:
    """One submission for the signed-in enlace's entity, in one audited transaction."""
    try:
        with engine.begin() as conn:
            scope = confirm_scope(conn, identity, "enlace")
            entity = own_entity(scope)
            draft = draft_for(conn, entity)
            earlier = _earlier(conn, draft, key, entity, replaces_id)
            if earlier is not None:
                return earlier
            columns = draft.columns(conn, received)
            attachment_id = (
                _store_attachment(conn, attachment, entity, scope.email, received)
                if attachment is not None
                else None
            )
            submission_id = int(
                conn.execute(
                    sa.insert(draft.table)
                    .values(
                        entity_id=entity,
                        **columns,
                        attachment_id=attachment_id,
                        replaces_id=replaces_id,
                        submitted_by=scope.email,
                        submitted_at=received,
                        status="pendiente",
                        request_key=key,
                    )
                    .returning(draft.table.c.submission_id)
                ).scalar_one()
            )
            insert_entry(
                conn,
                scope.email,
                "obligation_submit",
                f"{draft.noun} #{submission_id} {entity} {draft.audit}"
                + _attachment_note(attachment)
                + (f" corrige #{replaces_id}" if replaces_id else ""),
                now=received,
            )
    except sa.exc.IntegrityError:
        # Another tab won the race for the same form or submission: give back its record.
        with engine.connect() as conn:
            entity = own_entity(confirm_scope(conn, identity, "enlace"))
            draft = draft_for(conn, entity)
            found = _by_request_key(conn, draft.table, key, entity) or draft.duplicate(conn)
        if found is None:
            raise
        return SubmitResult(found, False, draft.already)
    return SubmitResult(submission_id, True, draft.sent)


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
    text = checked_text(description, MAX_DESCRIPTION, "La descripción")
    if not sin_cambios and text is None:
        raise UserError("Describa los cambios, o marque «Sin cambios».")

    def draft_for(conn: Connection, entity: str) -> _Draft:
        return _Draft(
            table=REVIEWS,
            columns=lambda conn, received: {
                "item": item,
                "sin_cambios": sin_cambios,
                "description": text,
                "submitted_on": _local(conn, settings, received).date(),
            },
            duplicate=lambda conn: _pending_review(conn, entity, item),
            duplicate_message=(
                f"Ya hay una revisión de «{ITEM_LABELS[item]}» pendiente de validación; "
                "no se registró otra."
            ),
            noun="revisión",
            audit=f"{item} " + ("sin cambios" if sin_cambios else "con cambios"),
            already="Esta revisión ya estaba registrada.",
            sent="Revisión enviada: queda pendiente de validación.",
            item=item,
        )

    return _submit(
        engine,
        identity,
        draft_for,
        key=_request_key(request_key),
        attachment=attachment,
        replaces_id=replaces_id,
        received=now or utc_now(),
    )


def _pending_review(conn: Connection, entity_id: str, item: str) -> int | None:
    found = conn.execute(
        sa.select(REVIEWS.c.submission_id).where(
            REVIEWS.c.entity_id == entity_id,
            REVIEWS.c.item == item,
            REVIEWS.c.status == "pendiente",
        )
    ).scalar()
    return int(found) if found is not None else None


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
    heading = checked_text(title, MAX_TITLE, "El título")
    if heading is None:
        raise UserError("Escriba el título del comunicado.")
    text = checked_text(body, MAX_BODY, "El texto")
    if text is None and attachment is None:
        raise UserError("Escriba el texto del comunicado o adjunte el documento.")

    def draft_for(conn: Connection, entity: str) -> _Draft:
        media_at = local_to_utc(conn, settings, media_at_local.replace(second=0, microsecond=0))

        def columns(conn: Connection, received: datetime) -> dict[str, object]:
            local_received = _local(conn, settings, received)
            return {
                "title": heading,
                "media_at": media_at,
                "body": text,
                "received_month": local_received.year * 100 + local_received.month,
            }

        return _Draft(
            table=RELEASES,
            columns=columns,
            duplicate=lambda conn: _same_release(conn, entity, heading, media_at),
            duplicate_message=(
                "Ya se envió un comunicado con ese título y esa fecha de publicación; no se "
                "registró otro."
            ),
            noun="comunicado",
            audit=f"«{heading[:200]}» medios {media_at:%Y-%m-%d %H:%M} UTC",
            already="Este comunicado ya estaba registrado.",
            sent="Comunicado enviado: queda pendiente de validación.",
        )

    return _submit(
        engine,
        identity,
        draft_for,
        key=_request_key(request_key),
        attachment=attachment,
        replaces_id=replaces_id,
        received=now or utc_now(),
    )


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
