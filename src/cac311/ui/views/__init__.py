"""View-models of the pages: pure Polars shaping of the analytics frames for display.

No Streamlit, no I/O, no clock — so they are tested like metrics — but they are not SPEC §3
definitions (those live in `src/metrics/`): they choose what a page shows (arrows, Spanish
sentences, default choices, labels, column order).
"""
