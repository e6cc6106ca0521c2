"""Small data builders shared by the auth tests (entities, import batches)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

PASSWORD = "correcta-horse-9"  # pragma: allowlist secret


def add_entity(engine: Engine, entity_id: str, name: str = "Entidad de prueba") -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into entities (entity_id, name, sector, active)"
                " values (:entity_id, :name, 'ministerio', true)"
            ),
            {"entity_id": entity_id, "name": name},
        )


def add_batch(engine: Engine, *, is_demo: bool) -> None:
    batch = sa.table(
        "import_batches",
        sa.column("kind"),
        sa.column("source_name"),
        sa.column("started_at", sa.DateTime),
        sa.column("is_demo", sa.Boolean),
    )
    with engine.begin() as conn:
        conn.execute(
            sa.insert(batch).values(
                kind="cases",
                source_name="demo" if is_demo else "extracto.csv",
                started_at=datetime(2026, 11, 1, 12, 0),
                is_demo=is_demo,
            )
        )
