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

The pages and the CLI call this module; the work is split by concept: `submissions` (an
enlace's review or press release, double-submit guards), `decisions` (an asesor validates or
returns), `scope` (who may write), `tables` (schema, limits, labels). Serving an attachment to
its own entity lives here.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.auth.audit import insert_entry
from cac311.auth.identity import Identity
from cac311.errors import UserError
from cac311.obligations.decisions import Decision, DecisionResult, decide
from cac311.obligations.scope import confirm_scope
from cac311.obligations.submissions import (
    SubmitResult,
    submit_release,
    submit_review,
)
from cac311.obligations.tables import (
    ATTACHMENTS,
    ITEMS,
    MAX_BODY,
    MAX_DESCRIPTION,
    MAX_REASON,
    MAX_TITLE,
    Kind,
)

# The write path's entry points and the limits its forms show, as the pages call them.
__all__ = [
    "ITEMS",
    "MAX_BODY",
    "MAX_DESCRIPTION",
    "MAX_REASON",
    "MAX_TITLE",
    "Decision",
    "DecisionResult",
    "Kind",
    "StoredAttachment",
    "SubmitResult",
    "decide",
    "entities_with_submissions",
    "fetch_attachment",
    "submit_release",
    "submit_review",
]


@dataclass(frozen=True)
class StoredAttachment:
    file_name: str
    media_type: str
    content: bytes
    entity_id: str


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
