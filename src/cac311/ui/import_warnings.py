"""Import warnings on the Importar and Calidad de datos pages (drawing only; the shapes are in
`ui.views.quality`, the data in `loaders`).

A warning never rejects a case: it says which descriptive value of an imported case was stored
differently from the file (SPEC §6). Both pages show them next to the quarantine, the same way.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from cac311.ingest.importer import ImportReport
from cac311.ingest.reasons import WARNINGS
from cac311.ui import loaders
from cac311.ui.audit import audit
from cac311.ui.columns import count_column, text_column
from cac311.ui.errors import stop_on_error
from cac311.ui.format import csv_bytes, fmt_int
from cac311.ui.loaders import Source
from cac311.ui.views.quality import warning_counts, warning_table, warnings_export
from cac311.ui.widgets import data_table

ROWS_SHOWN = 200
EXPLANATION = (
    "Un aviso no rechaza el caso: el caso se importó y cuenta en todas las cifras; sólo un dato "
    "descriptivo (provincia, sla_days, canal, categoría o distrito) se guardó sin dato o "
    "recortado."
)


def warning_row_columns() -> dict[str, Any]:
    """Column settings of a table of warning rows (`ui.views.quality.warnings_export`)."""
    return {
        "linea": st.column_config.NumberColumn("Línea", format="%d"),
        "id": text_column("Identificador", "case_id del caso importado."),
        "campo": text_column("Campo"),
        "codigo": text_column("Código"),
        "aviso": text_column("Aviso"),
        "valor_original": text_column("Valor en el archivo"),
        "valor_guardado": text_column("Valor guardado", "«—»: se guardó sin dato."),
    }


def warnings_table(table: pl.DataFrame, key: str) -> None:
    """Warnings per code and field (`ui.views.quality.warning_table`)."""
    data_table(
        table,
        column_config={
            "code": text_column("Código", "Código estable del aviso."),
            "aviso": text_column("Aviso"),
            "campo": text_column("Campo"),
            "valores": count_column("Valores", "Valores guardados sin dato o recortados."),
        },
        column_order=["aviso", "campo", "valores", "code"],
        key=key,
    )


def report_warnings(report: ImportReport, *, preview: bool, key: str) -> None:
    """The warnings of an import (or of its preview): how many, per kind, and the first rows."""
    if not report.warned:
        return
    st.warning(
        f"{fmt_int(report.warned)} avisos: valores descriptivos que "
        + ("se guardarían" if preview else "se guardaron")
        + f" sin dato o recortados. {EXPLANATION}",
        icon=":material/info:",
    )
    warnings_table(warning_table(warning_counts(report.warnings), WARNINGS), key=f"{key}_avisos")
    if preview:
        st.markdown("**Primeros avisos**")
        data_table(
            warnings_export(report.first_warnings(20), WARNINGS),
            column_config=warning_row_columns(),
            key=f"{key}_avisos_filas",
        )


def batch_warnings(source: Source, email: str | None, batch_id: int | None) -> None:
    """Calidad de datos: warnings per kind (of one batch or all) and one batch's rows (download)."""
    st.subheader("Avisos de importación por tipo")
    st.caption(EXPLANATION)
    with stop_on_error("leer los avisos de importación"):
        table = warning_table(loaders.import_warnings_by_code(source, batch_id), WARNINGS)
    if table.is_empty():
        st.success("No hay avisos de importación" + (" en este lote." if batch_id else "."))
        return
    warnings_table(table, key="calidad_avisos")
    if batch_id is None:
        st.caption("Elija un lote para ver y descargar sus avisos.")
        return
    with stop_on_error("leer los avisos del lote"):
        rows = warnings_export(loaders.import_warning_rows(source, batch_id), WARNINGS)
    data_table(
        rows.head(ROWS_SHOWN), column_config=warning_row_columns(), key="calidad_avisos_filas"
    )
    if rows.height > ROWS_SHOWN:
        st.caption(f"Se muestran los primeros {ROWS_SHOWN} de {fmt_int(rows.height)} avisos.")

    def _audit_download(batch: int, count: int) -> None:
        audit(source.url, email, "export", f"avisos lote={batch} filas={count}")

    st.download_button(
        f"Descargar los {fmt_int(rows.height)} avisos del lote {fmt_int(batch_id)} (CSV)",
        data=csv_bytes(rows),
        file_name=f"avisos_lote_{batch_id}.csv",
        mime="text/csv",
        key="calidad_descarga_avisos",
        icon=":material/download:",
        on_click=_audit_download,
        args=(batch_id, rows.height),
    )
