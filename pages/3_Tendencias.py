"""Tendencias — any monthly KPI split by case type, channel, province, sector or entity (top 10),
with a total line for context, the cohort view and the table of plotted values (CSV)."""

import streamlit as st

from cac311.ui import loaders
from cac311.ui.audit import audit
from cac311.ui.charts import trends as trend_charts
from cac311.ui.columns import metric_column, text_column
from cac311.ui.errors import stop_on_error
from cac311.ui.filters import notices, url_choice
from cac311.ui.format import (
    CASE_TYPE_LABELS,
    CHANNEL_LABELS,
    PARTIAL_MARK,
    PROVINCE_LABELS,
    SECTOR_LABELS,
    csv_bytes,
    definition,
    metric_label,
    month_long,
)
from cac311.ui.guard import TENDENCIAS, page_setup
from cac311.ui.views.trends import (
    COHORT_KPI,
    MONTH_WINDOWS,
    RATE_KPIS,
    SPLITS,
    TREND_KPIS,
    TopGroups,
    has_partial_month,
    months_to_show,
    plotted_values,
    top_groups,
)
from cac311.ui.widgets import csv_download, data_table, immature_note, plot
from metrics.definitions import TOTAL_NAME

ctx = page_setup(TENDENCIAS, subtitle="Cualquier indicador mensual, desglosado, y sus cohortes")

SPLIT_TEXT = {
    "tipo": "Tipo de caso",
    "canal": "Canal",
    "provincia": "Provincia o comarca",
    "sector": "Sector",
    "entidad": "Entidad",
    "total": "Sin desglose (total)",
}


seen = len(notices())
pick_kpi, pick_split, pick_months = st.columns([2, 2, 1])
kpi = url_choice(
    "kpi",
    TREND_KPIS,
    "indice_cumplimiento",
    label_text="Indicador",
    format_func=metric_label,
    where=pick_kpi,
    help_text="La cifra mensual que se grafica (definiciones de SPEC §3 / docs/metrics.md).",
)
split = url_choice(
    "por",
    tuple(SPLITS),
    "tipo",
    label_text="Desglose por",
    format_func=lambda s: SPLIT_TEXT.get(s, s),
    where=pick_split,
)
window = url_choice(
    "meses",
    [str(n) for n in MONTH_WINDOWS],
    str(MONTH_WINDOWS[0]),
    label_text="Meses",
    where=pick_months,
    horizontal_radio=True,
    help_text="Cuántos meses se muestran, terminando en el mes elegido en la barra lateral.",
)
for text in notices()[seen:]:
    st.warning(text, icon=":material/link_off:")
st.caption(f"**{metric_label(kpi)}**: {definition(kpi)}")

split_by = SPLITS[split]
cases = ctx.chosen.cases
months = months_to_show(ctx.facts.months, ctx.month, int(window))
total_label = TOTAL_NAME if cases.is_empty() else "Total con los filtros"
entity_names = {code: f"{code} · {name}" for code, name, _sector in ctx.options.entities}
table_labels = {
    "tipo": CASE_TYPE_LABELS,
    "canal": CHANNEL_LABELS,
    "provincia": PROVINCE_LABELS,
    "sector": SECTOR_LABELS,
    "entidad": entity_names,
    "total": {"Total": total_label},
}[split]
chart_labels = {} if split == "entidad" else table_labels

with stop_on_error("calcular la tendencia"):
    total = loaders.monthly_trend(ctx.source, ctx.period, months, cases, None)
    trend = (
        loaders.monthly_trend(ctx.source, ctx.period, months, cases, split_by)
        if split_by is not None
        else total
    )

shown = top_groups(trend) if split_by is not None else TopGroups(total, ("Total",), 1)
context = total if split_by is not None and kpi in RATE_KPIS else None

st.subheader("Tendencia por mes")
ctx.stamp()
if months < int(window):
    st.caption(
        f"Hay datos desde {month_long(ctx.facts.months[0])}: se muestran {months:d} meses "
        f"en lugar de {int(window)}."
    )
if shown.truncated:
    st.info(
        f"Hay {shown.total_groups:d} grupos; se muestran los {len(shown.groups)} con más casos "
        "recibidos en el periodo. Use los filtros de la barra lateral para ver otros.",
        icon=":material/filter_list:",
    )
plot(
    trend_charts.kpi_trend(
        shown.frame,
        kpi,
        chart_labels,
        total=context,
        total_label=total_label,
        limit_days=ctx.settings.legal_limit_days,
    ),
    key="tendencias_indicador",
)
notes = []
if context is not None:
    notes.append(
        f"Línea punteada: {total_label.lower()}, calculado sobre todos los casos (no es el "
        "promedio de los grupos)."
    )
if has_partial_month(total):
    notes.append(
        f":orange-badge[{PARTIAL_MARK}] El mes que contiene la fecha de corte aún no termina: "
        "sus cifras no son definitivas (marcador hueco)."
    )
if notes:
    st.caption(" ".join(notes))
if kpi == COHORT_KPI and split_by is not None:
    immature_note(shown.frame)

st.subheader("Cohortes")
ctx.stamp()
scope_md = "" if cases.is_empty() else " con los filtros de la barra lateral"
st.caption(f"{definition(COHORT_KPI)} Sobre todos los casos{scope_md}.")
plot(trend_charts.cohort_chart(total), key="tendencias_cohortes")
immature_note(total)

st.subheader("Valores graficados")
ctx.stamp()
values = plotted_values(shown.frame, kpi, table_labels, total=context, total_label=total_label)
data_table(
    values,
    column_config={
        "periodo": text_column("Periodo", definition("periodo")),
        "grupo": text_column(
            "Código", "Código del grupo (tipo, canal, provincia, sector o entidad)."
        ),
        "nombre": text_column(SPLIT_TEXT[split]),
        kpi: metric_column(kpi),
        "recibidos": metric_column("recibidos"),
        "parcial": st.column_config.CheckboxColumn("Mes parcial", help=definition("parcial")),
        "cohorte_madura": metric_column("cohorte_madura"),
    },
    key="tendencias_tabla",
)
file_name = f"tendencia_{kpi}_{split}_{months}m_{ctx.month}_{ctx.mode}.csv"
if csv_download("Descargar CSV", csv_bytes(values), file_name, key="tendencias_csv"):
    audit(ctx.url, ctx.identity.email, "export", f"{file_name} {ctx.chosen.link_params()}")
