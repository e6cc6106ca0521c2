"""Calidad de datos (admin) — data dates, import batches, quarantine by reason, import
warnings, same-minute closures per entity and the audit log."""

import streamlit as st

from cac311.auth.audit import AUDIT_ACTIONS
from cac311.ingest.reasons import REASONS
from cac311.ui import loaders, transfers_ui
from cac311.ui.audit import AUDIT_ACTION_LABELS, audit, audit_entries
from cac311.ui.charts import quality as quality_charts
from cac311.ui.columns import (
    BATCH_KIND_LABELS,
    count_column,
    metric_column,
    metric_columns,
    quarantine_row_columns,
    reasons_table,
    text_column,
    time_column,
)
from cac311.ui.errors import stop_on_error
from cac311.ui.format import csv_bytes, definition, fmt_date, fmt_int, month_long
from cac311.ui.guard import CALIDAD, page_setup
from cac311.ui.import_warnings import batch_warnings
from cac311.ui.safe import SHORT, plain
from cac311.ui.views.labels import relabel
from cac311.ui.views.quality import (
    entities_with_same_minute,
    filter_values,
    quarantine_export,
    reason_table,
    utc_to_local,
    value_counts,
)
from cac311.ui.widgets import data_table, plot

ctx = page_setup(
    CALIDAD,
    subtitle="Importaciones, filas en cuarentena, avisos, cierres instantáneos y auditoría",
)
TZ = ctx.settings.timezone
AUDIT_LIMIT = 500

# --- data dates ------------------------------------------------------------------------------
st.subheader("Fechas de los datos")
span = ctx.facts.dates
cards = st.columns(4)
cards[0].metric("Datos al", fmt_date(ctx.facts.datos_al), help=definition("datos_al"), border=True)
cards[1].metric(
    "Primer caso creado",
    fmt_date(span.first_created_on),
    help="Fecha local de creación más antigua de la base de datos.",
    border=True,
)
cards[2].metric(
    "Último caso creado",
    fmt_date(span.last_created_on),
    help="Fecha local de creación más reciente.",
    border=True,
)
cards[3].metric(
    "Último cierre",
    fmt_date(span.last_closed_on),
    help="Fecha local de cierre más reciente.",
    border=True,
)
ctx.stamp()

# --- import batches --------------------------------------------------------------------------
st.subheader("Importaciones")
with stop_on_error("leer las importaciones"):
    batches = loaders.import_batches(ctx.source)
if batches.is_empty():
    st.info("Todavía no se ha importado ningún archivo.")
else:
    data_table(
        relabel(
            utc_to_local(batches, ["started_at", "finished_at"], TZ),
            {"kind": BATCH_KIND_LABELS},
            missing=None,
        ),
        column_config={
            "batch_id": st.column_config.NumberColumn("Lote", format="%d"),
            "kind": text_column("Tipo"),
            "source_name": text_column("Archivo"),
            "source_sha256": text_column("SHA-256", "Huella del archivo importado."),
            "started_at": time_column("Inicio", "Hora de Panamá."),
            "finished_at": time_column("Fin", "Hora de Panamá; «—» si no terminó."),
            "imported_by": text_column("Importado por"),
            "rows_read": count_column("Filas leídas"),
            "inserted": count_column("Insertados"),
            "updated": count_column("Actualizados"),
            "unchanged": count_column("Sin cambios"),
            "quarantined": count_column("En cuarentena"),
            "warnings": count_column(
                "Avisos", "Valores descriptivos guardados sin dato o recortados (casos aceptados)."
            ),
            "is_demo": st.column_config.CheckboxColumn(
                "Demostración", help="Lote de datos ficticios (cac311 demo)."
            ),
        },
        column_order=[
            "batch_id",
            "kind",
            "source_name",
            "started_at",
            "rows_read",
            "inserted",
            "updated",
            "unchanged",
            "quarantined",
            "warnings",
            "imported_by",
            "finished_at",
            "is_demo",
            "source_sha256",
        ],
        key="calidad_lotes",
    )
    st.caption(
        "1 lote."
        if batches.height == 1
        else f"{fmt_int(batches.height)} lotes, el más reciente primero."
    )

# --- quarantine ------------------------------------------------------------------------------
st.subheader("Filas en cuarentena por motivo")
batch_names = {
    int(row["batch_id"]): plain(
        f"Lote {row['batch_id']} · {BATCH_KIND_LABELS.get(row['kind'], row['kind'])}"
        f" · {row['source_name']}",
        limit=SHORT + 40,
    )
    for row in batches.iter_rows(named=True)
}
chosen = st.selectbox(
    "Lote",
    [None, *batch_names],
    format_func=lambda b: "Todos los lotes" if b is None else batch_names.get(b, str(b)),
    key="calidad_lote",
)
with stop_on_error("leer la cuarentena"):
    reasons = reason_table(loaders.quarantine_by_reason(ctx.source, chosen), REASONS)
if reasons.is_empty():
    st.success("No hay filas en cuarentena" + (" en este lote." if chosen else "."))
else:
    left, right = st.columns([3, 2])
    with left:
        plot(quality_charts.quarantine_bars(reasons), key="calidad_cuarentena")
    with right:
        reasons_table(reasons, key="calidad_motivos")
    if chosen is None:
        st.caption("Elija un lote para ver y descargar sus filas en cuarentena.")
    else:
        with stop_on_error("leer las filas en cuarentena"):
            rows = quarantine_export(loaders.quarantine_rows(ctx.source, chosen), REASONS)
        data_table(
            rows.head(200),
            column_config=quarantine_row_columns(),
            key="calidad_filas",
        )
        if rows.height > 200:
            st.caption(f"Se muestran las primeras 200 de {fmt_int(rows.height)} filas.")

        def _audit_quarantine(batch_id: int, count: int) -> None:
            audit(
                ctx.url,
                ctx.identity.email,
                "export",
                f"cuarentena lote={batch_id} filas={count}",
            )

        st.download_button(
            f"Descargar las {fmt_int(rows.height)} filas en cuarentena del lote {chosen:d} (CSV)",
            data=csv_bytes(rows),
            file_name=f"cuarentena_lote_{chosen}.csv",
            mime="text/csv",
            key="calidad_descarga_cuarentena",
            icon=":material/download:",
            on_click=_audit_quarantine,
            args=(chosen, rows.height),
        )

batch_warnings(ctx.source, ctx.identity.email, chosen)

# --- same-minute closures (needs a month: skipped while the database has no cases) -----
if ctx.filters is not None:
    st.subheader(f"Cierres en el mismo minuto de la apertura — {month_long(ctx.month)}")
    st.caption(
        "Casos cerrados en el mes menos de 60 segundos después de creados, por entidad "
        "(anulados excluidos). Una proporción alta suele indicar casos registrados ya resueltos "
        "o cierres masivos: revíselos antes de publicar. Todas las entidades; los filtros de la "
        "barra lateral no se aplican a esta sección."
    )
    with stop_on_error("calcular los cierres en el mismo minuto"):
        closures = loaders.same_minute_closures(ctx.source, ctx.month)
    flagged = entities_with_same_minute(closures)
    if flagged.is_empty():
        st.success("Ninguna entidad cerró casos en el mismo minuto de su apertura este mes.")
    else:
        plot(quality_charts.same_minute_bars(flagged), key="calidad_mismo_minuto")
        data_table(
            flagged,
            column_config={
                "entidad_id": metric_column("entidad_id", "Código"),
                "entidad": metric_column("entidad"),
                **metric_columns(["cerrados", "mismo_minuto", "pct_mismo_minuto"]),
            },
            key="calidad_mismo_minuto_tabla",
        )
    ctx.stamp()

# --- transfers whose chain does not connect (docs/metrics.md §15) ----------------------------
st.subheader("Cadenas de traslados que no conectan")
st.caption(
    "Casos cuyo traslado sale de una entidad que no era la que lo tenía (el destino del traslado "
    "anterior), o cuyo último traslado no termina en la entidad del caso. Todos los meses."
)
transfers_ui.broken_chain_section(ctx)
ctx.stamp()

# --- audit log -------------------------------------------------------------------------------
st.subheader("Bitácora de auditoría")
with stop_on_error("leer la bitácora de auditoría"):
    entries = audit_entries(ctx.url, AUDIT_LIMIT)
counts = value_counts(entries, "action")
actions = st.multiselect(
    "Acción",
    AUDIT_ACTIONS,
    format_func=lambda a: f"{AUDIT_ACTION_LABELS.get(a, a)} ({fmt_int(counts.get(a, 0))})",
    placeholder="Todas",
    key="calidad_acciones",
)
shown = filter_values(entries, "action", actions)
if shown.is_empty():
    st.info("No hay registros" + (" de esas acciones." if actions else " en la bitácora."))
else:
    data_table(
        relabel(utc_to_local(shown, ["at"], TZ), {"action": AUDIT_ACTION_LABELS}, missing=None),
        column_config={
            "at": time_column("Fecha y hora", "Hora de Panamá."),
            "email": text_column("Usuario"),
            "action": text_column("Acción"),
            "detail": text_column("Detalle"),
        },
        key="calidad_bitacora",
    )
st.caption(
    "Ingresos, ingresos fallidos, bloqueos, cierres de sesión, descargas e importaciones; "
    f"los {fmt_int(AUDIT_LIMIT)} más recientes, el más reciente primero. Hora de Panamá."
)
