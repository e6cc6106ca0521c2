"""The ASGI glue of the dashboard: what `serve.py` hands to `st.App`.

- `session_routes()` (from `cac311.auth.routes`): the two routes that put a local session into
  an HttpOnly cookie and take it out;
- `show_script_error`: the last line of defence for an exception no page caught. Streamlit has
  already logged it with its traceback; the user gets one Spanish line instead of Streamlit's
  generic English error box: about the database when the database is the cause (e.g. the
  server restarted in the middle of a page), else a neutral one;
- `preload_modules()`: the libraries a page run would import lazily, imported once in the
  server's main thread before any session starts.
"""

from __future__ import annotations

import importlib
import logging
from typing import Final

import streamlit as st

from cac311.auth.routes import session_routes
from cac311.db.engine import DatabaseError
from cac311.db.faults import OUTAGE_LINE, is_outage

log = logging.getLogger(__name__)

UNEXPECTED_LINE: Final = (
    "Ocurrió un error inesperado al mostrar esta página. Quedó registrado para el equipo "
    "técnico; intente de nuevo."
)

# Imported lazily inside Streamlit, Plotly and Polars (pandas and pyarrow by st.dataframe and
# the Arrow conversions) or first by a page. Pages run in one thread per session: twenty
# sessions arriving on a cold server imported pandas and pyarrow at once from several threads,
# and Python's import-deadlock avoidance handed one of them a partially initialised pandas
# ("partially initialized module 'pandas' has no attribute 'Series'"; that session never
# rendered). Imported here first, every later import is a lookup in sys.modules.
PRELOADED_MODULES: Final = (
    "numpy",
    "pandas",
    "pyarrow",
    "polars",
    "plotly.graph_objects",
    "plotly.io",
    "sqlalchemy",
    "holidays",
    "cac311.ui.guard",
    "cac311.ui.widgets",
    "cac311.ui.charts",
)

__all__ = [
    "PRELOADED_MODULES",
    "UNEXPECTED_LINE",
    "preload_modules",
    "script_error_line",
    "session_routes",
    "show_script_error",
]


def preload_modules() -> None:
    """Import PRELOADED_MODULES in the calling (main) thread, before sessions start."""
    for name in PRELOADED_MODULES:
        importlib.import_module(name)


def script_error_line(exc: BaseException) -> str:
    """The line shown for an exception no page caught: the outage line when the database is
    the cause (it could not be reached, e.g. restarting), else a neutral one."""
    if is_outage(exc) or isinstance(exc, DatabaseError):
        return OUTAGE_LINE
    return UNEXPECTED_LINE


def show_script_error(exc: Exception) -> bool:
    """`st.App(on_script_error=...)`: one Spanish line on the page; True hides Streamlit's box."""
    st.error(script_error_line(exc))
    return True
