"""The monthly report's data as plain frozen values (no frames, no engine, no analytics calls).

`cac311.report.data` is the only module that asks the analytics API; it fills these. The
renderer (`view`, `charts`, `pdf`), the mailer and the delivery logic depend only on this module,
so the analytics behind them can change without touching them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from metrics.period import DayMode, Month

Value = int | float | str | None


@dataclass(frozen=True)
class KpiChange:
    """One monthly KPI of SPEC §3 with its changes vs M−1 and M−12 (`metrics.deltas`)."""

    code: str
    valor: float | None
    mes_anterior: float | None
    delta_mes: float | None
    delta_mes_pct: float | None
    anio_anterior: float | None
    delta_anio: float | None
    delta_anio_pct: float | None


@dataclass(frozen=True)
class TrendPoint:
    """One month of the 13-month trend."""

    periodo: str
    recibidos: int
    cerrados: int
    vencidos_fin_mes: int
    indice_cumplimiento: float | None
    parcial: bool


@dataclass(frozen=True)
class Position:
    """The entity's place in the ranking of M (None fields: not ranked)."""

    posicion: int | None
    posicion_anterior: int | None
    cambio_posicion: int | None
    clasificadas: int
    n: int
    min_n: int


@dataclass(frozen=True)
class AgingBucket:
    tramo: str
    casos: int
    vencido: bool


@dataclass(frozen=True)
class OverdueCase:
    """An open case over the legal limit at the month's end (case-level, no citizen data)."""

    case_id: str
    edad_dias: int
    case_type: str | None
    category: str | None
    created_on: date


@dataclass(frozen=True)
class OverdueEntity:
    """National report: an entity with many vencidos at the month's end."""

    entidad_id: str
    entidad: str
    vencidos_fin_mes: int
    indice_cumplimiento: float | None


@dataclass(frozen=True)
class FreshnessItem:
    item: str
    estado: str
    ultima_revision: date | None
    edad_dias: int | None


@dataclass(frozen=True)
class Releases:
    comunicados: int
    con_anticipacion: int
    pct_con_anticipacion: float | None
    mediana_anticipacion_horas: float | None


@dataclass(frozen=True)
class ReportData:
    """Everything one report shows. `entidad_id` is None for the national report.

    `figures` is the entity's (or TOTAL's) row of the publication table, column → value, in the
    publication CSV's column order: the report prints these values and nothing recomputed.
    """

    periodo: Month
    dias: DayMode
    parcial: bool
    datos_al: date
    fin_mes: date
    entidad_id: str | None
    entidad: str
    sector: str | None
    figures: Mapping[str, Value]
    kpis: tuple[KpiChange, ...]
    position: Position | None
    trend: tuple[TrendPoint, ...]
    aging: tuple[AgingBucket, ...]
    oldest_overdue: tuple[OverdueCase, ...] = ()
    top_overdue: tuple[OverdueEntity, ...] = ()
    freshness: tuple[FreshnessItem, ...] = ()
    freshness_general: str | None = None
    freshness_counts: Mapping[str, int] = field(default_factory=dict)
    releases: Releases | None = None
    legal_limit_days: int = 30
    ranking_min_n: int = 20
    definitions_version: str = ""
    publication_file: str = ""

    @property
    def is_national(self) -> bool:
        return self.entidad_id is None

    @property
    def file_key(self) -> str:
        """The file name's last part: the entity id, or `nacional`."""
        return self.entidad_id if self.entidad_id is not None else "nacional"


@dataclass(frozen=True)
class ReportSet:
    """The reports of one month and day-count mode, plus the publication bundle's files."""

    periodo: Month
    dias: DayMode
    parcial: bool
    datos_al: date
    reports: tuple[ReportData, ...]
    publication_files: Mapping[str, bytes]
    entity_ids: tuple[str, ...] = ()  # every entity of the publication table

    def report_for(self, entity_id: str | None) -> ReportData | None:
        return next((r for r in self.reports if r.entidad_id == entity_id), None)


def report_file_name(periodo: Month, parcial: bool, file_key: str) -> str:
    """`informe_311_YYYY-MM_<ENTIDAD>.pdf` (`..._parcial_<ENTIDAD>.pdf` for a partial month)."""
    return f"informe_311_{periodo}{'_parcial' if parcial else ''}_{file_key}.pdf"
