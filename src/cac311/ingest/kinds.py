"""What each import kind reads and writes: canonical columns, key, target table, text limits.

The canonical columns are those of SPEC §5; any other column in a file is ignored. Text limits
mirror the schema (migration 0001) so an over-long value is quarantined instead of making
PostgreSQL abort the whole import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["entities", "cases", "reviews", "releases"]
KINDS: tuple[Kind, ...] = ("entities", "cases", "reviews", "releases")

KIND_LABELS: dict[str, str] = {
    "entities": "entidades",
    "cases": "casos",
    "reviews": "revisiones del directorio",
    "releases": "comunicados",
}

SECTORS = ("ministerio", "entidad_autonoma", "municipio", "empresa_publica", "otro")
CASE_TYPES = ("queja", "denuncia", "reclamo", "solicitud", "consulta", "sugerencia")
STATUSES = ("abierto", "cerrado", "anulado")
REVIEW_ITEMS = ("directorio", "sla", "base_conocimiento")
PROVINCES = (*(f"PA-{n}" for n in range(1, 11)), "PA-EM", "PA-KY", "PA-NB", "PA-NT")


@dataclass(frozen=True)
class KindSpec:
    """Columns of one import kind.

    `key` identifies a row (upsert key and duplicate check); `compared` are the stored columns
    whose change makes an existing row "actualizado"; `derived` are computed at import.
    """

    kind: Kind
    table: str
    key: tuple[str, ...]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    timestamps: tuple[str, ...]
    max_lengths: dict[str, int]
    derived: tuple[str, ...]
    updatable: bool = True

    @property
    def canonical(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def has_id_column(self) -> bool:
        return len(self.key) == 1


SPECS: dict[str, KindSpec] = {
    "entities": KindSpec(
        kind="entities",
        table="entities",
        key=("entity_id",),
        required=("entity_id", "name", "sector"),
        optional=("active",),
        timestamps=(),
        max_lengths={"entity_id": 40, "name": 300, "sector": 30},
        derived=(),
    ),
    "cases": KindSpec(
        kind="cases",
        table="cases",
        key=("case_id",),
        required=("case_id", "entity_id", "case_type", "created_at"),
        optional=(
            "closed_at",
            "status",
            "category",
            "channel",
            "province",
            "district",
            "sla_days",
        ),
        timestamps=("created_at", "closed_at"),
        max_lengths={
            "case_id": 80,
            "entity_id": 40,
            "category": 200,
            "channel": 40,
            "province": 10,
            "district": 120,
        },
        derived=(
            "created_on",
            "closed_on",
            "created_month",
            "closed_month",
            "created_day",
            "closed_day",
            "created_bday",
            "closed_bday",
        ),
    ),
    "reviews": KindSpec(
        kind="reviews",
        table="directory_reviews",
        key=("entity_id", "item", "reviewed_at"),
        required=("entity_id", "item", "reviewed_at"),
        optional=(),
        timestamps=("reviewed_at",),
        max_lengths={"entity_id": 40},
        derived=("reviewed_on",),
        updatable=False,
    ),
    "releases": KindSpec(
        kind="releases",
        table="press_releases",
        key=("release_id",),
        required=("release_id", "entity_id", "received_at"),
        optional=("published_at", "title"),
        timestamps=("received_at", "published_at"),
        max_lengths={"release_id": 80, "entity_id": 40, "title": 500},
        derived=("received_month",),
    ),
}


def spec_for(kind: str) -> KindSpec:
    from cac311.errors import UserError

    try:
        return SPECS[kind]
    except KeyError:
        raise UserError(
            f"Tipo de importación desconocido: {kind!r} (use {', '.join(KINDS)})"
        ) from None
