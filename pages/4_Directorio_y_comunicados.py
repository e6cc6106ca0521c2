"""Directorio y comunicados — directory freshness per entity and item on datos_al, entities with
a stale directory and many overdue cases, and press-release anticipation in the month."""

import streamlit as st

from cac311.filters import NO_FILTERS
from cac311.ui import loaders, obligations_ui
from cac311.ui.charts import directory as directory_charts
from cac311.ui.columns import count_column, metric_column, text_column
from cac311.ui.errors import stop_on_error
from cac311.ui.filters import notices, url_multi
from cac311.ui.format import (
    FRESHNESS_LABELS,
    ITEM_LABELS,
    SECTOR_LABELS,
    definition,
    fmt_date,
    fmt_dec,
    fmt_int,
    fmt_metric,
    label,
    metric_label,
    month_long,
)
from cac311.ui.guard import DIRECTORIO, page_setup
from cac311.ui.safe import md
from cac311.ui.views.directory import (
    entity_state,
    entity_table,
    filter_entities,
    filter_states,
    freshness_counts,
    media_first,
    release_rows,
    release_total,
    stale_threshold,
)
from cac311.ui.views.labels import relabel
from cac311.ui.widgets import data_table, plot
from metrics.freshness import ITEMS, STATUSES

ctx = page_setup(
    DIRECTORIO,
    subtitle="Actualización del directorio de servicios y anticipación de los comunicados",
)
cases = ctx.chosen.cases
al_dia, por_vencer = ctx.settings.freshness_al_dia_days, ctx.settings.freshness_por_vencer_days
cutoff_md = fmt_date(ctx.datos_al)
if cases.case_types or cases.channels or cases.provinces:
    st.caption(
        "En esta página solo aplican los filtros de sector y entidad: el directorio y los "
        "comunicados no tienen tipo de caso, canal ni provincia."
    )

# --- directory freshness ---------------------------------------------------------------------
st.subheader("Actualización del directorio, SLA y base de conocimiento")
ctx.stamp()
st.caption(
    f"Estado a la fecha de corte ({cutoff_md}), sea cual sea el mes elegido. Por ítem: al día "
    f"si la última revisión tiene {al_dia:d} días o menos, por vencer de {al_dia + 1:d} a "
    f"{por_vencer:d}, vencido con más de {por_vencer:d}, sin registro si nunca se revisó. El "
    "estado de la entidad es el de su peor ítem."
)
with stop_on_error("calcular la actualización del directorio"):
    all_entities = loaders.entity_freshness(ctx.source, ctx.datos_al)
    all_items = loaders.directory_freshness(ctx.source, ctx.datos_al)
entities = filter_entities(all_entities, cases.entity_ids, cases.sectors)
items = filter_entities(all_items, cases.entity_ids, cases.sectors)
STATE_HELP = {
    "al_dia": f"Entidades cuyos tres ítems se revisaron hace {al_dia} días o menos.",
    "por_vencer": f"Entidades cuyo peor ítem tiene entre {al_dia + 1} y {por_vencer} días "
    "desde su última revisión.",
    "vencido": f"Entidades cuyo peor ítem tiene más de {por_vencer} días desde su última "
    "revisión (y todos tienen alguna).",
    "sin_registro": "Entidades con al menos un ítem (directorio, SLA o base de conocimiento) "
    "que nunca se revisó.",
}
counts = freshness_counts(entities)
for column, state in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    column.metric(
        f"Entidades: {FRESHNESS_LABELS[state].lower()}",
        fmt_int(counts[state]),
        help=STATE_HELP[state],
        border=True,
    )
st.caption(f"{fmt_int(entities.height)} entidades activas con los filtros de la barra lateral.")
own_id = ctx.identity.entity_id
own_state = entity_state(all_entities, own_id) if own_id else None
if own_state is not None:
    st.info(
        f"Su entidad ({md(own_id)}): estado general «{md(label(FRESHNESS_LABELS, own_state))}».",
        icon=":material/account_balance:",
    )

seen = len(notices())
states = url_multi(
    "estado",
    STATUSES,
    label_text="Estado general",
    format_func=lambda s: label(FRESHNESS_LABELS, s),
)
for text in notices()[seen:]:
    st.warning(text, icon=":material/link_off:")
table = filter_states(entity_table(items, entities), states)
STATE_COLUMNS = ("estado_general", *(f"estado_{item}" for item in ITEMS))
shown = relabel(
    table,
    {**dict.fromkeys(STATE_COLUMNS, FRESHNESS_LABELS), "sector": SECTOR_LABELS},
    missing=None,
)
age_columns = {
    f"edad_{item}": count_column(
        f"Edad {ITEM_LABELS[item].lower()} (días)",
        f"Días calendario desde la última revisión de «{ITEM_LABELS[item]}» hasta la fecha de "
        "corte; «—» si nunca se revisó.",
    )
    for item in ITEMS
}
state_columns = {
    f"estado_{item}": text_column(f"Estado {ITEM_LABELS[item].lower()}", definition("estado"))
    for item in ITEMS
}
data_table(
    shown,
    column_config={
        "entidad_id": text_column("Código", definition("entidad_id")),
        "entidad": text_column("Entidad"),
        "sector": text_column("Sector", definition("sector")),
        "estado_general": metric_column("estado_general"),
        **age_columns,
        **state_columns,
    },
    key="directorio_tabla",
)
st.caption("Ordenada de peor a mejor estado y de la revisión más antigua a la más reciente.")
with st.expander("Mapa de estados por entidad e ítem", icon=":material/grid_view:"):
    if items.is_empty():
        st.info("No hay entidades activas con estos filtros.")
    else:
        plot(
            directory_charts.freshness_heatmap(
                relabel(items, {"item": ITEM_LABELS}, missing=None), FRESHNESS_LABELS
            ),
            key="directorio_mapa",
        )

# --- stale directory and many overdue cases --------------------------------------------------
st.subheader("Directorio vencido y muchos casos vencidos")
ctx.stamp()
with stop_on_error("calcular las entidades con directorio vencido"):
    stale_all = loaders.stale_and_breaching(ctx.source, ctx.period, ctx.datos_al)
    per_entity = loaders.breakdown(ctx.source, ctx.period, "entity_id", NO_FILTERS)
stale = filter_entities(stale_all, cases.entity_ids, cases.sectors, entity_sectors=all_entities)
threshold = stale_threshold(all_entities, per_entity)
threshold_md = fmt_int(threshold) if threshold.is_integer() else fmt_dec(threshold)
st.caption(
    f"Entidades activas con el directorio vencido o sin registro el {cutoff_md} **y** con al menos "
    f"{threshold_md} casos vencidos al cierre de {month_long(ctx.month)}. El umbral es el "
    f"percentil 75 de los casos vencidos a fin de mes entre las {fmt_int(all_entities.height)} "
    "entidades activas (mínimo 1), sin los filtros de la barra lateral: un directorio "
    "desactualizado en una entidad con mucho rezago es donde más se pierde la ciudadanía."
)
if stale.is_empty():
    st.success("Ninguna entidad cumple ambas condiciones.", icon=":material/check_circle:")
else:
    data_table(
        relabel(stale, {"estado_directorio": FRESHNESS_LABELS}, missing=None),
        column_config={
            "entidad_id": text_column("Código", definition("entidad_id")),
            "entidad": text_column("Entidad"),
            "estado_directorio": text_column("Estado del directorio", definition("estado")),
            "vencidos_fin_mes": metric_column("vencidos_fin_mes"),
            "indice_cumplimiento": metric_column("indice_cumplimiento"),
        },
        key="directorio_vencido_y_rezago",
    )

# --- press releases --------------------------------------------------------------------------
st.subheader("Comunicados de prensa")
ctx.stamp()
with stop_on_error("calcular la anticipación de los comunicados"):
    summary = loaders.press_releases(ctx.source, ctx.month, cases)
national = release_total(summary)
scope_md = "nacional" if not (cases.entity_ids or cases.sectors) else "con los filtros"
for column, code in zip(
    st.columns(3),
    ("comunicados", "pct_con_anticipacion", "mediana_anticipacion_horas"),
    strict=True,
):
    value = national[code]
    column.metric(
        f"{metric_label(code)} ({scope_md})",
        fmt_metric(code, value)
        + (" h" if code == "mediana_anticipacion_horas" and value is not None else ""),
        help=definition(code),
        border=True,
    )
rows = release_rows(summary)
late = media_first(rows)
if rows.is_empty():
    st.info(f"No se recibieron comunicados en {month_long(ctx.month)}.")
elif late.is_empty():
    st.success(
        "Todos los comunicados del mes llegaron al 311 antes que a los medios.",
        icon=":material/check_circle:",
    )
else:
    listed_md = ", ".join(
        f"{md(r['entidad_id'])} ({r['sin_anticipacion']} de {r['comunicados']})"
        for r in late.iter_rows(named=True)
    )
    st.warning(
        f"{late.height} entidades tuvieron comunicados sin anticipación (llegaron a los medios "
        f"antes o al mismo tiempo que al 311, o sin fecha de publicación): {listed_md}.",
        icon=":material/campaign:",
    )
plot(directory_charts.release_anticipation(rows), key="comunicados_grafico")
if not rows.is_empty():
    data_table(
        rows,
        column_config={
            "entidad_id": text_column("Código", definition("entidad_id")),
            "entidad": text_column("Entidad"),
            "comunicados": count_column(metric_label("comunicados"), definition("comunicados")),
            "con_anticipacion": count_column(
                metric_label("con_anticipacion"), definition("con_anticipacion")
            ),
            "sin_anticipacion": count_column(
                "Sin anticipación",
                "Comunicados − con anticipación: los medios los tuvieron antes o al mismo tiempo "
                "que el 311, o no se conoce su fecha de publicación.",
            ),
            "pct_con_anticipacion": metric_column("pct_con_anticipacion"),
            "mediana_anticipacion_horas": metric_column("mediana_anticipacion_horas"),
        },
        key="comunicados_tabla",
    )

# --- the enlaces' submissions in the dashboard (issue 14) ------------------------------------
obligations_ui.directorio_section(ctx)
