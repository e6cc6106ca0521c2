"""The audit trail from the pages: one row per sign-in, download, import, through the sign-in
connection (the only one allowed to append to `audit_log`, docs/security.md).

Every page records its downloads with `audit(...)`: a failure is logged and reported on screen,
never raised, so a download never breaks a page.
"""

from __future__ import annotations

import logging
from typing import Final

import polars as pl
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from cac311.auth import audit as audit_log
from cac311.auth.session import auth_database_url, auth_engine

log = logging.getLogger(__name__)

AUDIT_ACTION_LABELS: Final[dict[str, str]] = {
    "sign_in": "Ingreso",
    "sign_in_failed": "Ingreso fallido",
    "sign_out": "Cierre de sesión",
    "locked": "Cuenta bloqueada",
    "export": "Descarga",
    "import": "Importación",
    "publish": "Publicación registrada",
}


def audit(url: str, email: str | None, action: str, detail: str) -> bool:
    """Append one row to the audit log; False (and a warning on screen) when it failed."""
    try:
        audit_log.record(auth_engine(auth_database_url(url)), email, action, detail)
    except (SQLAlchemyError, ValueError):
        log.exception("audit: could not record %s", action)
        st.warning("No se pudo registrar la acción en la bitácora de auditoría.")
        return False
    return True


def audit_entries(url: str, limit: int = 500) -> pl.DataFrame:
    """The latest audit rows, newest first (not cached: the log must be current)."""
    return audit_log.audit_entries(auth_engine(auth_database_url(url)), limit)
