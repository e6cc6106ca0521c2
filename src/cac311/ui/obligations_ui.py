"""Streamlit pieces of the obligation pages (issue 14): forms, tables, attachment downloads and
the section of Directorio y comunicados. The pages stay thin; the figures come from
`obligation_loaders`, the writes go through `cac311.obligations.store` on the sign-in/audit
engine (`auth_engine(auth_database_url(url))`), never through the read-only data engine.

Forms: each form has a key in the session (`request_key`, sent with the write: the same form
submitted twice is one record) and a generation number in its widgets' keys, bumped after a
successful write so the form comes back empty. The outcome is shown after the rerun (flash).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Final

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from cac311.auth.identity import Identity
from cac311.auth.session import auth_database_url, auth_engine
from cac311.config import Settings
from cac311.errors import UserError
from cac311.filters import CaseFilters
from cac311.obligations import store
from cac311.obligations.attachments import CheckedFile, check_attachment
from cac311.ui import loaders, obligation_columns, obligation_loaders
from cac311.ui.errors import stop_on_error
from cac311.ui.format import (
    FRESHNESS_LABELS,
    ITEM_LABELS,
    definition,
    fmt_int,
    month_long,
)
from cac311.ui.loaders import Source
from cac311.ui.safe import SHORT, md
from cac311.ui.views import obligations as views
from cac311.ui.widgets import data_table
from metrics import obligations as ob
from metrics.freshness import ITEM_FRESHNESS_SCHEMA

if TYPE_CHECKING:
    from cac311.ui.guard import PageContext

log = logging.getLogger(__name__)

FLASH_KEY: Final = "obligaciones_flash"
UPLOAD_TYPES: Final = ["pdf", "xlsx", "docx", "csv"]
UPLOAD_HELP: Final = (
    "PDF, Excel (XLSX), Word (DOCX) o CSV en UTF-8, de hasta 5 MB. Se revisa el contenido del "
    "archivo, no solo su nombre. Solo lo ven su entidad y su Asesor de Calidad."
)


# --- writes ---------------------------------------------------------------------------------


def writer(url: str) -> Engine:
    """The sign-in/audit engine: the only connection of the dashboard that writes."""
    return auth_engine(auth_database_url(url))


def form_generation(name: str) -> int:
    return int(st.session_state.setdefault(f"ob_gen_{name}", 0))


def request_key(name: str) -> str:
    """This form's idempotency key (kept until the form is written successfully)."""
    return str(st.session_state.setdefault(f"ob_key_{name}", uuid.uuid4().hex))


def _reset_form(name: str) -> None:
    st.session_state[f"ob_gen_{name}"] = form_generation(name) + 1
    st.session_state[f"ob_key_{name}"] = uuid.uuid4().hex


def run_write(name: str, write: Callable[[], Any]) -> None:
    """Run one write; on success (or a duplicate) reset the form, remember the message, forget
    the cached figures and rerun. A refusal is shown at once, the form keeps what was typed."""
    try:
        result = write()
    except UserError as exc:
        st.error(str(exc))
        return
    except SQLAlchemyError:
        log.exception("obligations: database error on the write path")
        st.error("No se pudo guardar en la base de datos. Intente de nuevo en unos minutos.")
        return
    created = getattr(result, "created", getattr(result, "changed", True))
    st.session_state[FLASH_KEY] = (bool(created), str(result.message))
    _reset_form(name)
    st.rerun()  # the next run reads the data's new stamp: every figure is asked afresh


def show_flash() -> None:
    """The outcome of the last write of this session (after its rerun), once."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        created, message = flash
        if created:
            st.success(message, icon=":material/check_circle:")
        else:
            st.info(message, icon=":material/info:")


def checked_upload(uploaded: Any) -> CheckedFile | None:
    """The uploaded file after the content check (UserError with the reason)."""
    if uploaded is None:
        return None
    return check_attachment(str(uploaded.name), bytes(uploaded.getvalue()))


# --- attachments ----------------------------------------------------------------------------


def attachment_download(
    url: str, identity: Identity, role: str, attachment_id: int, file_name: str, *, key: str
) -> None:
    """A download button whose bytes are fetched only when clicked, through the checked and
    audited `store.fetch_attachment` (so the page never holds another entity's file)."""

    def fetch() -> bytes:
        try:
            return store.fetch_attachment(writer(url), identity, attachment_id, role).content
        except UserError as exc:
            return f"No disponible: {exc}\n".encode()

    st.download_button(
        f"Descargar {md(file_name, limit=SHORT)}",
        data=fetch,
        file_name=file_name,
        mime="application/octet-stream",
        key=key,
        icon=":material/attach_file:",
        on_click="ignore",
    )


# --- tables ---------------------------------------------------------------------------------


def submissions_table(view: pl.DataFrame, key: str, *, with_entity: bool = True) -> None:
    table = views.submission_table(view, ITEM_LABELS)
    columns = obligation_columns.submissions()
    if not with_entity:
        columns["entidad_id"] = None
    data_table(table, column_config=columns, key=key)


def own_items_table(items: pl.DataFrame, freshness: pl.DataFrame, key: str) -> None:
    data_table(
        views.own_items(items, freshness, ITEM_LABELS, FRESHNESS_LABELS),
        column_config=obligation_columns.items(),
        key=key,
    )


def totals_row(totals: dict[str, int | None], scope: str) -> None:
    """Four KPI cards over the shown entities."""
    cards = (
        ("revisiones_pendientes", "Revisiones pendientes de validación"),
        ("dias_pendiente", "Días de la revisión pendiente más antigua"),
        ("revisiones_devueltas", "Revisiones devueltas sin corregir"),
        ("comunicados_pendientes", "Comunicados del mes pendientes"),
    )
    for column, (code, label) in zip(st.columns(len(cards)), cards, strict=True):
        column.metric(
            f"{label} ({scope})",  # safe: fixed Spanish labels and scope words
            fmt_int(totals[code]),
            help=definition(code),
            border=True,
        )


# --- enlace: freshness, labels, resubmission ------------------------------------------------


def own_freshness(source: Source) -> pl.DataFrame:
    """The freshness of every entity and item on datos_al (empty before any case exists)."""
    if source.datos_al is None:
        return pl.DataFrame(schema=ITEM_FRESHNESS_SCHEMA)
    return loaders.directory_freshness(source, source.datos_al)


def submission_label(row: dict[str, object] | None) -> str:
    """ "Revisión N.º 12 · SLA · 10/11/2026" / "Comunicado N.º 3 · «Título» · 10/11/2026"."""
    if row is None:
        return "—"
    kind = views.KIND_LABELS.get(str(row["tipo"]), str(row["tipo"]))
    what = (
        ITEM_LABELS.get(str(row["item"]), str(row["item"]))
        if row["tipo"] == "review"
        else f"«{row['titulo']}»"
    )
    received = row.get("recibido")
    when = f"{received:%d/%m/%Y %H:%M}" if isinstance(received, datetime) else ""
    return f"{kind} N.º {row['submission_id']} · {row['entidad_id']} · {what} · {when}"


def resubmit_form(url: str, identity: Identity, settings: Settings, row: dict[str, Any]) -> None:
    """The returned submission `row` in a form, pre-filled, to correct and send again."""
    number = int(row["submission_id"])
    name = "reenvio"  # one counter: the page's choice of returned entry follows it too
    generation = form_generation(name)
    fields = _review_fields if row["tipo"] == "review" else _release_fields
    with st.form(f"form_{name}_{row['tipo']}_{number}_{generation}"):
        submit = fields(row, f"{number}_{generation}")
        upload = st.file_uploader(
            "Adjunto nuevo (opcional; el anterior no se reenvía)",
            type=UPLOAD_TYPES,
            key=f"ob_r_file_{number}_{generation}",
            help=UPLOAD_HELP,
        )
        sent = st.form_submit_button("Reenviar corregido", type="primary")
    if not sent:
        return
    engine = writer(url)
    run_write(
        name,
        lambda: submit(
            engine,
            identity,
            settings,
            attachment=checked_upload(upload),
            request_key=request_key(name),
            replaces_id=number,
        ),
    )


def _review_fields(row: dict[str, Any], suffix: str) -> Callable[..., store.SubmitResult]:
    """The returned review's fields, pre-filled; gives back its write with what was typed."""
    st.markdown(f"##### Corregir la revisión de «{ITEM_LABELS[str(row['item'])]}»")
    outcome = st.radio(
        "Resultado de la revisión",
        ("sin_cambios", "con_cambios"),
        index=0 if row["sin_cambios"] else 1,
        format_func=lambda c: "Sin cambios" if c == "sin_cambios" else "Con cambios",
        horizontal=True,
        key=f"ob_r_outcome_{suffix}",
    )
    text = st.text_area(
        "Descripción de los cambios",
        value=str(row["texto"] or ""),
        max_chars=store.MAX_DESCRIPTION,
        key=f"ob_r_text_{suffix}",
    )
    return partial(
        store.submit_review,
        item=str(row["item"]),
        sin_cambios=outcome == "sin_cambios",
        description=text,
    )


def _release_fields(row: dict[str, Any], suffix: str) -> Callable[..., store.SubmitResult]:
    """The returned press release's fields, pre-filled; gives back its write with what was
    typed."""
    st.markdown("##### Corregir el comunicado")
    title = st.text_input(
        "Título",
        value=str(row["titulo"] or ""),
        max_chars=store.MAX_TITLE,
        key=f"ob_r_title_{suffix}",
    )
    planned = row["medios"] if isinstance(row["medios"], datetime) else datetime.now()
    day_column, time_column = st.columns(2)
    day = day_column.date_input(
        "Fecha prevista en medios",
        value=planned.date(),
        format="DD/MM/YYYY",
        key=f"ob_r_day_{suffix}",
    )
    clock_time = time_column.time_input(
        "Hora prevista en medios",
        value=planned.time(),
        step=300,
        key=f"ob_r_time_{suffix}",
    )
    text = st.text_area(
        "Texto del comunicado",
        value=str(row["texto"] or ""),
        max_chars=store.MAX_BODY,
        key=f"ob_r_body_{suffix}",
    )
    return partial(
        store.submit_release,
        title=title,
        media_at_local=datetime.combine(day, clock_time),
        body=text,
    )


def attachment_picker(
    url: str, identity: Identity, role: str, view: pl.DataFrame, key: str
) -> None:
    """A selectbox of the attachments of `view` (the user's own entities) and its download."""
    files = views.attachments_of(view)
    if not files:
        return
    by_id = {attachment_id: (name, owner) for attachment_id, name, owner in files}
    chosen = st.selectbox(
        "Adjunto",
        list(by_id),
        format_func=lambda i: _attachment_label(by_id, i),
        key=f"{key}_elegido_{len(by_id)}",
    )
    attachment_download(url, identity, role, int(chosen), by_id[chosen][0], key=f"{key}_{chosen}")


# --- Directorio y comunicados: the obligations of every entity -------------------------------


def directorio_section(ctx: PageContext) -> None:
    """Per entity: reviews pending (and for how long) and returned, releases of the month pending
    and returned; per entity and item: the last review the freshness counts and its origin.
    Only the sector and entity filters apply (as for the rest of the page)."""
    cases = ctx.chosen.cases
    scope_filters = CaseFilters(entity_ids=cases.entity_ids, sectors=cases.sectors)
    scope = "nacional" if not (cases.entity_ids or cases.sectors) else "con los filtros"
    clock = obligation_loaders.clock(ctx.source)
    st.subheader("Envíos de los enlaces en el tablero")
    ctx.stamp()
    st.caption(
        "Revisiones y comunicados que los enlaces envían en el tablero. **Pendiente de "
        "validación**: aún sin decisión del Asesor de Calidad; se muestra aquí pero no cambia la "
        "actualización del directorio ni la anticipación, que solo cuentan lo validado (y lo "
        "importado). Días pendiente: desde la recepción hasta hoy "
        f"({clock.today:%d/%m/%Y}). Comunicados: los recibidos en {month_long(ctx.month)}."
    )
    with stop_on_error("leer los envíos de los enlaces"):
        table = obligation_loaders.entity_obligations(
            ctx.source, ctx.month, ctx.datos_al, clock.today, clock.timezone, scope_filters
        )
    totals_row(ob.obligation_totals(table), scope)
    waiting = views.pending_by_entity(table)
    if waiting.is_empty():
        st.success(
            "Ninguna entidad tiene envíos pendientes de validación ni devueltos.",
            icon=":material/check_circle:",
        )
    else:
        data_table(
            waiting, column_config=obligation_columns.entities(), key="obligaciones_entidades"
        )
        st.caption("Entidades con envíos esperando: las que más esperan primero.")
    with st.expander("Última revisión por entidad e ítem y su origen", icon=":material/history:"):
        items = obligation_loaders.review_items(
            ctx.source, ctx.datos_al, clock.today, clock.timezone, scope_filters
        )
        data_table(
            views.item_rows(items, ITEM_LABELS),
            column_config=obligation_columns.items(),
            key="obligaciones_items",
        )


def _attachment_label(by_id: dict[int, tuple[str, str]], attachment_id: int) -> str:
    if attachment_id not in by_id:
        return str(attachment_id)
    name, owner = by_id[attachment_id]
    kind, _, number = owner.partition(":")
    return f"{name} ({views.KIND_LABELS.get(kind, kind).lower()} N.º {number})"
