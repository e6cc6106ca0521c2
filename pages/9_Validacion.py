"""Validación — the Asesor de Calidad's work queue: the pending reviews and press releases of
their assigned entities, oldest first, to validate or return with a reason."""

from datetime import timedelta

import streamlit as st

from cac311.obligations import store
from cac311.ui import obligation_loaders
from cac311.ui import obligations_ui as ui
from cac311.ui.format import ITEM_LABELS, definition, fmt_dec, fmt_int
from cac311.ui.guard import VALIDACION, page_setup
from cac311.ui.safe import LONG, SHORT, md
from metrics import obligations as ob

ctx = page_setup(
    VALIDACION,
    subtitle="Revisiones del directorio y comunicados de prensa enviados por los enlaces de sus "
    "entidades, por validar o devolver",
)
identity = ctx.identity
ENTITIES = identity.own_entities
clock = obligation_loaders.clock(ctx.source)
assigned_md = ", ".join(
    f"{md(e)} — {md(ctx.options.entity_name(e), limit=SHORT)}" for e in ENTITIES
)
st.markdown(f"**Entidades asignadas:** {assigned_md}")
ui.show_flash()

view = obligation_loaders.submissions(ctx.source, ENTITIES, clock.today, clock.timezone)
queue = ob.pending_queue(view)
totals = ob.queue_totals(queue)
st.subheader("Cola de validación")
ctx.stamp()
cards = (
    ("envios_pendientes", "Envíos pendientes", "Revisiones y comunicados sin decidir."),
    ("antiguedad_dias", "Días del más antiguo", definition("antiguedad_dias")),
    ("revisiones_pendientes", "Revisiones pendientes", definition("revisiones_pendientes")),
    ("comunicados_pendientes", "Comunicados pendientes", "Comunicados sin decidir (todo mes)."),
)
for column, (code, text, help_text) in zip(st.columns(len(cards)), cards, strict=True):
    column.metric(text, fmt_int(totals[code]), help=help_text, border=True)

if queue.is_empty():
    st.success("No hay envíos pendientes de validación.", icon=":material/check_circle:")
else:
    st.caption("Del más antiguo al más reciente. Antigüedad: días desde la recepción.")
    ui.submissions_table(queue, key="cola_validacion")
    keys = ob.submission_keys(queue)
    labels = {k: ui.submission_label(ob.submission_row(queue, k)) for k in keys}
    # The key changes after each decision: the decided entry leaves the list.
    generation = ui.form_generation("decision")
    chosen = st.selectbox(
        "Envío a revisar",
        keys,
        format_func=lambda k: labels.get(k, k),
        key=f"validacion_envio_{generation}",
    )
    row = ob.submission_row(queue, chosen) or {}
    kind = "review" if row.get("tipo") == "review" else "release"
    number = int(str(row.get("submission_id") or 0))
    with st.container(border=True):
        if kind == "review":
            st.markdown(
                f"**Revisión de «{ITEM_LABELS.get(str(row['item']), str(row['item']))}»** de "
                f"{md(str(row['entidad_id']))} — "
                + ("sin cambios" if row["sin_cambios"] else "con cambios")
            )
        else:
            lead = row["anticipacion_horas"]
            st.markdown(
                f"**Comunicado de {md(str(row['entidad_id']))}: "
                f"«{md(str(row['titulo']), limit=LONG)}»**"
            )
            st.markdown(
                f"Previsto en medios el {row['medios']:%d/%m/%Y %H:%M}; anticipación "
                f"{fmt_dec(lead if isinstance(lead, float) else None)} h "
                "(desde la recepción en el tablero)."
            )
        if row.get("texto"):
            st.text(str(row["texto"]))
        st.caption(
            f"Enviado por {md(str(row['submitted_by']))} el {row['recibido']:%d/%m/%Y %H:%M}"
            + (
                f"; corrige el envío N.º {fmt_int(int(str(row['replaces_id'])))}"
                if row.get("replaces_id")
                else ""
            )
        )
        if row.get("attachment_id") is not None:
            ui.attachment_download(
                ctx.url,
                identity,
                "asesor",
                int(str(row["attachment_id"])),
                str(row["adjunto"]),
                key=f"adjunto_{chosen}",
            )
    name = "decision"
    with st.form(f"form_{name}_{chosen}_{generation}"):
        decision = st.radio(
            "Decisión",
            ("validar", "devolver"),
            format_func=lambda d: "Validar" if d == "validar" else "Devolver al enlace",
            horizontal=True,
            key=f"ob_decision_{chosen}_{generation}",
        )
        reason = st.text_area(
            "Motivo de la devolución",
            max_chars=store.MAX_REASON,
            help="Obligatorio para devolver: el enlace lo ve y corrige su envío.",
            key=f"ob_reason_{chosen}_{generation}",
        )
        decided = st.form_submit_button("Registrar decisión", type="primary")
    if decided:
        ui.run_write(
            name,
            lambda: store.decide(
                ui.writer(ctx.url),
                identity,
                kind,  # type: ignore[arg-type]
                number,
                "validar" if decision == "validar" else "devolver",
                reason=reason,
            ),
        )

st.subheader("Decididos en los últimos 30 días")
decided_recently = ob.recent(view, clock.today - timedelta(days=30))
if decided_recently.is_empty():
    st.info("Ningún envío de sus entidades se decidió en los últimos 30 días.")
else:
    ui.submissions_table(decided_recently, key="decididos")
    ui.attachment_picker(ctx.url, identity, "asesor", decided_recently, key="adjuntos_decididos")
