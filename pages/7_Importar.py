"""Importar datos (admin) — upload a CSV/XLSX, see the validation preview, confirm the import.

The preview runs the importer and rolls back (nothing written); it is kept in the session keyed
by the file's SHA-256 and the chosen options, and "Confirmar importación" imports exactly those
bytes through a writing engine opened only for that action (`cac311.ui.upload`). The logic lives
in `cac311.ui.upload`; this page only draws it.
"""

import streamlit as st

from cac311.ingest.importer import ImportReport
from cac311.ingest.reasons import REASONS
from cac311.ui import loaders
from cac311.ui import upload as uploads
from cac311.ui.audit import audit
from cac311.ui.columns import quarantine_row_columns, reasons_table
from cac311.ui.format import datos_al_text, fmt_int
from cac311.ui.guard import IMPORTAR, page_setup
from cac311.ui.import_warnings import report_warnings
from cac311.ui.safe import LONG, md, plain
from cac311.ui.views.quality import reason_counts, reason_table
from cac311.ui.widgets import data_table

ctx = page_setup(
    IMPORTAR,
    subtitle="Entidades, casos, traslados, revisiones del directorio o comunicados (CSV o Excel)",
)

PREVIEW_KEY = "importar_vista_previa"
RESULT_KEY = "importar_resultado"

st.caption(
    datos_al_text(ctx.facts.datos_al)
    + " · la importación agrega o actualiza filas por su identificador; importar dos veces el "
    "mismo archivo no cambia nada."
)


def _reasons(report: ImportReport, key: str) -> None:
    reasons_table(reason_table(reason_counts(report.reasons), REASONS), key=key)


def _counts(report: ImportReport, *, preview: bool) -> None:
    labels = (
        ("Se insertarían", "Se actualizarían", "Quedarían sin cambios", "A cuarentena")
        if preview
        else ("Insertados", "Actualizados", "Sin cambios", "En cuarentena")
    )
    values = (report.inserted, report.updated, report.unchanged, report.quarantined)
    helps = (
        "Filas válidas con un identificador que aún no existe en la base.",
        "Filas válidas cuyo identificador ya existe y cuyos datos cambian.",
        "Filas válidas idénticas a lo que ya está en la base.",
        "Filas rechazadas por la validación; se guardan con su motivo (Calidad de datos).",
    )
    for column, text, value, help_text in zip(st.columns(4), labels, values, helps, strict=True):
        column.metric(text, fmt_int(value), help=help_text, border=True)


def _result(outcome: uploads.UploadOutcome) -> None:
    report = outcome.report
    assert report is not None
    st.success(
        f"Importación terminada: lote {report.batch_id:d} · "
        f"{md(uploads.kind_label(report.kind))} · {md(outcome.file_name, limit=LONG)} "
        f"({fmt_int(report.rows_read)} filas leídas).",
        icon=":material/task_alt:",
    )
    _counts(report, preview=False)
    if report.quarantined:
        _reasons(report, key="importar_resultado_motivos")
    report_warnings(report, preview=False, key="importar_resultado")
    st.caption(
        "Todas las páginas muestran ya los datos nuevos. Las filas en cuarentena y los avisos se "
        "pueden revisar y descargar en «Calidad de datos»."
    )
    if ctx.identity.via == "demo":
        st.info(
            "El modo de demostración quedó desactivado: la próxima acción pedirá ingresar con "
            "una cuenta. Cree la primera con `cac311 users add --email … --role admin "
            "--password-stdin` (ver docs/security.md).",
            icon=":material/lock:",
        )


# --- options and file ------------------------------------------------------------------------
left, middle, right, last = st.columns(4)
kind = left.selectbox(
    "Tipo de datos",
    uploads.KINDS,
    index=uploads.KINDS.index("cases"),
    format_func=uploads.kind_label,
    key="importar_tipo",
    help="Importe primero las entidades: los casos, traslados, revisiones y comunicados deben "
    "nombrar una entidad registrada; y los casos antes que sus traslados.",
)
profile = middle.selectbox(
    "Perfil de mapeo",
    ["", *uploads.profile_names(kind)],
    format_func=lambda p: p or "Ninguno (canónico)",
    key="importar_perfil",
    help="Para archivos con otro formato (p. ej. exportaciones 311 de otras ciudades); los "
    "perfiles están en la carpeta mappings/. «Ninguno»: las columnas canónicas.",
)
timezone = right.text_input(
    "Zona horaria",
    key="importar_zona",
    placeholder=f"la del perfil, o {plain(ctx.settings.timezone)}",
    help="Zona de las fechas escritas sin desfase (p. ej. 2026-10-05 08:30). Vacío: la del "
    f"perfil de mapeo, o {md(ctx.settings.timezone)}. Las fechas con desfase (Z, -05:00) son "
    "instantes exactos.",
)
encoding = last.selectbox(
    "Codificación",
    uploads.ENCODINGS,
    format_func=lambda e: uploads.ENCODING_LABELS.get(e, e),
    key="importar_codificacion",
    help="Solo para CSV. Si el archivo no es UTF-8 (p. ej. guardado por Excel en Windows), "
    "elija Windows-1252.",
)
st.caption(uploads.columns_hint(kind))
options = uploads.UploadOptions(
    kind=kind,
    profile=profile or None,
    timezone=timezone.strip() or None,
    encoding=encoding or None,
)
if ctx.identity.via == "demo":
    st.warning(
        "La base tiene datos de demostración. Una importación real desactiva el modo de "
        "demostración: después habrá que ingresar con una cuenta (`cac311 users add`, ver "
        "docs/security.md).",
        icon=":material/science:",
    )

uploaded = st.file_uploader(
    "Archivo CSV o Excel (.xlsx)",
    type=list(uploads.UPLOAD_TYPES),
    key="importar_archivo",
    help="CSV en UTF-8 (con o sin BOM, separado por , o ;) o Excel .xlsx, de hasta "
    f"{st.get_option('server.maxUploadSize'):d} MB. Un archivo mayor se importa en el servidor con "
    "`cac311 import`, que lo lee por partes.",
)
if uploaded is None:
    st.info("Suba un archivo para ver su validación. Nada se guarda hasta que confirme.")
    st.stop()

data = uploaded.getvalue()
sha = uploads.file_sha256(data)

# --- the result of a confirmed import of this very file ---------------------------------------
result = st.session_state.get(RESULT_KEY)
if isinstance(result, uploads.UploadOutcome) and (result.sha256, result.options) == (sha, options):
    _result(result)
    st.stop()

# --- preview (kept in the session by SHA-256 and options) -------------------------------------
preview = st.session_state.get(PREVIEW_KEY)
if not (
    isinstance(preview, uploads.UploadOutcome)
    and (preview.sha256, preview.options, preview.file_name) == (sha, options, uploaded.name)
):
    with st.spinner("Validando el archivo (no se guarda nada)…"):
        preview = uploads.preview(ctx.url, ctx.settings, options, data, uploaded.name)
    st.session_state[PREVIEW_KEY] = preview
if preview.report is None:
    st.error(md(preview.error or uploads.UNEXPECTED_ERROR))
    st.stop()

slot = st.empty()
with slot.container():
    checked = preview.report
    st.subheader("Vista previa de la validación")
    st.caption(
        f"{md(preview.file_name, limit=LONG)} · SHA-256 {md(preview.sha256[:16])}… · "
        f"{fmt_int(checked.rows_read)} filas leídas. Nada se ha guardado todavía."
    )
    _counts(checked, preview=True)
    if checked.quarantined:
        _reasons(checked, key="importar_vista_motivos")
        st.markdown("**Primeras filas rechazadas**")
        data_table(
            checked.first_rejected(20),
            column_config=quarantine_row_columns(),
            key="importar_rechazadas",
        )
    report_warnings(checked, preview=True, key="importar_vista")
    if checked.rows_read == 0:
        st.info("El archivo solo tiene encabezado: no hay filas para importar.")
    confirmed = st.button(
        "Confirmar importación",
        type="primary",
        icon=":material/upload:",
        key="importar_confirmar",
        disabled=checked.rows_read == 0,
        help="Importa exactamente este archivo, en una sola transacción.",
    )

if confirmed:
    if uploads.file_sha256(data) != preview.sha256:
        st.error("El archivo cambió después de la vista previa: revíselo de nuevo.")
        st.stop()
    with st.spinner("Importando…"):
        outcome = uploads.confirm(
            ctx.url,
            ctx.settings,
            preview.options,
            data,
            preview.file_name,
            imported_by=ctx.identity.email,
        )
    audit(ctx.url, ctx.identity.email, "import", uploads.audit_detail(outcome))
    if outcome.report is None:
        st.error(md(outcome.error or uploads.UNEXPECTED_ERROR))
        st.stop()
    loaders.clear_all()
    del st.session_state[PREVIEW_KEY]
    st.session_state[RESULT_KEY] = outcome
    slot.empty()
    _result(outcome)
