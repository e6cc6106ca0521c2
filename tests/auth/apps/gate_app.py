"""Tiny app for the sign-in gate tests: page config, gate, sign-out control, identity line.

The database URL comes from the environment variable CAC311_GATE_TEST_URL (set by the test).
"""

import os

import streamlit as st

from cac311.auth.session import sign_in_gate, sign_out_control

st.set_page_config(page_title="Prueba de ingreso")
identity = sign_in_gate(os.environ["CAC311_GATE_TEST_URL"])
sign_out_control(identity)
st.markdown(f"IDENTIDAD {identity.email}|{identity.role}|{identity.entity_id}|{identity.via}")
