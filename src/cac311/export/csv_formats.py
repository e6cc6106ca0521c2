"""The two CSV dialects of the publication bundle (SPEC §5), written byte for byte by hand.

Grain: one CSV row per frame row, columns in frame order, a header line first.

- **Open data** (`OPEN_DATA`): UTF-8 without BOM, `,` separator, `.` decimals, LF line ends.
  Text is written verbatim.
- **Spreadsheet** (`SPREADSHEET`): UTF-8 with BOM, `;` separator, decimal comma, CRLF. A text
  cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so a
  spreadsheet shows it as text instead of running it as a formula (CSV injection).

Both: a cell is quoted (`"`, inner quotes doubled) only when it holds the separator, a quote, CR
or LF. Null is an empty cell. Integers are written as integers; floats with exactly one decimal
(`87.5`, `100.0`), half away from zero, never in scientific notation and with no thousands
separator.

Numeric cells are never formula-guarded: they are produced here from Python numbers, so they hold
only digits, one decimal mark and possibly a leading `-`, which a spreadsheet reads as a number,
never as a formula. Guarding a number would turn it into text and break the declared `number`
type. (Every number in the publication table is non-negative anyway.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class CsvDialect:
    """How one of the bundle's CSV files is written (and declared in datapackage.json)."""

    delimiter: str
    decimal_char: str
    line_terminator: str
    bom: bool
    formula_guard: bool


OPEN_DATA = CsvDialect(
    delimiter=",", decimal_char=".", line_terminator="\n", bom=False, formula_guard=False
)
SPREADSHEET = CsvDialect(
    delimiter=";", decimal_char=",", line_terminator="\r\n", bom=True, formula_guard=True
)


def format_number(value: int | float, decimal_char: str = ".") -> str:
    """An integer as is; a float with one decimal, half away from zero (`87.5`, `3.0`)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number cell")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot write {value!r} in a CSV cell")
    text = str(Decimal(repr(value)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))
    if text == "-0.0":
        text = "0.0"
    return text.replace(".", decimal_char)


def guard_formula(text: str) -> str:
    """`text` prefixed with `'` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _quote(cell: str, delimiter: str) -> str:
    if delimiter in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _cell(value: Any, dialect: CsvDialect) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_formula(value) if dialect.formula_guard else value
    if isinstance(value, int | float):
        return format_number(value, dialect.decimal_char)
    raise TypeError(f"unsupported cell type {type(value).__name__}")


def _check_types(frame: pl.DataFrame) -> None:
    for name, dtype in frame.schema.items():
        if not (dtype == pl.String or dtype.is_integer() or dtype.is_float()):
            raise TypeError(f"column {name!r} has type {dtype}; expected text or number")


def write_csv(frame: pl.DataFrame, dialect: CsvDialect) -> bytes:
    """The frame as CSV bytes in `dialect` (header = column names, guarded like text cells)."""
    _check_types(frame)
    lines = [
        dialect.delimiter.join(
            _quote(_cell(name, dialect), dialect.delimiter) for name in frame.columns
        )
    ]
    for row in frame.iter_rows():
        cells = (_quote(_cell(value, dialect), dialect.delimiter) for value in row)
        lines.append(dialect.delimiter.join(cells))
    text = "".join(line + dialect.line_terminator for line in lines)
    return ((BOM if dialect.bom else "") + text).encode("utf-8")
