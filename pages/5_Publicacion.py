"""Publicación — the monthly open-data bundle (SPEC §5): preview, the three files, downloads.

The bytes offered here are those of `cac311 export publication` (one code path: the cached
`loaders.publication_bundle` → `cac311.export.publication.build_bundle`). Every download is
written to the audit log.
"""

import streamlit as st

from cac311.errors import UserError
from cac311.export.publication import DATAPACKAGE_NAME, Bundle
from cac311.filters import NO_FILTERS
from cac311.ui import loaders
from cac311.ui.audit import audit
from cac311.ui.columns import metric_columns
from cac311.ui.errors import stop_on_error
from cac311.ui.format import MODE_LABELS, datos_al_text, fmt_date, fmt_int, month_long
from cac311.ui.guard import PUBLICACION, page_setup
from cac311.ui.report_views import publication_calendar_section, record_page_publication
from cac311.ui.safe import md
from cac311.ui.upload import file_sha256
from cac311.ui.widgets import data_table
from metrics.definitions import DEFINITIONS_VERSION
from metrics.publication import PUBLICATION_COLUMNS

ctx = page_setup(
    PUBLICACION, subtitle="Paquete mensual de datos abiertos del cumplimiento del plazo legal"
)

st.info(
    "La publicación es siempre la **tabla nacional completa**: una fila por entidad y la fila "
    "TOTAL. Los filtros de sector, entidad, tipo de caso, canal y provincia de la barra lateral "
    "no se aplican aquí; solo el **mes** y el **conteo de días**.",
    icon=":material/public:",
)
if ctx.chosen.cases != NO_FILTERS:
    st.caption("Hay filtros activos en la barra lateral: no cambian esta publicación.")

st.markdown(
    f"**Mes:** {month_long(ctx.month)} · **Días:** {MODE_LABELS[ctx.mode]} "
    "(elíjalos en la barra lateral; por defecto, el último mes completo)."
)

allow_partial = False
if ctx.partial:
    allow_partial = st.checkbox(
        "Publicar mes parcial",
        key="publicacion_parcial",
        help="El mes aún no termina en la fecha de corte: sus cifras no son definitivas. "
        "El paquete quedará marcado como parcial en sus nombres de archivo y en "
        "datapackage.json (como `cac311 export publication --allow-partial`).",
    )
    if not allow_partial:
        st.error(
            f"El mes {month_long(ctx.month)} aún no está completo ({datos_al_text(ctx.datos_al)}): "
            "no se publica. Elija un mes completo en la barra lateral o marque «Publicar mes "
            "parcial»."
        )
        ctx.stamp()
        publication_calendar_section(ctx)
        st.stop()

with stop_on_error("preparar la publicación"):
    try:
        bundle: Bundle = loaders.publication_bundle(ctx.source, ctx.period, allow_partial)
    except UserError as exc:
        st.error(str(exc))
        publication_calendar_section(ctx)
        st.stop()

if bundle.parcial:
    st.warning(
        "Paquete **parcial**: el mes no había terminado en la fecha de corte. Los archivos lo "
        "indican en su nombre (`_parcial`) y en datapackage.json (`parcial: true`).",
        icon=":material/warning:",
    )

st.subheader("Vista previa de la tabla publicada")
ctx.stamp()
data_table(
    bundle.table,
    column_config=metric_columns(PUBLICATION_COLUMNS),
    column_order=PUBLICATION_COLUMNS,
    key="publicacion_tabla",
    height=420,
)
st.caption(
    f"{fmt_int(bundle.table.height - 1)} entidades (activas o con casos en el mes) y la fila "
    "TOTAL, ordenadas por código. Pase el cursor sobre cada encabezado para ver su definición."
)

st.subheader("Archivos")
st.caption(
    f"{datos_al_text(bundle.datos_al)} · generado el {fmt_date(bundle.generado.date())} a las "
    f"{bundle.generado:%H:%M} (hora de Panamá) · definiciones versión {DEFINITIONS_VERSION}"
)

DESCRIPTIONS = {
    bundle.open_data_name: "Datos abiertos: UTF-8 sin BOM, separador `,`, punto decimal.",
    bundle.spreadsheet_name: "Para hojas de cálculo: UTF-8 con BOM, separador `;`, coma decimal.",
    DATAPACKAGE_NAME: "Descriptor Frictionless: esquema, definiciones y SHA-256 de cada CSV.",
}


def _audit_download(file_name: str) -> None:
    audit(
        ctx.url,
        ctx.identity.email,
        "export",
        f"publicación {file_name} periodo={bundle.periodo} dias={bundle.dias} "
        f"parcial={'sí' if bundle.parcial else 'no'} datos_al={bundle.datos_al.isoformat()}",
    )
    if not bundle.parcial:
        record_page_publication(ctx.url, ctx.identity.email, bundle.periodo, ctx.settings.timezone)


for index, (name, data) in enumerate(bundle.files.items()):
    info, digest, action = st.columns([3, 5, 2], vertical_alignment="center")
    info.markdown(f"**{md(name)}**  \n{DESCRIPTIONS.get(name, '')} {fmt_int(len(data))} bytes.")
    digest.code(f"SHA-256 {file_sha256(data)}", language=None, wrap_lines=True)
    with action:
        st.download_button(
            "Descargar",
            data=data,
            file_name=name,
            mime=Bundle.media_type(name),
            key=f"publicacion_archivo_{index}",
            icon=":material/download:",
            on_click=_audit_download,
            args=(name,),
        )

archive = bundle.zip_bytes()
info, digest, action = st.columns([3, 5, 2], vertical_alignment="center")
info.markdown(
    f"**{md(bundle.zip_name)}**  \nLos tres archivos juntos. {fmt_int(len(archive))} bytes."
)
digest.code(f"SHA-256 {file_sha256(archive)}", language=None, wrap_lines=True)
with action:
    st.download_button(
        "Descargar todo",
        data=archive,
        file_name=bundle.zip_name,
        mime=Bundle.media_type(bundle.zip_name),
        key="publicacion_zip",
        type="primary",
        icon=":material/folder_zip:",
        on_click=_audit_download,
        args=(bundle.zip_name,),
    )
st.caption(
    "Los mismos bytes que escribe `cac311 export publication --month "
    f"{bundle.periodo} --dias {bundle.dias}"  # safe: validated codes, inside a code span
    + (" --allow-partial" if bundle.parcial else "")
    + "` (salvo la hora «generado» de datapackage.json). Cada descarga queda registrada en la "
    "bitácora de auditoría."
)

publication_calendar_section(ctx)
