"""Resumen — national KPIs of the month with MoM/YoY changes, 13-month trends, most vencidos."""

import streamlit as st

from cac311.ui import charts, loaders
from cac311.ui.guard import RESUMEN, page_setup
from cac311.ui.report_views import report_download
from cac311.ui.widgets import kpi_row, plot
from metrics.publication import entity_rows

ctx = page_setup(RESUMEN, subtitle="Cumplimiento nacional del plazo legal de 30 días")

ctx.stamp()
kpi_row(loaders.kpi_deltas(ctx.url, ctx.month, ctx.mode, ctx.filters.cases))

trend = loaders.monthly_trend(ctx.url, ctx.month, 13, ctx.mode, ctx.filters.cases)
table = loaders.monthly_table(ctx.url, ctx.month, ctx.mode, ctx.filters.cases)
left, right = st.columns(2)
with left:
    plot(charts.volume_trend(trend), key="resumen_volumen")
    plot(charts.index_trend(trend), key="resumen_indice")
with right:
    plot(charts.backlog_trend(trend), key="resumen_rezago")
    plot(charts.top_overdue(entity_rows(table)), key="resumen_vencidos")
ctx.stamp()

st.markdown("#### Informe mensual")
report_download(ctx, None, key="resumen_informe_pdf")
