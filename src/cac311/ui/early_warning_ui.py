"""Dashboard pieces of the early-warning flags (docs/metrics.md §16), kept out of the pages so
they stay thin: the list of entities en deterioro (Resumen) and one entity's control chart
(Entidad). The Ranking page marks its rows with `views.early_warning.with_mark`.
"""

from __future__ import annotations

import streamlit as st

from cac311.filters import CaseFilters
from cac311.ui import loaders
from cac311.ui.charts.early_warning import control_chart
from cac311.ui.errors import stop_on_error
from cac311.ui.format import MODE_LABELS, definition, metric_label, month_long
from cac311.ui.guard import PageContext
from cac311.ui.safe import md
from cac311.ui.views import early_warning as views
from cac311.ui.widgets import data_table, plot
from metrics.early_warning import BASELINE_MONTHS, EN_CONTROL, EN_DETERIORO, MIN_N

RULE_MD = (
    f"Cada entidad se compara con **su propio historial**: los {BASELINE_MONTHS} meses cerrados "
    f"anteriores con n ≥ {MIN_N} casos evaluados (n = cerrados + vencidos a fin de mes). Alerta "
    "si el índice del mes cae bajo el límite inferior de 3σ, o si 2 de 3 meses seguidos caen "
    "bajo el de 2σ; se apaga tras 2 meses bajo control. Los límites se ensanchan (Laney p′) "
    "cuando la entidad varía más de lo que explica el azar. Definición completa: "
    "docs/metrics.md, sección 16."
)

_COLUMNS = {
    "entidad_id": st.column_config.TextColumn("Código", help=definition("entidad_id")),
    "entidad": st.column_config.TextColumn("Entidad", width="medium"),
    "indice_cumplimiento": st.column_config.NumberColumn(
        "Índice del mes", format="%.1f %%", help=definition("indice_cumplimiento")
    ),
    "linea_base_pct": st.column_config.NumberColumn(
        metric_label("linea_base_pct"), format="%.1f %%", help=definition("linea_base_pct")
    ),
    "lic_2s_pct": st.column_config.NumberColumn(
        metric_label("lic_2s_pct"), format="%.1f %%", help=definition("lic_2s_pct")
    ),
    "n": st.column_config.NumberColumn("n", format="%d", help=definition("n")),
    "ultima_senal": st.column_config.TextColumn(
        metric_label("ultima_senal"), help=definition("ultima_senal")
    ),
}


def resumen_section(ctx: PageContext) -> None:
    """Resumen: the entities en deterioro in the month, lowest índice first."""
    st.markdown("#### Alertas de deterioro")
    with stop_on_error("calcular las alertas de deterioro"):
        flags = loaders.early_warning(ctx.source, ctx.period, ctx.chosen.cases)
    names = {code: name for code, name, _sector in ctx.options.entities}
    listed = views.flagged_entities(flags, ctx.month, names)
    if not ctx.month.is_complete(ctx.datos_al):
        st.info(
            f"El mes de {month_long(ctx.month)} aún no cierra en la fecha de corte: sus alertas "
            "se evalúan cuando el mes termina.",
            icon=":material/hourglass_top:",
        )
    elif listed.is_empty():
        st.success(
            f"Ninguna entidad muestra deterioro en {month_long(ctx.month)}.",
            icon=":material/check_circle:",
        )
    else:
        entities_md = "entidad" if listed.height == 1 else "entidades"
        mode_md = MODE_LABELS[ctx.mode]
        st.markdown(  # not st.warning: the page's warnings are the URL notices
            f":material/trending_down: :red[**{listed.height:d} {entities_md} en deterioro**] "
            f"en {month_long(ctx.month)} ({mode_md})."
        )
        data_table(listed, column_config=_COLUMNS, key="resumen_alertas")
    st.caption(RULE_MD)


def entity_section(ctx: PageContext, entity_id: str, filters: CaseFilters) -> None:
    """Entidad: the entity's state in the month and its control chart (24 months)."""
    st.markdown("#### Alerta temprana de deterioro")
    with stop_on_error("calcular la alerta de deterioro"):
        flags = loaders.early_warning(ctx.source, ctx.period, filters)
    state = views.entity_state(flags, entity_id, ctx.month)
    frame = views.chart_frame(flags, entity_id, ctx.month)
    who_md = md(entity_id)
    if state == EN_DETERIORO:
        st.markdown(  # not st.warning: the page's warnings are the URL notices
            f":material/trending_down: :red[**{who_md} está en deterioro**] en "
            f"{month_long(ctx.month)}: su índice cayó por debajo de lo que su propio historial "
            "permite esperar por azar."
        )
    elif state == EN_CONTROL:
        st.success(
            f"{who_md} está bajo control en {month_long(ctx.month)}.",
            icon=":material/check_circle:",
        )
    else:
        reason_md = views.unevaluated_reason(frame, ctx.month.is_complete(ctx.datos_al))
        st.info(
            f"{who_md} no se evalúa en {month_long(ctx.month)}: {reason_md}",
            icon=":material/help:",
        )
    plot(control_chart(frame), key="entidad_control")
    st.caption(RULE_MD)
