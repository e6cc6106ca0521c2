"""The circular's obligations in the product: the `asesor` role, its entity assignments, and
the enlaces' review and press-release submissions with their attachments.

- `users.role` accepts `asesor` (Asesor de Calidad); `user_entities` holds the entities an
  asesor is assigned to (one row per user and entity).
- `obligation_attachments`: files attached to a submission (≤ 5 MB, PDF/XLSX/DOCX/CSV checked
  by content), stored in the database with the entity they belong to.
- `obligation_reviews`: an enlace's review of one item (directorio, sla, base_conocimiento):
  "sin cambios" or a description of the changes. `obligation_releases`: a press release sent
  to the 311 (title, planned media time, text and/or attachment). Both are written by the
  dashboard's sign-in/audit connection and go `pendiente` → `validado` | `devuelto` (by an
  asesor); a returned one is resubmitted as a new row that `replaces` it.

Double submits create one row: `request_key` is unique (one per form), at most one pending
review per entity and item, at most one pending-or-validated release per entity, title and
media time, and a returned submission is replaced at most once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ROLES_BEFORE = "role in ('admin', 'director', 'enlace')"
ROLES_AFTER = "role in ('admin', 'director', 'enlace', 'asesor')"
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
STATUSES = "status in ('pendiente', 'validado', 'devuelto')"
# A decision is recorded with who and when; a returned submission says why.
DECISION = (
    "(status = 'pendiente' and decided_at is null and decided_by is null"
    " and return_reason is null)"
    " or (status = 'validado' and decided_at is not null and decided_by is not null"
    " and return_reason is null)"
    " or (status = 'devuelto' and decided_at is not null and decided_by is not null"
    " and return_reason is not null)"
)


def _submission_columns() -> list[sa.Column[object]]:
    """Columns every submission has (who sent it, when, its state and the asesor's decision)."""
    return [
        sa.Column("submitted_by", sa.String(320), nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="pendiente"),
        sa.Column("decided_by", sa.String(320)),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("return_reason", sa.String(1000)),
        sa.Column("request_key", sa.String(64), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_role", type_="check")
        batch.create_check_constraint("ck_users_role", ROLES_AFTER)
    op.create_table(
        "user_entities",
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.user_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "entity_id", sa.String(40), sa.ForeignKey("entities.entity_id"), primary_key=True
        ),
    )
    op.create_table(
        "obligation_attachments",
        sa.Column("attachment_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity_id", sa.String(40), sa.ForeignKey("entities.entity_id"), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_by", sa.String(320), nullable=False),
        sa.Column("uploaded_at", sa.DateTime, nullable=False),
        sa.CheckConstraint("kind in ('pdf', 'xlsx', 'docx', 'csv')", name="ck_attachments_kind"),
        sa.CheckConstraint(
            f"size_bytes > 0 and size_bytes <= {MAX_ATTACHMENT_BYTES}",
            name="ck_attachments_size",
        ),
    )
    op.create_table(
        "obligation_reviews",
        sa.Column("submission_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity_id", sa.String(40), sa.ForeignKey("entities.entity_id"), nullable=False),
        sa.Column("item", sa.String(30), nullable=False),
        sa.Column("sin_cambios", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column(
            "attachment_id", sa.Integer, sa.ForeignKey("obligation_attachments.attachment_id")
        ),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("replaces_id", sa.Integer, sa.ForeignKey("obligation_reviews.submission_id")),
        *_submission_columns(),
        sa.UniqueConstraint("request_key", name="uq_obligation_reviews_request"),
        sa.UniqueConstraint("replaces_id", name="uq_obligation_reviews_replaces"),
        sa.CheckConstraint(
            "item in ('directorio', 'sla', 'base_conocimiento')", name="ck_oreviews_item"
        ),
        sa.CheckConstraint(STATUSES, name="ck_oreviews_status"),
        sa.CheckConstraint(DECISION, name="ck_oreviews_decision"),
        sa.CheckConstraint(
            "sin_cambios or description is not null", name="ck_oreviews_description"
        ),
    )
    op.create_index(
        "uq_obligation_reviews_one_pending",
        "obligation_reviews",
        ["entity_id", "item"],
        unique=True,
        sqlite_where=sa.text("status = 'pendiente'"),
        postgresql_where=sa.text("status = 'pendiente'"),
    )
    op.create_index(
        "ix_obligation_reviews_status", "obligation_reviews", ["status", "submitted_at"]
    )
    op.create_index(
        "ix_obligation_reviews_entity", "obligation_reviews", ["entity_id", "item", "status"]
    )
    op.create_table(
        "obligation_releases",
        sa.Column("submission_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("entity_id", sa.String(40), sa.ForeignKey("entities.entity_id"), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("media_at", sa.DateTime, nullable=False),
        sa.Column("body", sa.Text),
        sa.Column(
            "attachment_id", sa.Integer, sa.ForeignKey("obligation_attachments.attachment_id")
        ),
        sa.Column("received_month", sa.Integer, nullable=False),
        sa.Column("replaces_id", sa.Integer, sa.ForeignKey("obligation_releases.submission_id")),
        *_submission_columns(),
        sa.UniqueConstraint("request_key", name="uq_obligation_releases_request"),
        sa.UniqueConstraint("replaces_id", name="uq_obligation_releases_replaces"),
        sa.CheckConstraint(STATUSES, name="ck_oreleases_status"),
        sa.CheckConstraint(DECISION, name="ck_oreleases_decision"),
        sa.CheckConstraint(
            "body is not null or attachment_id is not null", name="ck_oreleases_content"
        ),
    )
    op.create_index(
        "uq_obligation_releases_once",
        "obligation_releases",
        ["entity_id", "title", "media_at"],
        unique=True,
        sqlite_where=sa.text("status <> 'devuelto'"),
        postgresql_where=sa.text("status <> 'devuelto'"),
    )
    op.create_index(
        "ix_obligation_releases_status", "obligation_releases", ["status", "submitted_at"]
    )
    op.create_index(
        "ix_obligation_releases_month", "obligation_releases", ["received_month", "entity_id"]
    )


def downgrade() -> None:
    for table in (
        "obligation_releases",
        "obligation_reviews",
        "obligation_attachments",
        "user_entities",
    ):
        op.drop_table(table)
    op.execute(sa.text("delete from users where role = 'asesor'"))
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("ck_users_role", type_="check")
        batch.create_check_constraint("ck_users_role", ROLES_BEFORE)
