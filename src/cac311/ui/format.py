"""How the dashboard writes numbers, dates and codes in Spanish (Panama).

Panama writes numbers like the United States: `,` groups thousands and `.` marks decimals
(`12,345.6`). Dates are dd/mm/aaaa. Figures arrive already rounded per SPEC §3; these helpers only
format them, and an empty figure (None / NaN) is shown as "—". Pure: no Streamlit, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date

import polars as pl

from metrics.definitions import METRIC_DEFINITIONS, MISSING_VALUE
from metrics.period import DayMode, Month

EMPTY = "—"
PARTIAL_MARK = "mes parcial"
IMMATURE_MARK = "cohorte inmadura"
DEMO_BADGE = "Datos de demostración"

MONTH_NAMES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
SECTOR_LABELS: dict[str, str] = {
    "ministerio": "Ministerio",
    "entidad_autonoma": "Entidad autónoma",
    "municipio": "Municipio",
    "empresa_publica": "Empresa pública",
    "otro": "Otro",
}
CASE_TYPE_LABELS: dict[str, str] = {
    "queja": "Queja",
    "denuncia": "Denuncia",
    "reclamo": "Reclamo",
    "solicitud": "Solicitud",
    "consulta": "Consulta",
    "sugerencia": "Sugerencia",
}
CHANNEL_LABELS: dict[str, str] = {
    "llamada": "Llamada (311)",
    "web": "Web",
    "app": "App",
    "correo": "Correo",
    "redes_sociales": "Redes sociales",
    "presencial": "Presencial",
}
PROVINCE_LABELS: dict[str, str] = {
    "PA-1": "Bocas del Toro",
    "PA-2": "Coclé",
    "PA-3": "Colón",
    "PA-4": "Chiriquí",
    "PA-5": "Darién",
    "PA-6": "Herrera",
    "PA-7": "Los Santos",
    "PA-8": "Panamá",
    "PA-9": "Veraguas",
    "PA-10": "Panamá Oeste",
    "PA-EM": "Comarca Emberá-Wounaan",
    "PA-KY": "Comarca Guna Yala",
    "PA-NB": "Comarca Ngäbe-Buglé",
    "PA-NT": "Comarca Naso Tjër Di",
}
FRESHNESS_LABELS: dict[str, str] = {
    "al_dia": "Al día",
    "por_vencer": "Por vencer",
    "vencido": "Vencido",
    "sin_registro": "Sin registro",
}
ITEM_LABELS: dict[str, str] = {
    "directorio": "Directorio",
    "sla": "SLA",
    "base_conocimiento": "Base de conocimiento",
}
MODE_LABELS: dict[DayMode, str] = {
    DayMode.CALENDARIO: "días calendario",
    DayMode.HABILES: "días hábiles",
}


def _is_empty(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_int(value: float | int | None) -> str:
    """`12,345`; "—" when empty."""
    if _is_empty(value):
        return EMPTY
    assert value is not None
    return f"{round(value):,}"


def fmt_dec(value: float | int | None, decimals: int = 1) -> str:
    """`1,234.5`; "—" when empty."""
    if _is_empty(value):
        return EMPTY
    assert value is not None
    return f"{value:,.{decimals}f}"


def fmt_pct(value: float | int | None) -> str:
    """`88.2 %`; "—" when empty."""
    return EMPTY if _is_empty(value) else f"{fmt_dec(value)} %"


def fmt_signed(value: float | int | None, decimals: int = 0) -> str:
    """`+1,234` / `-0.6`; "—" when empty."""
    if _is_empty(value):
        return EMPTY
    assert value is not None
    return f"{value:+,.{decimals}f}"


def fmt_date(value: date | None) -> str:
    """dd/mm/aaaa; "—" when empty."""
    return EMPTY if value is None else value.strftime("%d/%m/%Y")


def datos_al_text(value: date | None) -> str:
    """The stamp every panel carries: "Datos al dd/mm/aaaa"."""
    return "Sin datos" if value is None else f"Datos al {fmt_date(value)}"


def month_long(month: Month) -> str:
    """2026-10 → "octubre de 2026"."""
    year, number = divmod(month.yyyymm, 100)
    return f"{MONTH_NAMES[number - 1]} de {year}"


def month_title(month: Month, partial: bool) -> str:
    """ "octubre de 2026", plus " (mes parcial)" when the month contains datos_al."""
    return month_long(month) + (f" ({PARTIAL_MARK})" if partial else "")


def label(mapping: Mapping[str, str], code: str | None) -> str:
    """The Spanish label of a code; the code itself when unknown; "(sin dato)" for None."""
    if code is None:
        return MISSING_VALUE
    return mapping.get(code, code)


def definition(code: str) -> str:
    """The Spanish definition of a metric, for tooltips (`help=`)."""
    entry = METRIC_DEFINITIONS.get(code)
    return entry.definicion if entry else ""


def metric_label(code: str) -> str:
    entry = METRIC_DEFINITIONS.get(code)
    return entry.etiqueta if entry else code


def metric_unit(code: str) -> str:
    entry = METRIC_DEFINITIONS.get(code)
    return entry.unidad if entry else ""


def fmt_metric(code: str, value: float | int | None) -> str:
    """A figure in its unit: cases as integers, % with one decimal, days with one decimal."""
    unit = metric_unit(code)
    if unit == "%":
        return fmt_pct(value)
    if unit in ("días", "horas"):
        return fmt_dec(value)
    return fmt_int(value)


def fmt_delta(code: str, delta: float | int | None, delta_pct: float | int | None) -> str | None:
    """`+318 (+4.1 %)`, or percentage points for a % figure; None when there is no comparison."""
    if _is_empty(delta):
        return None
    unit = metric_unit(code)
    if unit == "%":
        return f"{fmt_signed(delta, 1)} pp"
    text = fmt_signed(delta, 1 if unit in ("días", "horas") else 0)
    if not _is_empty(delta_pct):
        text += f" ({fmt_signed(delta_pct, 1)} %)"
    return text


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV for downloads: UTF-8 with BOM (so spreadsheets read accents), ISO dates."""
    return "\ufeff".encode() + frame.write_csv().encode("utf-8")
