"""Plotly chart builders: a Polars frame in, a figure out (no Streamlit, testable alone).

One module per page family (`trends`, `ranking`, `entity`, `directory`, `quality`), one style
(`style`: the `tablero311` template, colours and shared helpers).
"""

from cac311.ui.charts import style as style  # registers the template on first import
