"""Serves Tablero 311: `streamlit run serve.py` (what `bash dev.sh run` runs).

`st.App` runs `app.py` and `pages/` exactly as `streamlit run app.py` would, and adds what a
plain Streamlit server cannot do: the two HTTP routes that keep a local-account session in an
HttpOnly cookie (`cac311.auth.routes`, docs/security.md), and one Spanish line instead of
Streamlit's error box for an exception no page caught (`cac311.server`). `streamlit run app.py`
still opens the dashboard, but a local sign-in then lasts only as long as the browser tab.
"""

import streamlit as st

from cac311.server import preload_modules, session_routes, show_script_error

preload_modules()  # once, in the main thread: sessions never race on a first import
app = st.App("app.py", routes=session_routes(), on_script_error=show_script_error)
