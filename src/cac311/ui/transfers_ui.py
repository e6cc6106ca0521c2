"""The transfer sections other pages embed (docs/metrics.md §15): an entity's transfers in and
out and its inherited breaches (Entidad), and the chains that do not connect (Calidad de datos).
One call each, so the host pages stay thin."""

from __future__ import annotations

import streamlit as st

from cac311.analytics.transfers import list_total
from cac311.filters import CaseFilters
from cac311.ui import transfer_loaders
from cac311.ui.audit import audit
from cac311.ui.columns import count_column, text_column
from cac311.ui.errors import stop_on_error
from cac311.ui.format import csv_bytes, definition, fmt_int, fmt_metric, metric_label, month_long
from cac311.ui.guard import TRASLADOS, PageContext
from cac311.ui.views import transfers as views
from cac311.ui.widgets import csv_download, data_table

ENTITY_CODES = (
    "traslados_salida",
    "traslados_entrada",
    "casos_recibidos_traslado",
    "mediana_dias_en_poder",
    "vencidos_recibidos_traslado",
    "vencidos_heredados",
)


def entity_section(ctx: PageContext, entity_id: str, filters: CaseFilters) -> None:
    """Entidad: the entity's transfers of the month, by counterpart, and its breaches after a
    transfer in, the inherited ones apart."""
    with stop_on_error("calcular los traslados"):
        figures = transfer_loaders.entity_figures(ctx.source, ctx.period, filters)
        flows = transfer_loaders.flows(ctx.source, ctx.period, filters)
    row = views.entity_row(figures, entity_id)
    for start in range(0, len(ENTITY_CODES), 3):
        for column, code in zip(st.columns(3), ENTITY_CODES[start : start + 3], strict=True):
            value = row[code]
            column.metric(
                metric_label(code),
                fmt_metric(code, value if isinstance(value, int | float) else None),
                help=definition(code),
                border=True,
            )
    k = ctx.settings.transfer_min_days_left
    st.caption(
        f"Vencidos heredados: casos que vencieron en {month_long(ctx.month)} en poder de esta "
        f"entidad, que los recibió por traslado con menos de {fmt_int(k)} días restantes. Se "
        "muestran aparte: el plazo legal sigue contando desde la creación y las demás cifras no "
        "cambian."
    )
    counterparts = views.entity_counterparts(flows, entity_id)
    if not counterparts.is_empty():
        with st.expander("Traslados del mes por entidad de origen o destino"):
            data_table(
                counterparts,
                column_config={
                    "entidad_id": text_column("Entidad", "La otra entidad del traslado."),
                    "enviados": count_column("Enviados", "Traslados de esta entidad a la otra."),
                    "recibidos": count_column("Recibidos", "Traslados de la otra a esta entidad."),
                },
                key="entidad_traslados",
            )
    st.page_link(
        TRASLADOS.path,
        label="Ver todos los traslados",
        icon=TRASLADOS.icon,
        query_params=ctx.chosen.link_params(),
    )


def broken_chain_section(ctx: PageContext) -> None:
    """Calidad de datos: cases whose chain of transfers does not connect (all months)."""
    with stop_on_error("revisar las cadenas de traslados"):
        broken = transfer_loaders.broken_chains(ctx.source)
    total = list_total(broken)
    if broken.is_empty():
        st.success("Todas las cadenas de traslados conectan.")
        return
    st.warning(
        f"{fmt_int(total)} casos tienen traslados que no conectan"
        + (
            f"; se muestran los primeros {fmt_int(broken.height)}."
            if broken.height < total
            else "."
        ),
        icon=":material/link_off:",
    )
    shown = broken.drop("total")
    data_table(
        shown,
        column_config={
            "case_id": text_column("Caso"),
            "entity_id": text_column("Entidad del caso"),
            "ultimo_destino": text_column("Último destino"),
            "traslados": count_column("Traslados"),
            "origenes_desconectados": count_column(
                "Orígenes desconectados",
                "Traslados cuyo origen no es el destino del traslado anterior.",
            ),
            "destino_final_distinto": count_column(
                "Último destino ≠ entidad",
                "1 si el destino del último traslado no es la entidad del caso.",
            ),
            "ultimo_traslado": st.column_config.DateColumn("Último traslado", format="DD/MM/YYYY"),
        },
        key="calidad_cadenas_rotas",
    )
    if csv_download(
        "Descargar cadenas rotas (CSV)",
        csv_bytes(shown),
        "traslados_cadenas_rotas.csv",
        key="calidad_cadenas_rotas_csv",
    ):
        audit(
            ctx.url, ctx.identity.email, "export", f"traslados cadenas rotas ({shown.height} casos)"
        )
