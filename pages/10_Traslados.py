"""Traslados — transfers between entities in the month: the origin × destination matrix (top N
and «Otras», with download), per-entity figures with the inherited breaches shown apart, and the
cases sent back and forth (A→B→A). docs/metrics.md §15."""

import streamlit as st

from cac311.analytics.transfers import list_total
from cac311.ui import transfer_loaders
from cac311.ui.audit import audit
from cac311.ui.charts import transfers as transfer_charts
from cac311.ui.columns import count_column, metric_column, metric_columns, text_column
from cac311.ui.errors import stop_on_error
from cac311.ui.filters import url_choice
from cac311.ui.format import MODE_LABELS, csv_bytes, definition, fmt_int, metric_label, month_long
from cac311.ui.guard import TRASLADOS, page_setup
from cac311.ui.safe import md
from cac311.ui.views import transfers as views
from cac311.ui.widgets import csv_download, data_table, plot
from metrics.transfers import ENTITY_SCHEMA, OTHERS

ctx = page_setup(TRASLADOS, subtitle="Quién tuvo cada caso y quién es dueño de un vencimiento")

LIMIT = ctx.settings.legal_limit_days
K = ctx.settings.transfer_min_days_left
MONTH_TEXT = month_long(ctx.month)
MODE_TEXT = MODE_LABELS[ctx.mode]
scope = views.scoped_filters(ctx.identity, ctx.chosen.cases)
if scope is None:
    st.info("Su usuario no tiene entidades asignadas: no hay traslados que mostrar.")
    st.stop()
if ctx.identity.role not in ("admin", "director"):
    codes_md = md(", ".join(scope.entity_ids))
    st.caption(f"Se muestran solo los traslados en los que participa su entidad: {codes_md}.")

with stop_on_error("calcular los traslados"):
    flows = transfer_loaders.flows(ctx.source, ctx.period, scope)
    figures = transfer_loaders.entity_figures(ctx.source, ctx.period, scope)

st.markdown(
    f"El reloj legal es siempre el del ciudadano: cuenta desde la creación del caso aunque "
    f"cambie de entidad. Un caso que vence en poder de una entidad que lo recibió con menos de "
    f"**{K} días** restantes ({MODE_TEXT}) es un **vencido heredado** de esa entidad: se muestra "
    "aparte y no cambia ninguna otra cifra del tablero."
)
cards = st.columns(4)
cards[0].metric(
    "Traslados del mes",
    fmt_int(int(flows["traslados"].sum()) if flows.height else 0),
    help="Traslados hechos en el mes (fecha local), con los filtros aplicados.",
    border=True,
)
for card, code in zip(
    cards[1:],
    ("casos_recibidos_traslado", "vencidos_recibidos_traslado", "vencidos_heredados"),
    strict=True,
):
    card.metric(
        metric_label(code),
        fmt_int(int(figures[code].sum()) if figures.height else 0),
        help=definition(code),
        border=True,
    )
ctx.stamp()

# --- origin × destination matrix -----------------------------------------------------------
st.markdown(f"#### Matriz origen × destino — {MONTH_TEXT}")
top = url_choice(
    "top",
    [str(n) for n in views.TOP_CHOICES],
    str(views.TOP_CHOICES[1]),
    label_text="Entidades en la matriz",
    horizontal_radio=True,
    help_text=f"Las N entidades con más traslados (salida + entrada); el resto, en «{OTHERS}».",
)
top_n = int(top)
grid = views.matrix_grid(flows, top_n)
plot(transfer_charts.matrix_heatmap(grid), key="traslados_matriz")
if views.others_note(grid):
    st.caption(
        f"«{OTHERS}» suma las entidades fuera de las {fmt_int(top_n)} con más traslados; "
        f"«{OTHERS}» → «{OTHERS}» son traslados entre dos de ellas."
    )
if not grid.long.is_empty() and csv_download(
    "Descargar la matriz (CSV)",
    csv_bytes(grid.long),
    f"traslados_matriz_{ctx.month}.csv",
    key="traslados_matriz_csv",
):
    audit(
        ctx.url,
        ctx.identity.email,
        "export",
        f"traslados matriz {ctx.month} top={top} filtros={ctx.chosen.link_params()} "
        f"({grid.long.height} filas)",
    )
ctx.stamp()

# --- per entity ------------------------------------------------------------------------------
st.markdown(f"#### Por entidad — {MONTH_TEXT}")
st.caption(
    f"Días en poder y días restantes en {MODE_TEXT}; plazo legal de {LIMIT} días. Los vencidos "
    "se cuentan en el mes en que el caso superó el plazo."
)
if figures.is_empty():
    st.info(f"Sin traslados ni vencidos tras traslado en {MONTH_TEXT} con los filtros.")
else:
    data_table(
        figures,
        column_config={
            "entidad_id": metric_column("entidad_id", "Código"),
            **metric_columns([c for c in ENTITY_SCHEMA if c != "entidad_id"]),
        },
        key="traslados_por_entidad",
    )
    if csv_download(
        "Descargar por entidad (CSV)",
        csv_bytes(figures),
        f"traslados_entidades_{ctx.month}_{ctx.mode}.csv",
        key="traslados_entidades_csv",
    ):
        audit(
            ctx.url,
            ctx.identity.email,
            "export",
            f"traslados por entidad {ctx.month} {ctx.mode} "
            f"filtros={ctx.chosen.link_params()} ({figures.height} filas)",
        )
plot(transfer_charts.breach_bars(figures), key="traslados_vencidos")
ctx.stamp()

# --- back and forth --------------------------------------------------------------------------
st.markdown(f"#### Idas y vueltas (A→B→A) — {MONTH_TEXT}")
with stop_on_error("leer los casos devueltos"):
    back = transfer_loaders.back_and_forth(ctx.source, ctx.period, scope)
total = list_total(back)
if ctx.identity.role not in ("admin", "director"):  # case ids of their own entities only
    back = views.visible_cases(back, ctx.identity)
    total = back.height
if back.is_empty():
    st.success("Ningún caso volvió en el mes a una entidad que ya lo había trasladado.")
else:
    st.caption(
        f"{fmt_int(total)} traslados del mes devolvieron un caso a una entidad que ya lo había "
        "trasladado antes"
        + (f"; se muestran los primeros {fmt_int(back.height)}." if back.height < total else ".")
    )
    shown = back.drop("total")
    data_table(
        shown,
        column_config={
            "case_id": text_column("Caso"),
            "entity_id": text_column("Entidad actual", "La entidad del caso en los datos."),
            "devuelto_por": text_column("Devuelto por"),
            "devuelto_a": text_column("Devuelto a", "Ya había trasladado este caso antes."),
            "transferred_on": st.column_config.DateColumn("Fecha", format="DD/MM/YYYY"),
            "traslados": count_column("Traslados del caso"),
        },
        key="traslados_idas_vueltas",
    )
    if csv_download(
        "Descargar idas y vueltas (CSV)",
        csv_bytes(shown),
        f"traslados_idas_vueltas_{ctx.month}.csv",
        key="traslados_idas_vueltas_csv",
    ):
        audit(
            ctx.url,
            ctx.identity.email,
            "export",
            f"traslados idas y vueltas {ctx.month} filtros={ctx.chosen.link_params()} "
            f"({shown.height} casos)",
        )
ctx.stamp()
