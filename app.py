"""Resumen — national KPIs of the month with MoM/YoY changes, 13-month trends, most vencidos."""

import streamlit as st

from cac311.ui import loaders
from cac311.ui.charts import ranking as ranking_charts
from cac311.ui.charts import trends as trend_charts
from cac311.ui.early_warning_ui import resumen_section as early_warning_section
from cac311.ui.errors import stop_on_error
from cac311.ui.guard import RESUMEN, page_setup
from cac311.ui.report_views import report_download
from cac311.ui.widgets import kpi_row, plot
from metrics.publication import entity_rows

ctx = page_setup(RESUMEN, subtitle="Cumplimiento nacional del plazo legal de 30 días")

with stop_on_error("calcular las cifras nacionales"):
    trend, deltas = loaders.trend_and_deltas(ctx.source, ctx.period, ctx.chosen.cases)
    table = loaders.monthly_table(ctx.source, ctx.period, ctx.chosen.cases)

ctx.stamp()
kpi_row(deltas)
left, right = st.columns(2)
with left:
    plot(trend_charts.volume_trend(trend), key="resumen_volumen")
    plot(trend_charts.index_trend(trend), key="resumen_indice")
with right:
    plot(trend_charts.backlog_trend(trend), key="resumen_rezago")
    plot(ranking_charts.top_overdue(entity_rows(table)), key="resumen_vencidos")
ctx.stamp()

early_warning_section(ctx)
ctx.stamp()

st.markdown("#### Informe mensual")
report_download(ctx, None, key="resumen_informe_pdf")
