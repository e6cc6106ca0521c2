"""Demo submissions of the circular's obligations (issue 14): reviews and press releases sent by
enlaces in the dashboard, in every state an asesor leaves them in.

Five entities (MINSA, plus four drawn from the seed) get a fixed set of scenarios relative to
`today`: validated, pending, returned and not yet corrected, returned then resubmitted (pending,
and validated). Times are local office hours converted to naive UTC, all on or before `today`,
so the figures at `datos_al` include them like real submissions. Reproducible: the same seed and
`today` give the same rows (ids come from the database, in row order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cac311.obligations.tables import RELEASES, REVIEWS

DEMO_ENLACE = "demo-enlace@demo.local"
DEMO_ASESOR = "demo-asesor@demo.local"
ALWAYS = "MINSA"  # the entity the tests' demo enlace uses


@dataclass(frozen=True)
class Scenario:
    """One submission: entity slot (0..4), kind, days before today it was received, its
    decision (days after receipt) and what it is about."""

    ref: str
    slot: int
    kind: str  # review | release
    days_ago: int
    status: str  # pendiente | validado | devuelto
    decided_after: int | None = None
    item: str | None = None
    sin_cambios: bool = True
    text: str | None = None
    title: str | None = None
    media_hours: float | None = None  # media time − receipt, hours
    reason: str | None = None
    replaces: str | None = None


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("r1", 0, "review", 40, "validado", 2, item="sla", sin_cambios=False,
             text="Se actualizaron los tiempos de citas de especialidades."),
    Scenario("r2", 1, "review", 12, "validado", 2, item="directorio"),
    Scenario("r3", 2, "review", 6, "pendiente", item="base_conocimiento", sin_cambios=False,
             text="Nuevas preguntas frecuentes sobre el trámite de certificados."),
    Scenario("r4", 0, "review", 2, "pendiente", item="directorio"),
    Scenario("r5", 3, "review", 9, "devuelto", 1, item="sla", sin_cambios=False,
             text="Cambios en SLA.",
             reason="Falta el detalle: indique qué servicios cambiaron de plazo."),
    Scenario("r6", 1, "review", 15, "devuelto", 1, item="sla", sin_cambios=False,
             text="SLA revisado.", reason="Adjunte la tabla de SLA vigente."),
    Scenario("r7", 1, "review", 3, "pendiente", item="sla", sin_cambios=False,
             text="SLA revisado; se corrigieron los plazos de 4 servicios.", replaces="r6"),
    Scenario("r8", 4, "review", 30, "devuelto", 1, item="directorio", sin_cambios=False,
             text="Cambio de teléfonos.", reason="Los teléfonos no coinciden con la web."),
    Scenario("r9", 4, "review", 27, "validado", 1, item="directorio", sin_cambios=False,
             text="Teléfonos corregidos según la web institucional.", replaces="r8"),
    Scenario("c1", 0, "release", 20, "validado", 1, title="Jornada nacional de vacunación",
             text="El ministerio anuncia la jornada de vacunación.", media_hours=20.0),
    Scenario("c2", 2, "release", 18, "validado", 1, title="Cierre temporal de oficinas",
             text="Las oficinas cerrarán por mantenimiento.", media_hours=-3.0),
    Scenario("c3", 1, "release", 1, "pendiente", title="Nuevo horario de atención",
             text="A partir del lunes el horario será de 7:00 a 15:00.", media_hours=22.0),
    Scenario("c4", 3, "release", 5, "devuelto", 1, title="Resultados del operativo",
             text="Resultados preliminares.", media_hours=30.0,
             reason="El texto no corresponde al título; envíe la nota final."),
    Scenario("c5", 4, "release", 25, "devuelto", 0, title="Licitación de recolección",
             text="Borrador.", media_hours=48.0, reason="Es un borrador; envíe la versión final."),
    Scenario("c6", 4, "release", 24, "validado", 1, title="Licitación de recolección",
             text="La alcaldía abre la licitación del servicio de recolección.",
             media_hours=24.0, replaces="c5"),
)  # fmt: skip


def demo_entities(rng: np.random.Generator, entity_ids: Sequence[str]) -> list[str]:
    """MINSA (when present) and four more entities drawn from the seed: the five slots."""
    others = [e for e in entity_ids if e != ALWAYS]
    picked = [others[int(i)] for i in rng.permutation(len(others))[:4]]
    return ([ALWAYS] if ALWAYS in entity_ids else [others[0]]) + picked


def _utc(local: datetime, timezone: str) -> datetime:
    zoned = local.replace(tzinfo=ZoneInfo(timezone))
    return zoned.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def build_rows(
    rng: np.random.Generator, today: date, timezone: str, entity_ids: Sequence[str]
) -> list[dict[str, Any]]:
    """One dict per scenario: the table's columns plus `kind`, `ref` and `replaces` refs."""
    slots = demo_entities(rng, entity_ids)
    minutes = rng.integers(8 * 60, 16 * 60, len(SCENARIOS))
    rows = []
    for scenario, minute in zip(SCENARIOS, minutes, strict=True):
        day = today - timedelta(days=scenario.days_ago)
        local = datetime.combine(day, time(int(minute) // 60, int(minute) % 60))
        received = _utc(local, timezone)
        decided = (
            received + timedelta(days=scenario.decided_after, hours=2)
            if scenario.decided_after is not None
            else None
        )
        row: dict[str, Any] = {
            "kind": scenario.kind,
            "ref": scenario.ref,
            "replaces": scenario.replaces,
            "entity_id": slots[scenario.slot],
            "submitted_by": DEMO_ENLACE,
            "submitted_at": received,
            "status": scenario.status,
            "decided_by": DEMO_ASESOR if decided else None,
            "decided_at": decided,
            "return_reason": scenario.reason,
            "request_key": f"demo-{scenario.ref}",
        }
        if scenario.kind == "review":
            row.update(
                item=scenario.item,
                sin_cambios=scenario.sin_cambios,
                description=scenario.text,
                submitted_on=local.date(),
            )
        else:
            media_local = local + timedelta(hours=scenario.media_hours or 0.0)
            row.update(
                title=scenario.title,
                body=scenario.text,
                media_at=_utc(media_local.replace(second=0), timezone),
                received_month=local.year * 100 + local.month,
            )
        rows.append(row)
    return rows


def write_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert the rows in order (a replacement after the one it replaces); returns the count."""
    ids: dict[str, int] = {}
    for row in rows:
        table = REVIEWS if row["kind"] == "review" else RELEASES
        values = {k: v for k, v in row.items() if k not in ("kind", "ref", "replaces")}
        values["replaces_id"] = ids[row["replaces"]] if row["replaces"] else None
        ids[row["ref"]] = int(
            conn.execute(
                sa.insert(table).values(**values).returning(table.c.submission_id)
            ).scalar_one()
        )
    return len(rows)
