"""Dashboard pieces of issue 15: the monthly PDF download (Resumen, Entidad) and the publication
calendar with the admin's mark (Publicación). Kept out of the pages so they stay thin.

The PDF is made only when the button is clicked (Streamlit's deferred download: the callable runs
in its own thread, so it gets plain values and the shared read-only engine, never `st`); the click
is written to the audit log like every CSV download. Recording a publication writes through the
sign-in connection (docs/security.md: `cac311_acceso` may insert into `publications`).
"""

from __future__ import annotations

import logging
from datetime import date

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from cac311.auth.session import auth_database_url, auth_engine
from cac311.errors import UserError
from cac311.filters import NO_FILTERS
from cac311.publishing.calendar_view import CalendarView
from cac311.publishing.records import (
    local_today,
    mark_publication,
    record_first_publication,
)
from cac311.report.build import report_pdf
from cac311.report.model import report_file_name
from cac311.ui import loaders
from cac311.ui.audit import audit
from cac311.ui.errors import stop_on_error
from cac311.ui.format import fmt_date, fmt_int, fmt_pct, month_long
from cac311.ui.guard import PageContext
from cac311.ui.safe import md
from metrics.period import Month

log = logging.getLogger(__name__)
MARKED_KEY = "publicacion_marca_hecha"


def report_download(ctx: PageContext, entity_id: str | None, key: str) -> None:
    """A "Descargar informe mensual (PDF)" button for the national (None) or an entity's report
    of the page's month and day-count mode."""
    period, partial = ctx.period, ctx.partial
    month, mode = period.month, period.mode
    with stop_on_error("preparar el informe en PDF"):
        table = loaders.monthly_table(ctx.source, period, NO_FILTERS)
    if entity_id is not None and entity_id not in table["entidad_id"].to_list():
        st.caption(
            f"Sin informe en PDF de {md(entity_id)} para {month_long(month)}: la entidad no figura "
            "en la publicación del mes (inactiva y sin casos contados)."
        )
        return
    engine = loaders.read_engine(ctx.url)
    settings = ctx.settings
    name = report_file_name(month, partial, entity_id or "nacional")

    def pdf() -> bytes:
        return report_pdf(
            engine, settings, period=period, entity_id=entity_id, allow_partial=partial
        )[1]

    def audited() -> None:
        audit(ctx.url, ctx.identity.email, "export", f"informe PDF {name} dias={mode}")

    st.download_button(
        "Descargar informe mensual (PDF)",
        data=pdf,
        file_name=name,
        mime="application/pdf",
        key=key,
        icon=":material/picture_as_pdf:",
        on_click=audited,
    )
    st.caption(
        "Una página con las cifras de la publicación de datos abiertos del mes, sus cambios, la "
        "tendencia de 13 meses, los vencidos, el directorio y los comunicados"
        + (" (mes parcial: cifras no definitivas)." if partial else ".")
        + " Se genera al descargarlo (unos segundos)."
    )


def record_page_publication(url: str, email: str | None, month: Month, timezone: str) -> None:
    """The first final bundle downloaded from the page is the month's publication."""
    try:
        recorded = record_first_publication(
            auth_engine(auth_database_url(url)), month, local_today(timezone), "pagina", email
        )
    except SQLAlchemyError:
        log.exception("publication: could not record %s", month)
        st.warning("No se pudo registrar la fecha de publicación del mes.")
        return
    if recorded:
        audit(url, email, "publish", f"publicación {month} registrada (descarga del paquete)")
        loaders.publication_calendar.clear()


def publication_calendar_section(ctx: PageContext) -> None:
    """12 months: due date, publication date, status, and the on-time share; admin mark."""
    today = local_today(ctx.settings.timezone)
    with stop_on_error("leer el calendario de publicación"):
        view = loaders.publication_calendar(ctx.source, today)
    st.subheader("Calendario de publicación")
    marked = st.session_state.pop(MARKED_KEY, None)
    if marked:
        st.success(marked, icon=":material/event_available:")
    st.caption(
        f"Cada mes se publica a más tardar el {fmt_int(view.working_days)}.º día hábil después de "
        "su último día (feriados de Panamá y días libres decretados excluidos). La fecha de "
        "publicación se registra la primera vez que se descarga aquí, o se exporta con "
        "`cac311 export publication`, el paquete final del mes."
    )
    if view.frame.is_empty():
        st.info("Aún no termina ningún mes con datos.")
        return
    share, count = st.columns([1, 3])
    share.metric(
        "Publicados a tiempo",
        fmt_pct(view.pct_a_tiempo),
        help="Meses publicados hasta su fecha límite / meses ya publicados o vencidos (los "
        "pendientes no cuentan).",
        border=True,
    )
    late = view.frame.filter(view.frame["estado_publicacion"].is_in(["tarde", "vencida"])).height
    count.caption(
        f"{fmt_int(view.frame.height)} meses mostrados; {fmt_int(late)} tarde o vencidos."
    )
    st.table(
        {
            "Mes": [month_long(Month.parse(p)) for p in view.frame["periodo"].to_list()],
            "Fecha límite": [fmt_date(d) for d in view.frame["fecha_limite"].to_list()],
            "Publicado el": [fmt_date(d) for d in view.frame["publicado_el"].to_list()],
            "Estado": view.frame["estado_texto"].to_list(),
        }
    )
    if ctx.identity.role == "admin":
        _mark_form(ctx, view, today)


def _mark_form(ctx: PageContext, view: CalendarView, today: date) -> None:
    months = [Month.parse(p) for p in view.frame["periodo"].to_list()]
    with st.expander("Marcar la fecha de publicación de un mes (administrador)"):
        with st.form("publicacion_marca", clear_on_submit=True):
            month = st.selectbox("Mes", months, format_func=month_long, key="marca_mes")
            published_on = st.date_input(
                "Publicado el", value=today, max_value=today, format="DD/MM/YYYY", key="marca_fecha"
            )
            reason = st.text_area(
                "Motivo",
                placeholder="Por ejemplo: publicado en el portal de datos abiertos fuera del "
                "tablero; retraso por la migración del sistema.",
                key="marca_motivo",
            )
            submitted = st.form_submit_button("Marcar", icon=":material/event_available:")
        if submitted:
            try:
                previous = mark_publication(
                    auth_engine(auth_database_url(ctx.url)),
                    month,
                    published_on,  # type: ignore[arg-type]
                    reason,
                    ctx.identity.email,
                    today=today,
                )
            except UserError as exc:
                st.error(str(exc))
                return
            before = f" (antes {fmt_date(previous.published_on)})" if previous else ""
            audit(
                ctx.url,
                ctx.identity.email,
                "publish",
                f"publicación {month} marcada el {published_on}{before}: "
                + " ".join(reason.split()),
            )
            loaders.publication_calendar.clear()
            shown = fmt_date(published_on)  # type: ignore[arg-type]
            st.session_state[MARKED_KEY] = f"Publicación de {month_long(month)} marcada el {shown}."
            st.rerun()  # redraw the calendar with the mark
