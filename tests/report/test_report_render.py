"""The PDF layout from hand-made `ReportData` (no database, no browser): one page whatever the
names, data printed as text, and the same bytes for the same data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cac311.report.model import (
    AgingBucket,
    FreshnessItem,
    KpiChange,
    OverdueCase,
    Position,
    Releases,
    ReportData,
    TrendPoint,
)
from cac311.report.pdf import ReportRenderer
from cac311.report.view import FIGURE_CODES
from metrics.period import DayMode, Month
from tests.report.support import pdf_pages, pdf_text, printed_figures

FIGURES = {
    "periodo": "2026-10",
    "entidad_id": "MOP",
    "entidad": "Ministerio de Obras Públicas",
    "sector": "ministerio",
    "recibidos": 12345,
    "cerrados": 11002,
    "cerrados_en_plazo": 9876,
    "cerrados_fuera_de_plazo": 1126,
    "pct_cerrados_en_plazo": 89.8,
    "abiertos_fin_mes": 3456,
    "vencidos_fin_mes": 789,
    "indice_cumplimiento": 83.8,
    "mediana_dias": 12.5,
    "p90_dias": 41.0,
    "cohorte_en_plazo_pct": None,
    "cohorte_madura": "no",
    "posicion": 7,
}


def report(**changes: object) -> ReportData:
    base = ReportData(
        periodo=Month.parse("2026-10"),
        dias=DayMode.CALENDARIO,
        parcial=False,
        datos_al=date(2026, 11, 10),
        fin_mes=date(2026, 10, 31),
        entidad_id="MOP",
        entidad="Ministerio de Obras Públicas",
        sector="ministerio",
        figures=FIGURES,
        kpis=(KpiChange("recibidos", 12345.0, 12000.0, 345.0, 2.9, None, None, None),),
        position=Position(7, 9, 2, 41, 11791, 20),
        trend=tuple(
            TrendPoint(f"2026-{m:02d}", 1000 + m, 900 + m, 50, 80.0 + m / 10, False)
            for m in range(1, 11)
        ),
        aging=(AgingBucket("0–10", 5, False), AgingBucket(">90", 9, True)),
        oldest_overdue=tuple(
            OverdueCase(f"311-2026-{i:07d}", 400 - i, "queja", "x" * 90, date(2025, 9, 1))
            for i in range(5)
        ),
        freshness=(FreshnessItem("directorio", "vencido", date(2026, 1, 2), 312),),
        freshness_general="sin_registro",
        releases=Releases(4, 3, 75.0, 12.5),
        publication_file="estadisticas_311_2026-10.csv",
        definitions_version="2026.11-1",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def renderer() -> ReportRenderer:
    return ReportRenderer(charts=False)


def test_figures_are_printed_in_panama_format(renderer: ReportRenderer) -> None:
    text = pdf_text(renderer.render(report()))
    assert printed_figures(text) == {
        code: "" if FIGURES[code] is None else str(FIGURES[code]) for code in FIGURE_CODES
    }
    lines = text.splitlines()
    assert "Recibidos 12,345 +345 (+2.9 %) —" in lines
    assert (
        "Posición 7 de 41 en el ranking del mes (subió 2 lugares respecto al mes anterior)."
        in lines
    )
    assert "Gráfico omitido: gráficos desactivados. Las cifras de la tabla están completas." in text


@pytest.mark.parametrize(
    "name",
    [
        '#set text(red) *negrita* $x^2$ <etiqueta> @ref #import "x.typ" ]) \\',
        "Entidad con un nombre larguísimo " * 9,  # 300 characters: the column's maximum
        'Caja de Seguro Social; sede "central"\r\ncon salto',
    ],
)
def test_any_name_stays_text_on_one_page(renderer: ReportRenderer, name: str) -> None:
    pdf = renderer.render(report(entidad=name))
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    flat = " ".join(pages[0].split())
    expected = " ".join(name.split())
    assert expected[:120] in flat


def test_same_data_same_bytes(renderer: ReportRenderer) -> None:
    assert renderer.render(report()) == renderer.render(report())


def test_partial_and_national(renderer: ReportRenderer) -> None:
    national = report(
        entidad_id=None,
        entidad="Total nacional",
        sector=None,
        parcial=True,
        position=Position(None, None, None, 41, 0, 20),
        oldest_overdue=(),
        freshness=(),
        freshness_counts={"al_dia": 30, "por_vencer": 5, "vencido": 4, "sin_registro": 2},
    )
    text = pdf_text(renderer.render(national))
    assert "41 entidades clasifican en el ranking del mes" in text
    assert "Mes parcial: el mes no había terminado en la fecha de corte" in " ".join(text.split())
    assert "Al día 30" in text.splitlines()
