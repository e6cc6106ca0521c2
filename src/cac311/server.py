"""The ASGI glue of the dashboard: what `serve.py` hands to `st.App`.

- `session_routes()` (from `cac311.auth.routes`): the two routes that put a local session into
  an HttpOnly cookie and take it out;
- `show_script_error`: the last line of defence for an exception no page caught. Streamlit has
  already logged it with its traceback; the user gets one Spanish line instead of Streamlit's
  generic English error box: about the database when the database is the cause (e.g. the
  server restarted in the middle of a page), else a neutral one.
"""

from __future__ import annotations

import logging
from typing import Final

import streamlit as st
from sqlalchemy.exc import DBAPIError, OperationalError

from cac311.auth.routes import session_routes
from cac311.db.engine import DatabaseError

log = logging.getLogger(__name__)

DATABASE_LINE: Final = (
    "No se pudo leer la base de datos en este momento. Intente de nuevo en unos minutos; "
    "si el problema continúa, avise al administrador."
)
UNEXPECTED_LINE: Final = (
    "Ocurrió un error inesperado al mostrar esta página. Quedó registrado para el equipo "
    "técnico; intente de nuevo."
)

__all__ = ["DATABASE_LINE", "UNEXPECTED_LINE", "session_routes", "show_script_error"]


def is_database_outage(exc: BaseException) -> bool:
    """True for errors that mean "the database could not be reached or dropped the connection"."""
    if isinstance(exc, (OperationalError, DatabaseError)):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def show_script_error(exc: Exception) -> bool:
    """`st.App(on_script_error=...)`: one Spanish line on the page; True hides Streamlit's box."""
    st.error(DATABASE_LINE if is_database_outage(exc) else UNEXPECTED_LINE)
    return True
