"""Column settings of the dashboard's tables: Spanish labels, the metric definition on hover,
Panama number formats (`1,234` / `88.2`) and dd/mm/aaaa dates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import polars as pl
import streamlit as st

from cac311.ingest.kinds import KIND_LABELS
from cac311.ui.format import definition, metric_label, metric_unit
from cac311.ui.widgets import data_table

INT_FORMAT: Final = "%,d"
DEC_FORMAT: Final = "%,.1f"
DATETIME_FORMAT: Final = "DD/MM/YYYY HH:mm"
# Kinds of import batches: the import kinds, plus the synthetic data of `cac311 demo`.
BATCH_KIND_LABELS: Final[dict[str, str]] = {**KIND_LABELS, "demo": "demostración"}


def metric_column(code: str, label: str | None = None) -> Any:
    """The column config of a metric column: its label, definition on hover, unit format."""
    text = label or metric_label(code)
    unit = metric_unit(code)
    if unit in ("casos", "traslados", "posición"):
        return st.column_config.NumberColumn(text, help=definition(code), format=INT_FORMAT)
    if unit in ("%", "días", "horas"):
        return st.column_config.NumberColumn(text, help=definition(code), format=DEC_FORMAT)
    return st.column_config.TextColumn(text, help=definition(code) or None)


def metric_columns(codes: Iterable[str]) -> dict[str, Any]:
    return {code: metric_column(code) for code in codes}


def count_column(label: str, help_text: str | None = None) -> Any:
    return st.column_config.NumberColumn(label, help=help_text, format=INT_FORMAT)


def time_column(label: str, help_text: str | None = None) -> Any:
    """A local date-time (the frame already converted to Panama time)."""
    return st.column_config.DatetimeColumn(label, help=help_text, format=DATETIME_FORMAT)


def text_column(label: str, help_text: str | None = None) -> Any:
    return st.column_config.TextColumn(label, help=help_text)


def quarantine_row_columns() -> dict[str, Any]:
    """Column settings of a table of quarantined rows (Calidad de datos and the import preview)."""
    return {
        "linea": st.column_config.NumberColumn("Línea", format="%d"),
        "codigo": text_column("Código"),
        "motivo": text_column("Motivo"),
        "detalle": text_column("Detalle"),
        "fila": text_column("Fila original", "Los valores leídos del archivo (JSON)."),
    }


def reasons_table(reasons: pl.DataFrame, key: str) -> None:
    """Quarantined rows per reason (`cac311.ui.views.quality.reason_table`): reason, rows, code."""
    data_table(
        reasons,
        column_config={
            "reason": text_column("Código", "Código estable del motivo."),
            "motivo": text_column("Motivo"),
            "filas": count_column("Filas"),
        },
        column_order=["motivo", "filas", "reason"],
        key=key,
    )
