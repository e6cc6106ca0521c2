"""`cac311 export report` on SQLite and PostgreSQL: every figure of every PDF is the publication
CSV's, read back from the PDF's text.

The dataset is the publication's golden one (`tests/export/publication_data.py`, hand-computed
there): month 2026-10, datos_al 10/11/2026, ALC ranked 1st and CSS 2nd with n ≥ 3. One kaleido
browser serves every test of this module (`renderer` fixture).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cac311.cli import main
from cac311.export.publication import build_bundle
from cac311.report.build import write_reports
from cac311.report.pdf import ReportRenderer
from tests import analytics_calls as calls
from tests.conftest import url_of
from tests.export.publication_data import MONTH, SETTINGS, load_dataset
from tests.report.support import csv_rows, pdf_text, printed_figures

EXPECTED_FILES = sorted(
    f"informe_311_{MONTH}_{key}.pdf" for key in ("ALC", "CSS", "IDAAN", "MIN", "ZZZ", "nacional")
)


@pytest.fixture(scope="module")
def renderer() -> Iterator[ReportRenderer]:
    """One browser for the whole module (charts drawn by kaleido on Debian's chromium)."""
    with ReportRenderer(browser_path=SETTINGS.chart_browser) as shared:
        assert shared.charts_available, shared.charts_problem
        yield shared


@pytest.fixture
def dataset(engine: Engine) -> Engine:
    return load_dataset(engine)


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
def test_every_figure_of_every_pdf_is_the_publication_csv(
    dataset: Engine, renderer: ReportRenderer, tmp_path: Path, mode: str
) -> None:
    run = write_reports(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, mode),
        out_dir=tmp_path,
        entity="all",
        renderer=renderer,
    )
    assert run.charts_problem is None
    assert sorted(p.name for p in run.paths) == EXPECTED_FILES
    bundle = build_bundle(dataset, SETTINGS, period=calls.period(MONTH, mode))
    published = csv_rows(bundle.files[f"estadisticas_311_{MONTH}.csv"])
    assert set(published) == {"ALC", "CSS", "IDAAN", "MIN", "ZZZ", "TOTAL"}
    mode_text = "días calendario" if mode == "calendario" else "días hábiles"
    for entity_id, row in published.items():
        key = "nacional" if entity_id == "TOTAL" else entity_id
        text = pdf_text(tmp_path / f"informe_311_{MONTH}_{key}.pdf")
        figures = printed_figures(text)
        for column, value in figures.items():
            assert value == row[column], (entity_id, column, value, row[column])
        assert "Datos al 10/11/2026" in text
        assert mode_text in text
        assert row["entidad"] in " ".join(text.split()), entity_id
        assert "Tendencia de 13 meses" in text and "Gráfico omitido" not in text


def test_changes_position_and_oldest_overdue_by_hand(
    dataset: Engine, renderer: ReportRenderer, tmp_path: Path
) -> None:
    write_reports(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, "calendario"),
        out_dir=tmp_path,
        entity="ALC",
        renderer=renderer,
    )
    text = pdf_text(tmp_path / f"informe_311_{MONTH}_ALC.pdf")
    lines = text.splitlines()
    # ALC received A1 and A2 in September (2) and 5 in October: +3 (+150.0 %); no data a year
    # earlier (the data start in 2026-06), so no year-over-year comparison.
    assert "Recibidos 5 +3 (+150.0 %) —" in lines
    # September: ALC closed nothing and had 1 vencido (A6): n = 1 < 3, not ranked then.
    assert "Posición 1 de 2 en el ranking del mes (no clasificó el mes anterior)." in lines
    assert "ALC · Sector: Municipio" in lines
    assert "Vencidos al 31/10/2026: 1" in text
    # The oldest overdue case at the month's end: A6, created 15/08, 77 days old on 31/10.
    assert re.search(r"^A6 77 Queja general 15/08/2026$", text, re.M), text
    assert "Cifras idénticas a estadisticas_311_2026-10.csv" in " ".join(text.split())


def test_national_report_lists_the_entities_with_most_overdue(
    dataset: Engine, renderer: ReportRenderer, tmp_path: Path
) -> None:
    write_reports(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, "calendario"),
        out_dir=tmp_path,
        renderer=renderer,
    )
    text = pdf_text(tmp_path / f"informe_311_{MONTH}_nacional.pdf")
    assert "Total nacional" in text
    assert "2 entidades clasifican en el ranking del mes" in text
    # ALC, CSS and MIN have 1 vencido each; ties by code.
    assert re.search(r"^ALC Alcaldía de Panamá 1 60\.0 %$", text, re.M), text
    assert re.search(r"^MIN Ministerio Inactivo 1 0\.0 %$", text, re.M), text


def test_names_are_printed_as_text_never_as_markup(
    dataset: Engine, renderer: ReportRenderer, tmp_path: Path
) -> None:
    write_reports(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, "calendario"),
        out_dir=tmp_path,
        entity="ZZZ",
        renderer=renderer,
    )
    write_reports(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, "calendario"),
        out_dir=tmp_path,
        entity="CSS",
        renderer=renderer,
    )
    assert '=HYPERLINK("http://x")' in pdf_text(tmp_path / f"informe_311_{MONTH}_ZZZ.pdf")
    assert 'Caja de Seguro Social; sede "central"' in pdf_text(
        tmp_path / f"informe_311_{MONTH}_CSS.pdf"
    )


def test_cli_one_entity_and_partial_month(
    dataset: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAC311_RANKING_MIN_N", "3")
    monkeypatch.setenv("CAC311_NAVEGADOR", str(tmp_path / "sin-navegador"))
    out = tmp_path / "informes"
    argv = ["export", "report", "--month", "2026-11", "--out", str(out), "--allow-partial"]
    assert main([*argv, "--database-url", url_of(dataset)]) == 0
    lines = capsys.readouterr().out.splitlines()
    name = "informe_311_2026-11_parcial_nacional.pdf"
    assert lines[0] == f"Escrito {out / name}"
    assert lines[1].startswith("Aviso: gráficos omitidos (no se encontró Chromium en ")
    assert len(lines) == 2
    text = pdf_text(out / name)
    assert "Mes parcial" in text and "no son definitivas" in text
    assert "Gráfico omitido" in text
    assert printed_figures(text)["recibidos"] == "1"  # A10, created 01/11 (Z1 is anulado)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--month", "2026-11"],
            "Error: El mes 2026-11 aún no está completo (datos al 10/11/2026); use "
            "--allow-partial para exportarlo marcado como parcial.",
        ),
        (
            ["--month", "2026-1"],
            "Error: --month: Mes inválido: '2026-1' (use AAAA-MM, por ejemplo 2026-10)",
        ),
        (
            ["--month", MONTH, "--entity", "NOPE"],
            "Error: No existe la entidad 'NOPE' (use su código, por ejemplo MINSA, o all).",
        ),
        (
            ["--month", MONTH, "--entity", "OLD"],
            "Error: La entidad OLD no figura en la publicación de 2026-10: está inactiva y no "
            "tiene casos contados en el mes.",
        ),
    ],
)
def test_cli_refuses_with_one_line(
    dataset: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "informes"
    code = main(["export", "report", "--out", str(out), *extra, "--database-url", url_of(dataset)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.splitlines() == [message]
    assert captured.out == ""
    assert not out.exists()


def test_batch_changes_equal_the_entity_pages(dataset: Engine) -> None:
    """With several entities the KPI changes come from one split trend: they must equal what
    the Entidad page shows for each entity (the KPI changes filtered to it)."""
    from cac311.filters import CaseFilters
    from cac311.report.data import load_report_set

    report_set = load_report_set(
        dataset, SETTINGS, period=calls.period(MONTH, "calendario"), entity="all"
    )
    for report in report_set.reports:
        if report.entidad_id is None:
            continue
        filters = CaseFilters(entity_ids=(report.entidad_id,))
        page = calls.kpi_deltas(dataset, SETTINGS, MONTH, "calendario", filters)
        assert [k.__dict__ for k in report.kpis] == [
            {"code": row.pop("kpi"), **{k: v for k, v in row.items() if k != "parcial"}}
            for row in page.iter_rows(named=True)
        ], report.entidad_id


def test_pages_reused_between_charts_draw_only_the_new_chart(renderer: ReportRenderer) -> None:
    """A page is reloaded only every RELOAD_EVERY charts: each chart must still replace the one
    before it on that page (no trace of the previous figure in the next SVG)."""
    import plotly.graph_objects as go

    from cac311.report.svg import RELOAD_EVERY, TABS

    assert renderer.svg is not None
    names = [f"SERIE{i:02d}" for i in range(2 * TABS + 1)]
    assert len(names) < RELOAD_EVERY
    figures = [go.Figure(go.Bar(name=name, x=[1, 2], y=[i, 2])) for i, name in enumerate(names)]
    for figure in figures:
        figure.update_layout(showlegend=True)
    svgs = renderer.svg.render_many(figures, 300, 200)
    for name, svg in zip(names, svgs, strict=True):
        assert svg is not None
        assert [n for n in names if n.encode() in svg] == [name]
