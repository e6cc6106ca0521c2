"""Mis obligaciones — the enlace records the review of the directory, SLAs and knowledge base
and sends press releases to the 311 before the media (Circular AIG N°01-2018); sees what the
Asesor de Calidad validated or returned, and corrects what was returned."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from cac311.filters import CaseFilters
from cac311.obligations import store
from cac311.ui import obligation_loaders
from cac311.ui import obligations_ui as ui
from cac311.ui.format import ITEM_LABELS, fmt_date
from cac311.ui.guard import OBLIGACIONES, page_setup
from cac311.ui.safe import LONG, md
from metrics import obligations as ob

ctx = page_setup(
    OBLIGACIONES,
    subtitle="Circular AIG N°01-2018: revise su directorio, SLA y base de conocimiento, y envíe "
    "sus comunicados al 311 antes que a los medios",
)
identity = ctx.identity
ENTITY = identity.entity_id or ""
clock = obligation_loaders.clock(ctx.source)
as_of = ctx.facts.datos_al or clock.today
now_local = datetime.now(ZoneInfo(clock.timezone)).replace(tzinfo=None)
st.markdown(f"**Entidad:** {md(ENTITY)} — {md(ctx.options.entity_name(ENTITY), limit=LONG)}")
ui.show_flash()

view = obligation_loaders.submissions(ctx.source, (ENTITY,), clock.today, clock.timezone)
returns = ob.open_returns(view)
if not returns.is_empty():
    st.warning(
        f"El Asesor de Calidad le devolvió {returns.height} envío(s) para corregir: vea el motivo "
        "y reenvíelo en «Corregir un envío devuelto».",
        icon=":material/undo:",
    )

# --- reviews --------------------------------------------------------------------------------
st.subheader("Revisión del directorio, SLA y base de conocimiento")
ctx.stamp()
st.caption(
    "Cada revisión queda **pendiente de validación** hasta que el Asesor de Calidad la valida: "
    "solo entonces cuenta como fecha de revisión en la actualización del directorio. El estado "
    f"se calcula a la fecha de corte de los datos ({fmt_date(as_of)})."
)
items = obligation_loaders.review_items(
    ctx.source, as_of, clock.today, clock.timezone, CaseFilters(entity_ids=(ENTITY,))
)
ui.own_items_table(items, ui.own_freshness(ctx.source), key="mis_items")

generation = ui.form_generation("revision")
with st.form(f"form_revision_{generation}"):
    st.markdown("##### Registrar una revisión")
    item = st.selectbox(
        "Ítem revisado",
        store.ITEMS,
        format_func=lambda code: ITEM_LABELS[code],
        key=f"ob_item_{generation}",
    )
    outcome = st.radio(
        "Resultado de la revisión",
        ("sin_cambios", "con_cambios"),
        format_func=lambda code: "Sin cambios" if code == "sin_cambios" else "Con cambios",
        horizontal=True,
        key=f"ob_outcome_{generation}",
    )
    description = st.text_area(
        "Descripción de los cambios",
        key=f"ob_description_{generation}",
        max_chars=store.MAX_DESCRIPTION,
        help="Obligatoria si hubo cambios: qué se agregó, corrigió o eliminó.",
    )
    upload = st.file_uploader(
        "Adjunto (opcional)",
        type=ui.UPLOAD_TYPES,
        key=f"ob_file_{generation}",
        help=ui.UPLOAD_HELP,
    )
    send_review = st.form_submit_button("Enviar revisión", type="primary")
if send_review:
    ui.run_write(
        "revision",
        lambda: store.submit_review(
            ui.writer(ctx.url),
            identity,
            ctx.settings,
            item=item,
            sin_cambios=outcome == "sin_cambios",
            description=description,
            attachment=ui.checked_upload(upload),
            request_key=ui.request_key("revision"),
        ),
    )

# --- press releases -------------------------------------------------------------------------
st.subheader("Comunicados de prensa")
st.caption(
    "Envíe cada comunicado **antes** de que salga a los medios. La anticipación se mide desde la "
    "hora en que el tablero lo recibe hasta la hora prevista de publicación que usted indica; "
    "cuenta en las cifras del mes cuando el Asesor de Calidad lo valida."
)
generation = ui.form_generation("comunicado")
tomorrow = (now_local + timedelta(days=1)).date()
with st.form(f"form_comunicado_{generation}"):
    st.markdown("##### Enviar un comunicado")
    title = st.text_input("Título", key=f"ob_title_{generation}", max_chars=store.MAX_TITLE)
    day_column, time_column = st.columns(2)
    media_day = day_column.date_input(
        "Fecha prevista en medios", value=tomorrow, format="DD/MM/YYYY", key=f"ob_day_{generation}"
    )
    media_time = time_column.time_input(
        "Hora prevista en medios", value=time(9, 0), step=300, key=f"ob_time_{generation}"
    )
    body = st.text_area(
        "Texto del comunicado",
        key=f"ob_body_{generation}",
        max_chars=store.MAX_BODY,
        help="Escriba el texto o adjunte el documento (o ambos).",
    )
    release_upload = st.file_uploader(
        "Documento del comunicado",
        type=ui.UPLOAD_TYPES,
        key=f"ob_release_file_{generation}",
        help=ui.UPLOAD_HELP,
    )
    send_release = st.form_submit_button("Enviar comunicado", type="primary")
if send_release:
    ui.run_write(
        "comunicado",
        lambda: store.submit_release(
            ui.writer(ctx.url),
            identity,
            ctx.settings,
            title=title,
            media_at_local=datetime.combine(media_day, media_time),
            body=body,
            attachment=ui.checked_upload(release_upload),
            request_key=ui.request_key("comunicado"),
        ),
    )

# --- returned submissions: correct and resubmit ----------------------------------------------
st.subheader("Corregir un envío devuelto")
if returns.is_empty():
    st.success("No tiene envíos devueltos por corregir.", icon=":material/check_circle:")
else:
    keys = ob.submission_keys(returns)
    labels = {k: ui.submission_label(ob.submission_row(returns, k)) for k in keys}
    chosen = st.selectbox(
        "Envío devuelto",
        keys,
        format_func=lambda k: labels.get(k, k),
        key=f"ob_devuelto_{ui.form_generation('reenvio')}",
    )
    returned = ob.submission_row(returns, chosen) or {}
    st.warning(f"Motivo del Asesor de Calidad: {md(str(returned.get('return_reason') or ''))}")
    ui.resubmit_form(ctx.url, identity, ctx.settings, returned)

# --- history ----------------------------------------------------------------------------------
st.subheader("Historial de envíos de su entidad")
if view.is_empty():
    st.info("Su entidad aún no tiene envíos en el tablero.")
else:
    ui.submissions_table(view.reverse(), key="mis_envios", with_entity=False)
    ui.attachment_picker(ctx.url, identity, "enlace", view, key="mis_adjuntos")
    st.caption(
        "Más recientes primero. Anticipación = hora prevista en medios − hora de recepción en "
        "el tablero, en horas (negativa: llegó después que a los medios)."
    )
