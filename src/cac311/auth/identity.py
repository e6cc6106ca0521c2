"""Who is using the dashboard and what their role lets them see (SPEC §4 'Roles')."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "director", "enlace", "asesor"]
ROLES: tuple[Role, ...] = ("admin", "director", "enlace", "asesor")
ROLE_LABELS: dict[Role, str] = {
    "admin": "Administrador General",
    "director": "Director del CAC-311",
    "enlace": "Enlace ejecutivo",
    "asesor": "Asesor de Calidad",
}
SignInMethod = Literal["demo", "local", "oidc"]


@dataclass(frozen=True)
class Identity:
    email: str
    role: Role
    entity_id: str | None = None
    via: SignInMethod = "local"
    # The entities an asesor is assigned to (table `user_entities`); empty for other roles.
    entity_ids: tuple[str, ...] = ()

    def can_see_cases_of(self, entity_id: str | None) -> bool:
        """Case-level lists: admin and director see all; an enlace only their own entity; an
        asesor only the entities assigned to them."""
        if self.role in ("admin", "director"):
            return True
        return entity_id is not None and entity_id in self.own_entities

    @property
    def own_entities(self) -> tuple[str, ...]:
        """The entities this user acts for: the enlace's one, the asesor's assignments."""
        if self.role == "enlace":
            return (self.entity_id,) if self.entity_id else ()
        if self.role == "asesor":
            return self.entity_ids
        return ()

    @property
    def scope_label(self) -> str:
        """The role label plus the entities, e.g. "Asesor de Calidad · MINSA, MEF"."""
        label = ROLE_LABELS[self.role]
        if self.own_entities:
            label += " · " + ", ".join(self.own_entities)
        return label

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
