"""`streamlit run gate_serve.py`: the gate test app served like the dashboard (`serve.py`), as an
`st.App` with the session routes, so the OIDC browser test covers `st.login` in that mode."""

import streamlit as st

from cac311.server import session_routes, show_script_error

app = st.App("gate_app.py", routes=session_routes(), on_script_error=show_script_error)
