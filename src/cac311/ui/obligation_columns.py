"""Column settings (labels, help from the metric definitions, formats) of the obligation tables:
the submissions, the review items and the per-entity summary. Kept apart from the Streamlit
pieces that show them (`obligations_ui`), as a table of labels, not logic.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from cac311.ui.columns import count_column, text_column, time_column
from cac311.ui.format import definition, metric_label


def submissions() -> dict[str, Any]:
    return {
        "submission_id": st.column_config.NumberColumn("N.º", format="%d"),
        "tipo": text_column("Tipo"),
        "entidad_id": text_column("Entidad", definition("entidad_id")),
        "detalle": text_column("Detalle", "Ítem revisado (y si hubo cambios) o título."),
        "estado": text_column(
            "Estado",
            "Pendiente de validación, validado o devuelto por el Asesor de Calidad.",
        ),
        "recibido": time_column("Recibido", "Hora local en que el tablero recibió el envío."),
        "antiguedad_dias": count_column(
            metric_label("antiguedad_dias"), definition("antiguedad_dias")
        ),
        "medios": time_column("Medios (previsto)", "Hora local prevista de publicación."),
        "anticipacion_horas": st.column_config.NumberColumn(
            metric_label("anticipacion_horas"),
            help=definition("anticipacion_horas"),
            format="%,.1f",
        ),
        "adjunto": text_column("Adjunto"),
        "submitted_by": text_column("Enviado por"),
        "return_reason": text_column("Motivo de devolución"),
        "decidido": time_column("Decidido", "Hora local de la validación o devolución."),
        "decided_by": text_column("Decidido por"),
    }


def items() -> dict[str, Any]:
    return {
        "item": text_column("Ítem"),
        "ultima_revision": st.column_config.DateColumn(
            metric_label("ultima_revision"),
            help=definition("ultima_revision"),
            format="DD/MM/YYYY",
        ),
        "origen": text_column(metric_label("origen"), definition("origen")),
        "estado": text_column(
            "Estado (fecha de corte)",
            "Estado de actualización en la fecha de corte de los datos: " + definition("estado"),
        ),
        "edad_dias": count_column("Edad (días)", definition("edad_dias")),
        "revisiones_pendientes": count_column(
            "Pendientes de validación", definition("revisiones_pendientes")
        ),
        "pendiente_desde": time_column(
            metric_label("pendiente_desde"), definition("pendiente_desde")
        ),
        "dias_pendiente": count_column(
            metric_label("dias_pendiente"), definition("dias_pendiente")
        ),
        "revisiones_devueltas": count_column(
            "Devueltas sin corregir", definition("revisiones_devueltas")
        ),
        "entidad_id": text_column("Código", definition("entidad_id")),
        "entidad": text_column("Entidad"),
    }


def entities() -> dict[str, Any]:
    return {
        "entidad_id": text_column("Código", definition("entidad_id")),
        "entidad": text_column("Entidad"),
        "sector": None,
        "revisiones_pendientes": count_column(
            "Revisiones pendientes", definition("revisiones_pendientes")
        ),
        "dias_pendiente": count_column("Días de la más antigua", definition("dias_pendiente")),
        "revisiones_devueltas": count_column(
            "Revisiones devueltas", definition("revisiones_devueltas")
        ),
        "comunicados": count_column(metric_label("comunicados"), definition("comunicados")),
        "pct_con_anticipacion": st.column_config.NumberColumn(
            "% antes que los medios", help=definition("pct_con_anticipacion"), format="%,.1f"
        ),
        "comunicados_pendientes": count_column(
            "Comunicados pendientes", definition("comunicados_pendientes")
        ),
        "comunicados_devueltos": count_column(
            "Comunicados devueltos", definition("comunicados_devueltos")
        ),
    }
