"""How every page reacts when it cannot get its data: one Spanish line, never a traceback.

    with stop_on_error("calcular el ranking"):
        ranking = loaders.ranking(...)

- a `UserError` (input the product cannot accept: a month outside the calendar, ...) shows its
  own sentence, as text (it may quote imported values: `cac311.ui.safe.md`);
- a database error (server down, timeout, lost connection) is logged with its traceback on the
  server and the user reads "No se pudo <action>: la base de datos no respondió …".

Either way the page stops there. Anything else is a bug: it is not caught here (Streamlit then
shows a generic error box without details, `client.showErrorDetails = "none"`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from cac311.errors import UserError
from cac311.ui.safe import md

log = logging.getLogger(__name__)

DATABASE_DOWN = (
    "la base de datos no respondió. Intente de nuevo en unos minutos; si el problema sigue, "
    "avise al administrador del Tablero 311."
)


@contextmanager
def stop_on_error(action: str) -> Iterator[None]:
    """Run the block; on a UserError or a database error show one line and stop the page."""
    try:
        yield
    except UserError as exc:
        st.error(md(str(exc)), icon=":material/error:")
        st.stop()
    except SQLAlchemyError:
        log.exception("page: could not %s", action)
        st.error(f"No se pudo {md(action)}: {DATABASE_DOWN}", icon=":material/cloud_off:")
        st.stop()
