"""Read an import file as a header plus batches of text rows, whatever its container.

- CSV: strict UTF-8 (with or without BOM) unless an encoding is given, which is then decoded
  exactly; `,`, `;` or tab detected from the header line; LF or CRLF; quoted fields may span
  lines. The file is streamed (bounded memory): batches of rows, each with the line it starts on.
- Excel `.xlsx`: the first sheet through `fastexcel` (calamine); every cell as text, native date
  cells as ISO text (`2024-01-05 10:30:00`).

Anything unreadable raises `UserError` with one line naming the line or the problem.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import polars as pl

from cac311.errors import UserError
from cac311.ingest.fastcsv import arrow_frames, source_column

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ""})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SCAN_CHUNK_BYTES = 4 * 1024 * 1024
BLANK_LINE = re.compile(rb"\n\r?\n")  # one pass instead of two `in` searches
BOM = "\ufeff"


@dataclass
class RowBatch:
    """Rows of text fields as they are in the file, and the line each row starts on."""

    rows: list[list[str]]
    line_numbers: list[int]


@dataclass
class TableSource:
    """An opened import file: header, fingerprint and a stream of raw frames.

    `frames(used)` yields, per batch, `__srcN` (verbatim text of source column N, for each N in
    `used`), `__line` (line the row starts on) and `__ragged` (field count differs from header).
    """

    header: list[str]
    sha256: str
    estimated_rows: int
    _rows: Iterator[RowBatch] | None = field(default=None, repr=False)
    _fast: Callable[[list[int]], Iterator[pl.DataFrame]] | None = field(default=None, repr=False)
    _cleanup: list[Path] = field(default_factory=list, repr=False)

    def frames(self, used: list[int]) -> Iterator[pl.DataFrame]:
        if self._fast is not None:
            yield from self._fast(used)
            return
        assert self._rows is not None
        for batch in self._rows:
            yield raw_frame(batch, len(self.header), used)

    def close(self) -> None:
        for path in self._cleanup:
            path.unlink(missing_ok=True)


def raw_frame(batch: RowBatch, header_width: int, used: list[int]) -> pl.DataFrame:
    """The source columns the import reads, as text, plus line numbers and the ragged flag."""
    rows = batch.rows
    data: dict[str, Sequence[object]] = {}
    if set(map(len, rows)) == {header_width}:
        columns = list(zip(*rows, strict=True))
        data = {source_column(i): columns[i] for i in used}
        data["__ragged"] = [False] * len(rows)
    else:
        data = {source_column(i): [r[i] if i < len(r) else "" for r in rows] for i in used}
        data["__ragged"] = [len(row) != header_width for row in rows]
    data["__line"] = batch.line_numbers
    schema: dict[str, pl.DataType] = {source_column(i): pl.String() for i in used}
    schema["__ragged"] = pl.Boolean()
    schema["__line"] = pl.Int64()
    return pl.DataFrame(data, schema=schema)


@dataclass
class _Scan:
    sha256: str
    newlines: int
    transcoded: Path | None
    simple: bool  # every record is one physical line: no blank lines, even quotes per line


class _LineShape:
    """Tracks, chunk by chunk, whether every line is a whole record (see `_Scan.simple`)."""

    def __init__(self) -> None:
        self.simple = True
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        if not self.simple:
            return
        data = self._carry + chunk
        if data.startswith((b"\n", b"\r\n")) or BLANK_LINE.search(data):
            self.simple = False
            return
        if b'"' in data:
            lines = data.split(b"\n")
            self._carry = lines.pop()
            if any(line.count(b'"') % 2 for line in lines):
                self.simple = False
        else:
            self._carry = data[data.rfind(b"\n") + 1 :]

    def finish(self) -> bool:
        if self._carry.count(b'"') % 2:
            self.simple = False
        return self.simple


def _bad_byte_line(path: Path, upto: int, encoding: str) -> tuple[int, int]:
    """Line number and byte value of the first undecodable byte in the first `upto` bytes."""
    with path.open("rb") as fh:
        head = fh.read(upto)
    try:
        head.decode(encoding)
    except UnicodeDecodeError as exc:
        return head.count(b"\n", 0, exc.start) + 1, head[exc.start]
    return head.count(b"\n") + 1, 0


def _encoding_error(path: Path, upto: int, encoding: str, given: bool) -> UserError:
    line, byte = _bad_byte_line(path, upto, encoding)
    if given:
        return UserError(
            f"Línea {line}: el archivo no se puede leer como {encoding} (byte 0x{byte:02X})."
        )
    return UserError(
        f"Línea {line}: el archivo no es UTF-8 válido (byte 0x{byte:02X}); "
        "si viene de Excel en Windows, pruebe --encoding cp1252."
    )


def _codec_name(encoding: str | None) -> str:
    """Python's name of the file's encoding (UTF-8 unless told otherwise)."""
    if not encoding:
        return "utf-8"
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise UserError(f"Codificación desconocida: {encoding!r} (p. ej. cp1252)") from None


def _scan_csv(path: Path, encoding: str | None) -> _Scan:
    """Check the encoding of the whole file before anything is imported.

    Returns the SHA-256, the number of line breaks, whether records are single lines and, when
    `encoding` is given, a temporary UTF-8 copy to read from (decoded exactly, strict).
    """
    codec = _codec_name(encoding)
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    digest = hashlib.sha256()
    shape = _LineShape()
    newlines = 0
    read = 0
    out: IO[str] | None = None
    out_path: Path | None = None
    if encoding:
        fd, name = tempfile.mkstemp(prefix="cac311_import_", suffix=".csv")
        out_path = Path(name)
        out = os.fdopen(fd, "w", encoding="utf-8", newline="")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(SCAN_CHUNK_BYTES):
                read += len(chunk)
                digest.update(chunk)
                newlines += chunk.count(b"\n")
                shape.feed(chunk)
                try:
                    text = decoder.decode(chunk)
                except UnicodeDecodeError:
                    raise _encoding_error(path, read, codec, bool(encoding)) from None
                if out is not None:
                    out.write(text)
            try:
                tail = decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise _encoding_error(path, read, codec, bool(encoding)) from None
            if out is not None:
                out.write(tail)
    except BaseException:
        if out is not None:
            out.close()
        if out_path is not None:
            out_path.unlink(missing_ok=True)
        raise
    if out is not None:
        out.close()
    # A transcoded file is read line by line: its bytes differ from the scanned ones.
    simple = shape.finish() and out_path is None
    return _Scan(digest.hexdigest(), newlines, out_path, simple)


def _delimiter(first_line: str) -> str:
    """`;`, tab or `,`: whichever appears most in the header line outside quotes."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else ","


def _clean_header(raw: list[str]) -> list[str]:
    header = [cell.strip() for cell in raw]
    if header and header[0].startswith(BOM):
        header[0] = header[0].lstrip(BOM).strip()
    return header


def _csv_batches(
    reader: Iterator[list[str]], handle: IO[str], batch_size: int
) -> Iterator[RowBatch]:
    """Data rows after the header; blank lines are skipped (they are not rows)."""
    csv_reader = reader
    rows: list[list[str]] = []
    lines: list[int] = []
    previous_line = getattr(csv_reader, "line_num", 0)
    try:
        for row in csv_reader:
            start_line = previous_line + 1
            previous_line = getattr(csv_reader, "line_num", previous_line + 1)
            if not row or (not row[0].strip() and not any(cell.strip() for cell in row)):
                continue
            rows.append(row)
            lines.append(start_line)
            if len(rows) >= batch_size:
                yield RowBatch(rows, lines)
                rows, lines = [], []
    except csv.Error as exc:
        line = getattr(csv_reader, "line_num", 0)
        raise UserError(f"Línea {line}: CSV mal formado ({exc}).") from None
    finally:
        handle.close()
    if rows:
        yield RowBatch(rows, lines)


def open_csv(path: Path, encoding: str | None, batch_size: int, exact: bool) -> TableSource:
    """Scan (encoding, fingerprint, record shape) then stream a CSV file."""
    scan = _scan_csv(path, encoding)
    cleanup = [scan.transcoded] if scan.transcoded else []
    handle = (scan.transcoded or path).open("r", encoding="utf-8-sig", newline="")
    try:
        first_line = handle.readline()
        if not first_line.strip(" \t\r\n" + BOM):
            raise UserError("El archivo está vacío: no tiene ni siquiera la fila de encabezado.")
        delimiter = _delimiter(first_line)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = _clean_header(next(reader))
        except csv.Error as exc:
            raise UserError(f"Línea 1: encabezado CSV mal formado ({exc}).") from None
    except BaseException:
        handle.close()
        for tmp in cleanup:
            tmp.unlink(missing_ok=True)
        raise
    source = TableSource(
        header=header, sha256=scan.sha256, estimated_rows=max(scan.newlines - 1, 0)
    )
    source._cleanup = cleanup
    if scan.simple and not exact and '"' not in first_line:
        handle.close()
        width = len(header)
        source._fast = lambda used: arrow_frames(path, delimiter, width, used, batch_size)
    else:
        source._rows = _csv_batches(reader, handle, batch_size)
    return source


def _excel_text(value: object) -> str:
    return "" if value is None else str(value)


def open_xlsx(path: Path, batch_size: int) -> TableSource:
    """The first sheet of an .xlsx workbook, every cell as text (dates as ISO text)."""
    import fastexcel

    data = path.read_bytes()
    try:
        sheet = fastexcel.read_excel(data).load_sheet(0, dtypes="string")
        frame = sheet.to_polars()
    except Exception as exc:  # fastexcel raises its own error types for corrupt files
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"No se pudo leer el archivo Excel: {first}") from None
    header = [name.strip() for name in frame.columns]
    if not header or all(name.startswith("__UNNAMED__") for name in header):
        raise UserError("El archivo Excel está vacío: no tiene fila de encabezado.")

    def batches() -> Iterator[RowBatch]:
        rows: list[list[str]] = []
        lines: list[int] = []
        for index, record in enumerate(frame.iter_rows()):
            row = [_excel_text(value) for value in record]
            if all(not cell.strip() for cell in row):
                continue
            rows.append(row)
            lines.append(index + 2)
            if len(rows) >= batch_size:
                yield RowBatch(rows, lines)
                rows, lines = [], []
        if rows:
            yield RowBatch(rows, lines)

    return TableSource(
        header=header,
        sha256=hashlib.sha256(data).hexdigest(),
        estimated_rows=frame.height,
        _rows=batches(),
    )


def open_table(
    path: Path,
    *,
    encoding: str | None = None,
    batch_size: int = 100_000,
    name: str | None = None,
    exact: bool = False,
) -> TableSource:
    """Open a CSV or .xlsx import file; `name` (the uploaded file name) decides the format.

    `exact` forces the line-by-line CSV reader (after the fast reader gave up).
    """
    if not path.is_file():
        raise UserError(f"No existe el archivo {path}")
    suffix = Path(name or path.name).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return open_xlsx(path, batch_size)
    if suffix == ".xls":
        raise UserError("Formato .xls (Excel 97-2003) no soportado: guárdelo como .xlsx o CSV.")
    if suffix not in CSV_SUFFIXES:
        raise UserError(f"Formato no soportado «{suffix}»: use un archivo CSV o Excel .xlsx.")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        raise UserError(
            "El archivo parece un Excel (.xlsx) con otra extensión; renómbrelo a .xlsx."
        )
    return open_csv(path, encoding, batch_size, exact)
