"""`ReportData` → the strings the PDF template lays out (Spanish, Panama number formats).

Every number is formatted here, once, with the dashboard's formatters (`cac311.ui.format`:
`1,234`, `75.0 %`, `17.5`, "—" for an empty figure); the Typst template only places strings.
Data (entity names, categories, case ids) travel as JSON strings and are shown as text, never
read as markup, so a name like `#set text(red)` or `=HYPERLINK(...)` prints as itself.
"""

from __future__ import annotations

from typing import Any, Final

from cac311.report.model import ReportData
from cac311.ui.format import (
    CASE_TYPE_LABELS,
    EMPTY,
    FRESHNESS_LABELS,
    ITEM_LABELS,
    MODE_LABELS,
    MONTH_NAMES,
    SECTOR_LABELS,
    fmt_date,
    fmt_dec,
    fmt_delta,
    fmt_int,
    fmt_metric,
    fmt_pct,
    label,
    metric_label,
    month_long,
)
from cac311.ui.views.ranking import change_sentence, change_text
from metrics.period import Month

# The publication CSV's figures, in its column order: the report prints each one.
FIGURE_CODES: Final[tuple[str, ...]] = (
    "recibidos",
    "cerrados",
    "cerrados_en_plazo",
    "cerrados_fuera_de_plazo",
    "pct_cerrados_en_plazo",
    "abiertos_fin_mes",
    "vencidos_fin_mes",
    "indice_cumplimiento",
    "mediana_dias",
    "p90_dias",
    "cohorte_en_plazo_pct",
    "cohorte_madura",
    "posicion",
)
MAX_TEXT: Final = 42  # a category or an entity name in a list, so the page stays one page
MAX_TITLE: Final = 160
AUTHOR: Final = "AIG — Centro de Atención Ciudadana 3-1-1"


def short(text: str | None, limit: int = MAX_TEXT) -> str:
    """`text` cut to `limit` characters with "…" (control characters become spaces)."""
    if text is None:
        return EMPTY
    clean = " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


def month_short(month: Month) -> str:
    """2026-10 → "oct. 2026"."""
    year, number = divmod(month.yyyymm, 100)
    return f"{MONTH_NAMES[number - 1][:3]}. {year}"


def figure_text(code: str, value: Any) -> str:
    """A publication figure as the report prints it."""
    if code == "cohorte_madura":
        return {"si": "sí", "no": "no"}.get(str(value), EMPTY) if value is not None else EMPTY
    if code == "posicion":
        return fmt_int(value)
    return fmt_metric(code, value)


def _change(code: str, delta: float | None, pct: float | None) -> str:
    return fmt_delta(code, delta, pct) or EMPTY


def _headline(data: ReportData) -> dict[str, str]:
    partial = " (mes parcial)" if data.parcial else ""
    where = (
        "Total nacional: todas las entidades"
        if data.is_national
        else f"{data.entidad_id} · Sector: {label(SECTOR_LABELS, data.sector)}"
    )
    return {
        "encabezado": f"Informe mensual 311 · {month_long(data.periodo)}{partial}",
        "entidad": short(data.entidad, MAX_TITLE),
        "subtitulo": where,
        "sello": (
            f"Datos al {fmt_date(data.datos_al)} · {MODE_LABELS.get(data.dias, data.dias)} · "
            f"plazo legal {data.legal_limit_days} días"
        ),
        "indice": figure_text("indice_cumplimiento", data.figures["indice_cumplimiento"]),
    }


def _position_line(data: ReportData) -> str:
    pos = data.position
    if pos is None:
        return ""
    if data.is_national:
        return (
            f"{pos.clasificadas} entidades clasifican en el ranking del mes (n ≥ {pos.min_n} "
            "casos evaluados; orden por el límite inferior de Wilson al 95 %)."
        )
    if pos.posicion is not None:
        change = change_sentence(
            change_text(pos.posicion, pos.posicion_anterior, pos.cambio_posicion)
        )
        return f"Posición {pos.posicion} de {pos.clasificadas} en el ranking del mes ({change})."
    if pos.n == 0:
        return "No participa en el ranking del mes: sin casos cerrados ni vencidos."
    return (
        f"No clasifica en el ranking del mes: n = {fmt_int(pos.n)} casos evaluados, menos de "
        f"{pos.min_n}."
    )


def _kpi_rows(data: ReportData) -> list[dict[str, str]]:
    changes = {k.code: k for k in data.kpis}
    rows = []
    for code in FIGURE_CODES:
        change = changes.get(code)
        rows.append(
            {
                "etiqueta": metric_label(code),
                "valor": figure_text(code, data.figures[code]),
                "mes": _change(code, change.delta_mes, change.delta_mes_pct) if change else "",
                "anio": _change(code, change.delta_anio, change.delta_anio_pct) if change else "",
            }
        )
    return rows


def _overdue(data: ReportData) -> dict[str, Any]:
    total = figure_text("vencidos_fin_mes", data.figures["vencidos_fin_mes"])
    return {
        "titulo": f"Vencidos al {fmt_date(data.fin_mes)}: {total}",
        "nota": (
            f"Casos abiertos al cierre del mes por días de antigüedad; en rojo, los tramos de más "
            f"de {data.legal_limit_days} días (vencidos)."
        ),
        "tramos": [
            {"tramo": b.tramo, "casos": fmt_int(b.casos), "vencido": b.vencido} for b in data.aging
        ],
        "casos": [
            {
                "caso": short(c.case_id, 24),
                "edad": fmt_int(c.edad_dias),
                "tipo": label(CASE_TYPE_LABELS, c.case_type),
                "categoria": short(c.category, 26),
                "creado": fmt_date(c.created_on),
            }
            for c in data.oldest_overdue
        ],
        "entidades": [
            {
                "codigo": e.entidad_id,
                "entidad": short(e.entidad, 34),
                "vencidos": fmt_int(e.vencidos_fin_mes),
                "indice": fmt_pct(e.indice_cumplimiento),
            }
            for e in data.top_overdue
        ],
    }


def _directory(data: ReportData) -> dict[str, Any]:
    if data.is_national:
        return {
            "titulo": f"Directorio al {fmt_date(data.datos_al)}",
            "resumen": "Entidades activas por estado general del directorio, SLA y base de "
            "conocimiento (su peor ítem):",
            "filas": [
                {"a": FRESHNESS_LABELS.get(status, status), "b": fmt_int(count), "c": "", "d": ""}
                for status, count in data.freshness_counts.items()
            ],
            "encabezado": ["Estado", "Entidades", "", ""],
        }
    return {
        "titulo": f"Directorio al {fmt_date(data.datos_al)}",
        "resumen": (
            "Directorio, SLA y base de conocimiento; estado general: "
            f"{label(FRESHNESS_LABELS, data.freshness_general)}."
            if data.freshness_general
            else "La entidad no está activa: sin evaluación del directorio."
        ),
        "filas": [
            {
                "a": ITEM_LABELS.get(item.item, item.item),
                "b": FRESHNESS_LABELS.get(item.estado, item.estado),
                "c": fmt_date(item.ultima_revision),
                "d": fmt_int(item.edad_dias),
            }
            for item in data.freshness
        ],
        "encabezado": ["Ítem", "Estado", "Revisión", "Días"],
    }


def _releases(data: ReportData) -> list[str]:
    r = data.releases
    if r is None or r.comunicados == 0:
        return ["Sin comunicados de prensa recibidos por el 311 en el mes."]
    horas = (
        f"{fmt_dec(r.mediana_anticipacion_horas)} horas"
        if r.mediana_anticipacion_horas is not None
        else EMPTY
    )
    return [
        f"Comunicados recibidos por el 311: {fmt_int(r.comunicados)}",
        f"Con anticipación (antes que los medios): {fmt_int(r.con_anticipacion)} "
        f"({fmt_pct(r.pct_con_anticipacion)})",
        f"Mediana de anticipación: {horas}",
    ]


def _definitions(data: ReportData) -> list[str]:
    limit = data.legal_limit_days
    mode = (
        "días calendario entre la creación y el cierre"
        if data.dias == "calendario"
        else "días hábiles (lunes a viernes sin feriados de Panamá ni días libres decretados)"
    )
    return [
        f"Días de atención: {mode}. En plazo: {limit} días o menos.",
        "Índice de cumplimiento = cerrados en plazo / (cerrados + vencidos al cierre del mes); "
        "los casos abiertos vencidos cuentan como incumplimientos.",
        f"Vencidos: abiertos al último día del mes con más de {limit} días. Mediana y percentil "
        "90: días de atención de los casos cerrados en el mes.",
        "Cohorte: de los recibidos en el mes, % ya cerrado en plazo a la fecha de corte; madura "
        f"cuando todos tuvieron sus {limit} días.",
        f"Ranking: límite inferior de Wilson al 95 % entre las entidades con n ≥ "
        f"{data.ranking_min_n} (n = cerrados + vencidos).",
        "Cambios: contra el mes anterior y el mismo mes del año anterior; pp = puntos "
        "porcentuales. Casos anulados excluidos.",
    ]


def template_data(data: ReportData, *, chart_note: str | None = None) -> dict[str, Any]:
    """The JSON the Typst template reads (`sys.inputs.data`)."""
    previous, last_year = data.periodo.shift(-1), data.periodo.shift(-12)
    place = "Total nacional" if data.is_national else f"{data.entidad_id} {short(data.entidad, 60)}"
    return {
        "documento": {
            "titulo": f"Informe 311 {data.periodo} — {place}",
            "autor": AUTHOR,
        },
        **_headline(data),
        "parcial": data.parcial,
        "aviso_parcial": (
            f"Mes parcial: el mes no había terminado en la fecha de corte "
            f"({fmt_date(data.datos_al)}); estas cifras no son definitivas."
        ),
        "posicion": _position_line(data),
        "kpi_encabezado": [
            "Indicador",
            month_short(data.periodo),
            f"vs {month_short(previous)}",
            f"vs {month_short(last_year)}",
        ],
        "kpis": _kpi_rows(data),
        "grafico_titulo": "Tendencia de 13 meses",
        "grafico_nota": chart_note or "",
        "vencidos": _overdue(data),
        "directorio": _directory(data),
        "comunicados": _releases(data),
        "definiciones": _definitions(data),
        "pie": (
            f"Cifras idénticas a {data.publication_file} (datos abiertos del 311) · "
            f"definiciones versión {data.definitions_version} · Tablero 311 — AIG"
        ),
    }
