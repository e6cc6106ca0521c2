"""The monthly report end to end: `cac311 export report` and the dashboard's PDF downloads.

One code path: `data.load_report_set` (figures of the publication) → `pdf.ReportRenderer` (one
browser for the whole batch) → files written atomically like the publication bundle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.export.publication import write_files
from cac311.report.data import ALL, load_report_set
from cac311.report.model import ReportSet, report_file_name
from cac311.report.pdf import ReportRenderer
from metrics.period import Period

CHART_BATCH = 16  # charts sent to the browser at once (memory stays small, both pages busy)


@dataclass(frozen=True)
class ReportRun:
    """What `write_reports` did: the files written and, when charts were left out, why."""

    paths: tuple[Path, ...]
    charts_problem: str | None


def render_set(
    report_set: ReportSet,
    settings: Settings,
    *,
    charts: bool = True,
    renderer: ReportRenderer | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, bytes], str | None]:
    """{file name: PDF bytes} for every report of the set, and why charts were left out.

    `renderer`: an already started one (its browser is reused); else one is started for this
    batch and closed after it."""
    if renderer is None:
        with ReportRenderer(charts=charts, browser_path=settings.chart_browser) as own:
            return render_set(report_set, settings, renderer=own, progress=progress)
    files: dict[str, bytes] = {}
    reports = report_set.reports
    for start in range(0, len(reports), CHART_BATCH):
        batch = reports[start : start + CHART_BATCH]
        for report, pdf in zip(batch, renderer.render_many(batch), strict=True):
            name = report_file_name(report.periodo, report.parcial, report.file_key)
            files[name] = pdf
            if progress is not None:
                progress(name)
    return files, renderer.charts_problem


def write_reports(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    out_dir: Path,
    entity: str | None = None,
    allow_partial: bool = False,
    charts: bool = True,
    renderer: ReportRenderer | None = None,
    generated_at: datetime | None = None,
) -> ReportRun:
    """Write the report(s) of `period` into `out_dir`: the national one (entity None), one
    entity's, or every entity's plus the national one (entity "all")."""
    if renderer is None:
        with ReportRenderer(charts=charts, browser_path=settings.chart_browser) as own:
            return write_reports(
                engine, settings, period=period, out_dir=out_dir, entity=entity,
                allow_partial=allow_partial, renderer=own, generated_at=generated_at,
            )  # fmt: skip
    if entity == ALL:
        renderer.begin()  # a long batch: the browser starts while the data load
    report_set = load_report_set(
        engine,
        settings,
        period=period,
        entity=entity,
        allow_partial=allow_partial,
        generated_at=generated_at,
    )
    files, problem = render_set(report_set, settings, renderer=renderer)
    paths = write_files(files, Path(out_dir))
    return ReportRun(tuple(paths), problem)


def report_pdf(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    entity_id: str | None,
    allow_partial: bool,
) -> tuple[str, bytes]:
    """(file name, PDF bytes) of one report — the Entidad and Resumen downloads."""
    report_set = load_report_set(
        engine, settings, period=period, entity=entity_id, allow_partial=allow_partial
    )
    files, _problem = render_set(report_set, settings)
    ((name, data),) = files.items()
    return name, data
