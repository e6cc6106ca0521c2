"""Ranking — entities ranked by Wilson score, change of position, funnel plot, sector peers."""

from typing import Any

import polars as pl
import streamlit as st

from cac311.ui import loaders, survival_loaders, transfer_loaders
from cac311.ui.audit import audit
from cac311.ui.charts import ranking as ranking_charts
from cac311.ui.errors import stop_on_error
from cac311.ui.format import (
    SECTOR_LABELS,
    csv_bytes,
    definition,
    fmt_dec,
    fmt_pct,
    label,
    metric_label,
    month_long,
)
from cac311.ui.guard import ENTIDAD, RANKING, page_setup
from cac311.ui.safe import LONG, SHORT, md, plain
from cac311.ui.views import early_warning as warning_views
from cac311.ui.views import ranking as views
from cac311.ui.views import survival as survival_views
from cac311.ui.views import transfers as transfer_views
from cac311.ui.views.labels import relabel
from cac311.ui.widgets import csv_download, data_table, plot

ctx = page_setup(
    RANKING,
    subtitle="Entidades ordenadas por cumplimiento del plazo legal, con justicia para las pequeñas",
)

MIN_N = ctx.settings.ranking_min_n
MONTH_TEXT = month_long(ctx.month)
OWN = ctx.identity.entity_id if ctx.identity.role == "enlace" else None
KM_WINDOW = survival_views.window_text(ctx.period)
CHANGE_HELP = (
    definition("cambio_posicion")
    + " ▲n: subió n lugares; ▼n: bajó n lugares; =: igual; «nuevo»: no clasificó el mes anterior."
)


def number(code: str, short_label: str, number_format: str) -> Any:
    """A metric column: short header (the table is wide), full label and definition on hover."""
    return st.column_config.NumberColumn(
        short_label,
        help=f"**{metric_label(code)}.** {definition(code)}",
        format=number_format,
    )


def columns_config(with_position: bool) -> dict[str, Any]:
    """Column labels and their definitions on hover (shared by every ranking table)."""
    config: dict[str, Any] = {
        "su_entidad": st.column_config.TextColumn(
            "Su entidad", help="★ marca la fila de la entidad de su usuario.", width="small"
        )
        if OWN
        else None,
        "entidad_id": st.column_config.TextColumn("Código", help=definition("entidad_id")),
        "entidad": st.column_config.TextColumn(
            "Entidad", help=definition("entidad"), width="medium"
        ),
        "sector": st.column_config.TextColumn("Sector", help=definition("sector")),
        "indice_cumplimiento": number("indice_cumplimiento", "Índice", "%.1f %%"),
        "score": number("score", "Puntaje", "%.3f"),
        "n": number("n", "n", "%d"),
        "vencidos_fin_mes": number("vencidos_fin_mes", "Vencidos", "%d"),
        "mediana_dias": number("mediana_dias", "Mediana (días)", "%.1f"),
        "p90_dias": number("p90_dias", "P90 (días)", "%.1f"),
        "km_mediana": st.column_config.TextColumn(
            "Mediana estimada (incl. abiertos)",
            help=f"**{metric_label('km_mediana_dias')}.** {definition('km_mediana_dias')} "
            f"Cohorte: casos recibidos de {KM_WINDOW}.",
        ),
        "km_pct_cerrados_en_plazo": number(
            "km_pct_cerrados_en_plazo", "% en plazo estimado (incl. abiertos)", "%.1f %%"
        ),
        "alerta": st.column_config.TextColumn("Alerta", help=warning_views.MARK_HELP),
    }
    if with_position:
        config["posicion"] = st.column_config.NumberColumn(
            metric_label("posicion"), help=definition("posicion"), format="%d"
        )
        config["cambio"] = st.column_config.TextColumn("Cambio", help=CHANGE_HELP, width="small")
    return config


def own_summary(entity_id: str) -> None:
    """The enlace's position on top of the page."""
    summary = views.position_summary(ranking, entity_id)
    name = ctx.options.entity_name(entity_id)
    who_md = f"Su entidad, **{md(entity_id)} — {md(name, limit=LONG)}**,"
    if summary.posicion is not None:
        st.info(
            f"{who_md} ocupa la posición **{summary.posicion:d} de "
            f"{summary.clasificadas:d}** en {MONTH_TEXT} "
            f"({views.change_sentence(summary.cambio)}). "
            f"Índice {fmt_pct(summary.indice_cumplimiento)}, puntaje {fmt_dec(summary.score, 3)}, "
            f"n = {summary.n:d}.",
            icon=":material/star:",
        )
    elif summary.in_table:
        st.info(
            f"{who_md} no clasifica en {MONTH_TEXT}: tiene n = {summary.n:d} "
            f"casos evaluados, menos de los {MIN_N} necesarios. Aparece en «No clasificadas».",
            icon=":material/star:",
        )
    else:
        st.info(
            f"{who_md} no tiene casos evaluados (cerrados o vencidos) en "
            f"{MONTH_TEXT} con los filtros aplicados.",
            icon=":material/star:",
        )


def table(frame: pl.DataFrame, key: str, with_position: bool = True) -> None:
    data_table(
        frame,
        column_config=columns_config(with_position),
        key=key,
    )


with stop_on_error("calcular el ranking"):
    ranking = loaders.ranking(ctx.source, ctx.period, ctx.chosen.cases)
with stop_on_error("estimar el tiempo hasta el cierre"):
    survival = survival_loaders.survival_by_entity(ctx.source, ctx.period, ctx.chosen.cases)
with stop_on_error("calcular las alertas de deterioro"):
    flags = warning_views.month_states(
        loaders.early_warning(ctx.source, ctx.period, ctx.chosen.cases), ctx.month
    )

ctx.stamp()
if OWN:
    own_summary(OWN)
if ranking.is_empty():
    st.info(f"Ninguna entidad tiene casos evaluados en {MONTH_TEXT} con los filtros aplicados.")
    st.stop()

ranked = warning_views.with_mark(
    relabel(
        survival_views.with_ranking_columns(views.ranked_view(ranking, OWN), survival),
        {"sector": SECTOR_LABELS},
    ),
    flags,
)
unranked = warning_views.with_mark(
    relabel(
        survival_views.with_ranking_columns(views.unranked_view(ranking, OWN), survival),
        {"sector": SECTOR_LABELS},
    ),
    flags,
)
tab_ranking, tab_sector, tab_funnel = st.tabs(
    ["Ranking nacional", "Por sector", "Gráfico de embudo"]
)

with tab_ranking:
    st.markdown(f"#### Ranking de {MONTH_TEXT}")
    st.caption(
        f"{ranked.height} entidades clasifican (n ≥ {MIN_N} casos evaluados). Orden por puntaje "
        "de Wilson; empates al mayor n y luego al código. Las dos últimas columnas estiman el "
        f"tiempo hasta el cierre de los casos recibidos de {KM_WINDOW} contando también los "
        "abiertos (Kaplan–Meier); no cambian el orden."
    )
    if ranked.is_empty():
        st.info(f"Ninguna entidad alcanza n ≥ {MIN_N} en {MONTH_TEXT} con los filtros aplicados.")
    else:
        table(ranked, key="ranking_tabla")
    with st.expander("¿Por qué el puntaje de Wilson y no el índice a secas?"):
        st.markdown(
            f"""
Una entidad con 3 casos, todos en plazo, tiene un índice de 100 %, pero con tan pocos casos
ese resultado puede deberse al azar. El **puntaje de Wilson** es el límite inferior del intervalo
de confianza al 95 % de la proporción *cerrados en plazo / n* (n = cerrados + vencidos a fin de
mes): el cumplimiento que la entidad supera con razonable seguridad.

- Con muchos casos el puntaje se acerca al índice; con pocos, queda por debajo. Así, 90 % sostenido
  por cientos de casos queda delante de 100 % en cinco casos.
- Solo clasifican las entidades con **n ≥ {MIN_N}**; las demás se listan aparte, nunca se ocultan.
- Los casos vencidos aún abiertos cuentan como incumplidos: nadie mejora dejando casos sin cerrar.
- El gráfico de embudo muestra qué diferencias con la tasa nacional son mayores que el azar.
"""
        )
    st.markdown(f"#### No clasificadas (n < {MIN_N})")
    if unranked.is_empty():
        st.caption(f"Todas las entidades con casos evaluados alcanzan n ≥ {MIN_N}.")
    else:
        st.caption(
            f"{unranked.height} entidades con casos evaluados pero menos de {MIN_N}: sus cifras "
            "se muestran sin posición porque con tan pocos casos el orden no sería justo."
        )
        table(unranked, key="ranking_no_clasificadas", with_position=False)
    with stop_on_error("calcular los traslados"):
        transfer_figures = transfer_loaders.entity_figures(ctx.source, ctx.period, ctx.chosen.cases)
    export = views.ranking_export(
        ranking,
        ctx.period,
        survival,
        early_warning=flags,
        transfers=transfer_views.ranking_columns(transfer_figures),
    )
    if csv_download(
        "Descargar ranking (CSV)",
        csv_bytes(export),
        f"ranking_{ctx.month}_{ctx.mode}.csv",
        key="ranking_csv",
    ):
        audit(
            ctx.url,
            ctx.identity.email,
            "export",
            f"ranking {ctx.month} {ctx.mode} filtros={ctx.chosen.link_params()} "
            f"({export.height} filas)",
        )
    ctx.stamp()

with tab_sector:
    sectors = views.sectors_present(ranking)
    if not sectors:
        st.info(f"Ninguna entidad clasifica en {MONTH_TEXT} con los filtros aplicados.")
    else:
        own_sector = next(
            (s for code, _name, s in ctx.options.entities if code == OWN and s in sectors), None
        )
        sector = st.selectbox(
            "Sector",
            sectors,
            index=sectors.index(own_sector) if own_sector else 0,
            format_func=lambda s: plain(label(SECTOR_LABELS, s)),
            key="ranking_sector",
        )
        st.caption(
            "Pares del mismo sector en el orden del ranking nacional. La posición mostrada es la "
            "nacional: no se recalcula dentro del sector."
        )
        peers = relabel(
            survival_views.with_ranking_columns(views.sector_peers(ranking, sector, OWN), survival),
            {"sector": SECTOR_LABELS},
        )
        peers = warning_views.with_mark(peers, flags)
        table(peers, key="ranking_sector_tabla")
    ctx.stamp()

with tab_funnel:
    rate = views.national_rate(ranking)
    if rate is None:
        st.info("Sin casos evaluados para el gráfico de embudo.")
    else:
        limits = loaders.funnel_limits(rate, views.funnel_n_max(ranking, MIN_N))
        plot(ranking_charts.funnel_plot(ranking, limits, rate, highlight=OWN), key="ranking_embudo")
        st.caption(
            "Cada punto es una entidad (todas las que tienen casos evaluados, clasifiquen o no). "
            "Las líneas punteadas son los límites al 95 % alrededor de la tasa de referencia "
            f"({fmt_pct(rate)}: cerrados en plazo / n de todas las entidades mostradas). Verde: "
            "por encima del límite superior; rojo: por debajo del inferior; azul: dentro del "
            "embudo, es decir, no se distingue de la tasa de referencia por azar."
        )
    ctx.stamp()

st.markdown("#### Ficha de una entidad")
codes = ranking["entidad_id"].to_list()
chosen = st.selectbox(
    "Entidad",
    codes,
    index=codes.index(OWN) if OWN in codes else 0,
    format_func=lambda c: plain(f"{c} · {ctx.options.entity_name(c)}", limit=SHORT),
    key="ranking_ficha",
)
st.page_link(
    ENTIDAD.path,
    label=f"Abrir la ficha de {md(chosen)}",
    icon=ENTIDAD.icon,
    query_params={**ctx.chosen.link_params(), "e": chosen},
)
