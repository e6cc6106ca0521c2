"""Who is using the dashboard and what their role lets them see (SPEC §4 'Roles')."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "director", "enlace"]
ROLES: tuple[Role, ...] = ("admin", "director", "enlace")
ROLE_LABELS: dict[Role, str] = {
    "admin": "Administrador General",
    "director": "Director del CAC-311",
    "enlace": "Enlace ejecutivo",
}
SignInMethod = Literal["demo", "local", "oidc"]


@dataclass(frozen=True)
class Identity:
    email: str
    role: Role
    entity_id: str | None = None
    via: SignInMethod = "local"

    def can_see_cases_of(self, entity_id: str | None) -> bool:
        """Case-level lists: admin and director see all; an enlace only their own entity."""
        if self.role in ("admin", "director"):
            return True
        return entity_id is not None and entity_id == self.entity_id

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
