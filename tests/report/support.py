"""Helpers of the report tests: read a PDF's text (pypdf) and find the figures in it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pypdf import PdfReader

from cac311.report.view import FIGURE_CODES
from metrics.definitions import METRIC_DEFINITIONS

# A figure as printed: 1,234 · 75.0 % · 17.5 · — · sí · no (then a space or the line's end).
VALUE = r"(-?[\d,]+(?:\.\d)?(?: %)?|—|sí|no)(?= |$)"


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(path_or_bytes: Path | bytes) -> str:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    pages = pdf_pages(data)
    assert len(pages) == 1, f"the report must be one page, it has {len(pages)}"
    return pages[0]


def printed_figures(text: str) -> dict[str, str]:
    """{CSV column: the value printed in the "Cifras del mes" table}, as the CSV writes it.

    The table lies between the headings "Cifras del mes" and "Tendencia de 13 meses"; each
    figure's row starts with its label (`metrics.definitions`) and exactly one line may match.
    """
    found: dict[str, str] = {}
    table = text.split("\nCifras del mes\n", 1)[1].split("\nTendencia de 13 meses", 1)[0]
    lines = table.splitlines()
    for code in FIGURE_CODES:
        label = re.escape(METRIC_DEFINITIONS[code].etiqueta)
        matches = [m for line in lines if (m := re.match(rf"^{label} {VALUE}", line))]
        assert len(matches) == 1, (code, [m.group(0) for m in matches])
        found[code] = as_csv(code, matches[0].group(1))
    return found


def as_csv(code: str, printed: str) -> str:
    """A printed figure written the way the open-data CSV writes it."""
    if printed == "—":
        return ""
    if code == "cohorte_madura":
        return {"sí": "si", "no": "no"}[printed]
    return printed.replace(",", "").removesuffix(" %")


def csv_rows(data: bytes) -> dict[str, dict[str, str]]:
    """The open-data CSV by entidad_id."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return {row["entidad_id"]: row for row in reader}
