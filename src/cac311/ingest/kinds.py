"""What each import kind reads and writes: canonical columns, key, target table, text limits.

The canonical columns are those of SPEC §5 (and §6 for transfers); any other column in a file is
ignored. Text limits mirror the schema (migration 0001): an over-long identifier is quarantined
instead of making PostgreSQL abort the whole import, while an over-long descriptive text of a
case (`text_caps`) is cut to its column size and reported as a warning (`descriptive.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["entities", "cases", "reviews", "releases", "transfers"]
KINDS: tuple[Kind, ...] = ("entities", "cases", "reviews", "releases", "transfers")

KIND_LABELS: dict[str, str] = {
    "entities": "entidades",
    "cases": "casos",
    "reviews": "revisiones del directorio",
    "releases": "comunicados",
    "transfers": "traslados",
}

SECTORS = ("ministerio", "entidad_autonoma", "municipio", "empresa_publica", "otro")
CASE_TYPES = ("queja", "denuncia", "reclamo", "solicitud", "consulta", "sugerencia")
STATUSES = ("abierto", "cerrado", "anulado")
REVIEW_ITEMS = ("directorio", "sla", "base_conocimiento")
PROVINCES = (*(f"PA-{n}" for n in range(1, 11)), "PA-EM", "PA-KY", "PA-NB", "PA-NT")


@dataclass(frozen=True)
class KindSpec:
    """Columns of one import kind.

    `key` identifies a row (upsert key and duplicate check); `derived` are computed at import;
    `entity_columns` must name a registered entity; `descriptive` are the columns that never
    quarantine a row (normalised or stored as missing, with a warning) and `text_caps` the
    column sizes their text is cut to.
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
    entity_columns: tuple[str, ...] = ("entity_id",)
    descriptive: tuple[str, ...] = ()
    text_caps: dict[str, int] = field(default_factory=dict)

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
        entity_columns=(),
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
        max_lengths={"case_id": 80, "entity_id": 40},
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
        descriptive=("category", "channel", "province", "district", "sla_days"),
        # The sizes of these columns in migration 0001 (characters, as PostgreSQL counts them).
        text_caps={"category": 200, "channel": 40, "district": 120},
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
    "transfers": KindSpec(
        kind="transfers",
        table="transfers",
        # The idempotence key (unique index `uq_transfers_key`, migration 0002): the same case
        # moved between the same two entities at the same instant is the same transfer.
        key=("case_id", "from_entity_id", "to_entity_id", "transferred_at"),
        required=("case_id", "from_entity_id", "to_entity_id", "transferred_at"),
        optional=(),
        timestamps=("transferred_at",),
        max_lengths={"case_id": 80, "from_entity_id": 40, "to_entity_id": 40},
        # Local date and day ordinals (migration 0007), as the cases' (localdates.py).
        derived=("transferred_on", "transferred_month", "transferred_day", "transferred_bday"),
        updatable=False,
        entity_columns=("from_entity_id", "to_entity_id"),
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
