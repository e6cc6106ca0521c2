"""Entidad — one entity: KPIs, 13-month trends, days, aging, breakdowns, SLA, case lists."""

from dataclasses import replace
from typing import Any

import polars as pl
import streamlit as st

from cac311.filters import CaseFilters
from cac311.ui import loaders, survival_loaders, transfers_ui
from cac311.ui.audit import audit
from cac311.ui.charts import entity as entity_charts
from cac311.ui.charts import survival as survival_charts
from cac311.ui.charts import trends as trend_charts
from cac311.ui.early_warning_ui import entity_section as early_warning_section
from cac311.ui.errors import stop_on_error
from cac311.ui.filters import notices, url_choice
from cac311.ui.format import (
    CASE_TYPE_LABELS,
    CHANNEL_LABELS,
    MODE_LABELS,
    PROVINCE_LABELS,
    SECTOR_LABELS,
    csv_bytes,
    definition,
    fmt_date,
    fmt_int,
    fmt_pct,
    label,
    metric_label,
    month_long,
)
from cac311.ui.guard import ENTIDAD, RANKING, page_setup
from cac311.ui.report_views import report_download
from cac311.ui.safe import LONG, SHORT, file_part, md, plain
from cac311.ui.views import entity as views
from cac311.ui.views import survival as survival_views
from cac311.ui.views.labels import relabel
from cac311.ui.views.ranking import change_sentence, position_summary
from cac311.ui.widgets import csv_download, data_table, kpi_row, plot

ctx = page_setup(ENTIDAD, subtitle="Cumplimiento, rezago y casos por atender de una entidad")

LIMIT = ctx.settings.legal_limit_days
MONTH_TEXT = month_long(ctx.month)
MODE_TEXT = MODE_LABELS[ctx.mode]
OWN = ctx.identity.entity_id if ctx.identity.role == "enlace" else None
KM_WINDOW = survival_views.window_text(ctx.period)
BREAKDOWNS: dict[str, tuple[str, dict[str, str]]] = {
    "case_type": ("tipo de caso", CASE_TYPE_LABELS),
    "category": ("categoría", {}),
    "channel": ("canal", CHANNEL_LABELS),
    "province": ("provincia o comarca", PROVINCE_LABELS),
}
CASE_LISTS = (
    (
        "vencidos",
        f"Vencidos (más de {LIMIT} días)",
        "Sin casos vencidos.",
        f"Casos abiertos en la fecha de corte cuya edad supera el plazo legal de {LIMIT} días.",
    ),
    (
        "por_vencer",
        f"Por vencer ({ctx.settings.por_vencer_min_age} a {LIMIT} días)",
        "Sin casos por vencer.",
        definition("por_vencer"),
    ),
)
CASE_COLUMNS: dict[str, Any] = {
    "case_id": st.column_config.TextColumn("Caso", help="Identificador del caso en el 311."),
    "edad_dias": st.column_config.NumberColumn(
        metric_label("edad_dias"), help=definition("edad_dias"), format="%d"
    ),
    "case_type": st.column_config.TextColumn("Tipo", help="Tipo de caso."),
    "category": st.column_config.TextColumn("Categoría", help="Categoría del caso."),
    "created_on": st.column_config.DateColumn(
        "Creado", help="Fecha local de creación del caso.", format="DD/MM/YYYY"
    ),
    "channel": st.column_config.TextColumn("Canal", help="Canal por el que entró el caso."),
    "province": st.column_config.TextColumn("Provincia", help="Provincia o comarca del caso."),
    "sla_days": st.column_config.NumberColumn(
        "SLA (días)", help="SLA de servicio propio del caso, si lo tiene.", format="%d"
    ),
    "estado_sla": st.column_config.TextColumn(
        "Estado SLA",
        help="«dentro» cuando la edad no supera el SLA de servicio; «fuera» si lo supera; «—» "
        "sin SLA. Reloj de servicio, separado del plazo legal.",
    ),
    "entidad_id": None,
}
CASE_ORDER = [column for column, config in CASE_COLUMNS.items() if config is not None]
BREAKDOWN_COLUMNS: dict[str, Any] = {
    **{
        code: st.column_config.NumberColumn(
            metric_label(code),
            help=definition(code),
            format="%.1f" if code in ("indice_cumplimiento", "mediana_dias") else "%d",
        )
        for code in (
            "recibidos",
            "cerrados",
            "cerrados_en_plazo",
            "vencidos_fin_mes",
            "indice_cumplimiento",
            "mediana_dias",
        )
    },
}


def choose_entity() -> str:
    """The page's entity, kept in the URL as `e` (notices about a bad `e` shown here)."""
    cases = ctx.chosen.cases
    options = views.entity_options(ctx.options.entities, cases.sectors, OWN)
    most_overdue = None
    if OWN is None and not cases.entity_ids:
        with stop_on_error("elegir la entidad"):
            table = loaders.monthly_table(ctx.source, ctx.period, cases)
        most_overdue = views.most_overdue_entity(table)
    default = views.default_entity(options, OWN, cases.entity_ids, most_overdue)
    shown = len(notices())
    chosen = url_choice(
        "e",
        options,
        default,
        label_text="Entidad",
        format_func=lambda c: plain(f"{c} · {ctx.options.entity_name(c)}", limit=SHORT),
        help_text="Por defecto: la entidad de su usuario (enlace), la primera del filtro de "
        "entidades, o la entidad con más casos vencidos del mes.",
    )
    for text in notices()[shown:]:
        st.warning(text, icon=":material/link_off:")
    return chosen


def ranking_line(entity_id: str) -> None:
    with stop_on_error("calcular el ranking"):
        ranking = loaders.ranking(ctx.source, ctx.period, ctx.chosen.cases)
    summary = position_summary(ranking, entity_id)
    if summary.posicion is not None:
        text = (
            f"Posición **{summary.posicion} de {summary.clasificadas}** en el ranking de "
            f"{MONTH_TEXT} ({change_sentence(summary.cambio)})."
        )
    elif summary.in_table:
        text = (
            f"No clasifica en el ranking de {MONTH_TEXT}: n = {summary.n} casos evaluados, "
            f"menos de {ctx.settings.ranking_min_n}."
        )
    else:
        text = (
            f"No aparece en el ranking de {MONTH_TEXT} con los filtros aplicados (sin casos "
            "evaluados, o fuera del sector o de las entidades filtradas)."
        )
    st.markdown(text, help=definition("posicion"))
    st.page_link(
        RANKING.path,
        label="Ver el ranking completo",
        icon=RANKING.icon,
        query_params=ctx.chosen.link_params(),
    )


def sla_section(entity_id: str, deltas: pl.DataFrame, filters: CaseFilters) -> None:
    with stop_on_error("calcular el reloj de servicio"):
        sla = views.sla_figures(loaders.sla_clock(ctx.source, ctx.period, filters), entity_id)
    legal_pct = views.kpi_value(deltas, "pct_cerrados_en_plazo")
    closed = int(views.kpi_value(deltas, "cerrados") or 0)
    legal, service = st.columns(2)
    legal.metric(
        f"Plazo legal ({LIMIT} días)",
        fmt_pct(legal_pct),
        help=definition("pct_cerrados_en_plazo"),
        border=True,
    )
    legal.caption(f"{fmt_int(closed)} casos cerrados en el mes.")
    service.metric(
        metric_label("pct_dentro_sla"),
        fmt_pct(sla.pct_dentro_sla),
        help=definition("pct_dentro_sla"),
        border=True,
    )
    service.caption(
        f"{fmt_int(sla.dentro_sla)} de los {fmt_int(sla.cerrados_con_sla)} casos cerrados con "
        "SLA de servicio lo cumplieron."
        if sla.cerrados_con_sla
        else "Ningún caso cerrado en el mes tenía SLA de servicio."
    )
    plot(
        entity_charts.clock_comparison(
            legal_pct, closed, sla.pct_dentro_sla, sla.cerrados_con_sla, LIMIT
        ),
        key="entidad_relojes",
    )
    st.caption(
        "El SLA de servicio es el plazo propio de cada caso (cuando lo tiene) y se muestra aparte: "
        "nunca cambia el cumplimiento del plazo legal."
    )


def survival_section(entity_id: str, filters: CaseFilters) -> None:
    """Kaplan–Meier time to close of the cohort, open cases included (docs/metrics.md §17)."""
    with stop_on_error("estimar el tiempo hasta el cierre"):
        summary = survival_loaders.survival_by_entity(ctx.source, ctx.period, filters)
        curve = survival_loaders.survival_curve(ctx.source, ctx.period, filters)
    figures = survival_views.entity_figures(summary, entity_id)
    median_card, share_card = st.columns(2)
    median_card.metric(
        metric_label("km_mediana_dias"),
        figures.mediana_texto,
        help=definition("km_mediana_dias"),
        border=True,
    )
    share_card.metric(
        f"Cerrados en {LIMIT} días (estimado, incluye abiertos)",
        fmt_pct(figures.pct_en_plazo),
        help=definition("km_pct_cerrados_en_plazo"),
        border=True,
    )
    st.caption(
        f"Cohorte: {fmt_int(figures.casos)} casos recibidos de {KM_WINDOW} "
        f"({fmt_int(figures.cerrados)} cerrados, {fmt_int(figures.abiertos)} abiertos al "
        f"{fmt_date(ctx.datos_al)}), días en {MODE_TEXT}. Estimación de Kaplan–Meier: cada caso "
        "abierto cuenta con su edad a la fecha de corte, así que los casos lentos aún sin cerrar "
        "no desaparecen de la cifra, como sí ocurre con la mediana de los cerrados."
    )
    plot(
        survival_charts.survival_chart(curve, LIMIT, MODE_TEXT, figures.mediana_dias),
        key="entidad_km",
    )


def case_lists(entity_id: str, filters: CaseFilters) -> None:
    as_of = ctx.datos_al
    if not ctx.identity.can_see_cases_of(entity_id):
        st.warning(
            f"Las listas de casos de {md(entity_id)} solo están disponibles para los enlaces de "
            "esa entidad y para la dirección del CAC-311. Aquí se muestran solo cifras agregadas.",
            icon=":material/lock:",
        )
        return
    narrowed = filters.case_types or filters.channels or filters.provinces
    st.caption(
        f"Casos abiertos al {fmt_date(as_of)} (fecha de corte), edad en {MODE_TEXT}. "
        "Más antiguos primero."
        + (" Solo los del tipo de caso, canal y provincia filtrados." if narrowed else "")
    )
    for which, title_md, empty_text, help_text in CASE_LISTS:
        with stop_on_error("leer los casos por atender"):
            listed = loaders.open_case_list(ctx.source, entity_id, as_of, ctx.mode, which)
        cases = views.filter_case_list(
            listed, filters.case_types, filters.channels, filters.provinces
        )
        st.markdown(f"##### {title_md}: {fmt_int(cases.height)}", help=help_text)
        if cases.is_empty():
            st.success(empty_text, icon=":material/check_circle:")
            continue
        shown = relabel(
            cases,
            {
                "case_type": CASE_TYPE_LABELS,
                "channel": CHANNEL_LABELS,
                "province": PROVINCE_LABELS,
            },
        )
        data_table(
            shown,
            column_config=CASE_COLUMNS,
            column_order=CASE_ORDER,
            key=f"lista_{which}",
        )
        if csv_download(
            f"Descargar {which.replace('_', ' ')} (CSV)",
            csv_bytes(cases),
            f"{which}_{file_part(entity_id)}_{as_of:%Y%m%d}_{ctx.mode}.csv",
            key=f"csv_{which}",
        ):
            audit(
                ctx.url,
                ctx.identity.email,
                "export",
                f"{which} {entity_id} al {as_of.isoformat()} {ctx.mode} "
                f"filtros={ctx.chosen.link_params()} ({cases.height} casos)",
            )


entity = choose_entity()
# The chosen entity decides the sector: the sector filter only narrows the entity choice.
entity_filters = replace(ctx.chosen.cases.with_entity(entity), sectors=())
sector = ctx.options.entity_sector(entity)

st.subheader(f"{md(entity)} — {md(ctx.options.entity_name(entity), limit=LONG)}")
st.caption(f"Sector: {md(label(SECTOR_LABELS, sector or None))}")
with stop_on_error(f"calcular las cifras de {entity}"):
    whole_trend, deltas = loaders.trend_and_deltas(ctx.source, ctx.period, entity_filters)
trend = views.trim_before(whole_trend, ctx.facts.months[0] if ctx.facts.months else None)
span = views.activity_span(trend, ctx.month)
ranking_line(entity)
ctx.stamp()
if not span.any_activity:
    st.info(
        f"{md(entity)} no registra casos en los 13 meses que terminan en {MONTH_TEXT} con los "
        "filtros aplicados."
    )
elif not span.month_activity:
    st.info(
        f"{md(entity)} no tiene casos recibidos, cerrados ni abiertos en {MONTH_TEXT} con los "
        "filtros aplicados. Las tendencias muestran los meses anteriores."
    )
kpi_row(deltas)

st.markdown("#### Tendencia de 13 meses")
left, right = st.columns(2)
with left:
    plot(trend_charts.volume_trend(trend), key="entidad_volumen")
    plot(trend_charts.index_trend(trend), key="entidad_indice")
with right:
    plot(trend_charts.backlog_trend(trend), key="entidad_rezago")
    with stop_on_error("calcular la distribución de días"):
        distribution = loaders.days_distribution(ctx.source, ctx.period, entity_filters)
    plot(entity_charts.days_histogram(distribution, LIMIT, MODE_TEXT), key="entidad_dias")
ctx.stamp()

early_warning_section(ctx, entity, entity_filters)
ctx.stamp()

st.markdown("#### Casos abiertos y desglose")
left, right = st.columns(2)
with left:
    with stop_on_error("calcular la antigüedad de los casos abiertos"):
        buckets = loaders.aging_buckets(ctx.source, ctx.datos_al, ctx.mode, entity_filters)
    plot(entity_charts.aging_bars(buckets, LIMIT), key="entidad_antiguedad")
    st.caption(
        f"Antigüedad de los casos abiertos al {fmt_date(ctx.datos_al)} (fecha de corte), "
        f"en {MODE_TEXT}."
    )
with right:
    by = url_choice(
        "desglose",
        list(BREAKDOWNS),
        "case_type",
        label_text="Desglosar por",
        format_func=lambda b: BREAKDOWNS[b][0].capitalize(),
        horizontal_radio=True,
    )
    group_label, group_labels = BREAKDOWNS[by]
    with stop_on_error("calcular el desglose"):
        figures = loaders.breakdown(ctx.source, ctx.period, by, entity_filters)
    plot(entity_charts.breakdown_bars(figures, group_label, group_labels), key="entidad_desglose")
    with st.expander("Ver la tabla del desglose"):
        data_table(
            relabel(figures, {"grupo": group_labels}),
            column_config={
                **BREAKDOWN_COLUMNS,
                "grupo": st.column_config.TextColumn(group_label.capitalize()),
            },
            key="entidad_desglose_tabla",
        )
ctx.stamp()

st.markdown("#### Reloj legal y SLA de servicio")
sla_section(entity, deltas, entity_filters)
ctx.stamp()

st.markdown("#### Tiempo hasta el cierre (incluye abiertos)")
survival_section(entity, entity_filters)
ctx.stamp()

st.markdown("#### Casos por atender")
case_lists(entity, entity_filters)
ctx.stamp()

st.markdown("#### Traslados")
transfers_ui.entity_section(ctx, entity, entity_filters)
ctx.stamp()

if ctx.identity.can_see_cases_of(entity):  # the PDF lists the entity's oldest overdue cases
    st.markdown("#### Informe mensual")
    report_download(ctx, entity, key="entidad_informe_pdf")
