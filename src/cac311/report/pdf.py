"""`ReportData` → one A4 PDF page (Typst), with the trend chart when a browser is available.

`ReportRenderer` holds, for one batch, the Typst compiler (fonts: Debian's DejaVu only, given
explicitly and system fonts ignored, so the same data always gives the same bytes) and one
`SvgRenderer` (one browser for every chart of the batch). Without a browser it still writes
every PDF, with the tables and a note where the chart would be.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Final

import typst

from cac311.errors import UserError
from cac311.report.charts import HEIGHT, WIDTH, trend_chart
from cac311.report.model import ReportData
from cac311.report.svg import SvgRenderer
from cac311.report.view import template_data

TEMPLATE: Final = Path(__file__).with_name("informe.typ")
FONT_DIR: Final = Path("/usr/share/fonts/truetype/dejavu")
REQUIRED_FONTS: Final = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
NO_CHART_NOTE: Final = "Gráfico omitido: {problem}. Las cifras de la tabla están completas."


def check_fonts(font_dir: Path = FONT_DIR) -> None:
    missing = [name for name in REQUIRED_FONTS if not (font_dir / name).is_file()]
    if missing:
        raise UserError(
            f"Faltan las fuentes DejaVu en {font_dir} ({', '.join(missing)}): instale el paquete "
            "fonts-dejavu-core."
        )


class ReportRenderer:
    """Typeset reports for one batch; `charts=False` skips the browser altogether."""

    def __init__(
        self, *, charts: bool = True, browser_path: str | None = None, font_dir: Path = FONT_DIR
    ) -> None:
        check_fonts(font_dir)
        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(font_dir)]
        )
        self._compiler = typst.Compiler(font_paths=fonts, ignore_system_fonts=True)
        self._template = TEMPLATE.read_bytes()
        self._charts = charts
        self._svg = SvgRenderer(browser_path) if charts else None
        self._svg_started = False

    def __enter__(self) -> ReportRenderer:
        return self  # the browser starts with the first chart, or earlier with `begin()`

    def begin(self) -> None:
        """Launch the browser (without waiting for it): call it before loading the data."""
        if self._svg is not None and not self._svg_started:
            self._svg_started = True
            self._svg.begin()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._svg is not None:
            self._svg.close()

    @property
    def svg(self) -> SvgRenderer | None:
        """The batch's chart renderer (None when charts are off)."""
        return self._svg

    @property
    def charts_available(self) -> bool:
        """Whether charts are drawn (starts the browser and waits for it)."""
        self.begin()
        return self._svg is not None and self._svg.available

    @property
    def charts_problem(self) -> str | None:
        """Why charts were (or will be) left out; None while every chart is drawn."""
        if self._svg is None:
            return "gráficos desactivados"
        return self._svg.problem if self._svg_started else None

    def render(self, data: ReportData) -> bytes:
        """The PDF of one report."""
        return self.render_many([data])[0]

    def render_many(self, reports: Sequence[ReportData]) -> list[bytes]:
        """The PDFs of a batch; their charts are drawn together on the browser's pages."""
        self.begin()
        with_trend = [r for r in reports if r.trend]
        svgs: dict[int, bytes | None] = {}
        if self._svg is not None and with_trend:
            figures = [trend_chart(r.trend) for r in with_trend]
            drawn = self._svg.render_many(figures, WIDTH, HEIGHT)
            svgs = {id(r): svg for r, svg in zip(with_trend, drawn, strict=True)}
        return [self._typeset(r, svgs.get(id(r))) for r in reports]

    def _typeset(self, data: ReportData, svg: bytes | None) -> bytes:
        inputs: dict[str, str] = {}
        note = None
        if svg is not None:
            inputs["grafico"] = svg.decode("utf-8")
        elif not data.trend:
            note = "Sin meses con datos para la tendencia."
        else:
            note = NO_CHART_NOTE.format(problem=self.charts_problem or "sin navegador")
        inputs["data"] = json.dumps(template_data(data, chart_note=note), ensure_ascii=False)
        pdf = self._compiler.compile(input=self._template, format="pdf", sys_inputs=inputs)
        assert isinstance(pdf, bytes)
        return pdf
