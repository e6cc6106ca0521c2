"""Attachments of the enlaces' submissions: PDF, XLSX, DOCX or CSV, at most 5 MB, checked by
CONTENT, never by the name or the browser's content type.

- PDF: starts with `%PDF-` and has an `%%EOF` marker in its last kilobyte.
- XLSX / DOCX: a ZIP archive (Python's `zipfile`, which reads the central directory) holding
  `[Content_Types].xml` and `xl/workbook.xml` (XLSX) or `word/document.xml` (DOCX). Nothing is
  decompressed, so a ZIP bomb costs nothing; archives with more than 10,000 members are refused.
- CSV: decodes as UTF-8 (with or without BOM), has no NUL or other control characters than
  tab/CR/LF, and its first line splits into at least one column.

The file's extension must agree with what the content is (a PDF named `.csv` is refused). The
stored name keeps only letters, digits, `.`, `-`, `_` and spaces, so it is safe in a
Content-Disposition header. One-line Spanish errors (`UserError`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final, Literal

from cac311.errors import UserError

AttachmentKind = Literal["pdf", "xlsx", "docx", "csv"]
MAX_ATTACHMENT_BYTES: Final = 5 * 1024 * 1024
MAX_ZIP_MEMBERS: Final = 10_000
EXTENSIONS: Final[dict[str, AttachmentKind]] = {
    ".pdf": "pdf",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".csv": "csv",
}
MEDIA_TYPES: Final[dict[AttachmentKind, str]] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
}
KIND_LABELS: Final[dict[AttachmentKind, str]] = {
    "pdf": "PDF",
    "xlsx": "Excel (XLSX)",
    "docx": "Word (DOCX)",
    "csv": "CSV",
}
_OOXML_PART: Final[dict[AttachmentKind, str]] = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class CheckedFile:
    """An attachment that passed the content check."""

    file_name: str
    kind: AttachmentKind
    content: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    @property
    def size_bytes(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def safe_file_name(name: str, kind: AttachmentKind) -> str:
    """The base name without path, accents kept, odd characters replaced, the kind's extension."""
    base = PurePath(name.replace("\\", "/")).name
    stem = PurePath(base).stem if PurePath(base).suffix.lower() in EXTENSIONS else base
    stem = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", stem)).strip(" ._") or "adjunto"
    return f"{stem[:150]}.{kind}"


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def _ooxml_kind(data: bytes) -> AttachmentKind | None:
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if len(names) > MAX_ZIP_MEMBERS or "[Content_Types].xml" not in names:
        return None
    for kind, part in _OOXML_PART.items():
        if part in names:
            return kind
    return None


def _is_csv_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if not text.strip() or _CONTROL.search(text):
        return False
    first_line = text.splitlines()[0]
    try:
        row = next(csv.reader(io.StringIO(first_line, newline="")))
    except (csv.Error, StopIteration):
        return False
    return len(row) >= 1


def detect_kind(data: bytes) -> AttachmentKind | None:
    """What the bytes are (PDF, XLSX, DOCX, CSV text), or None."""
    if _is_pdf(data):
        return "pdf"
    ooxml = _ooxml_kind(data)
    if ooxml is not None:
        return ooxml
    if data.startswith((b"%PDF", b"PK\x03\x04")):
        return None  # a broken PDF or ZIP is not text either
    return "csv" if _is_csv_text(data) else None


def check_attachment(name: str, data: bytes) -> CheckedFile:
    """The attachment if its size, content and extension are acceptable; else UserError."""
    shown = PurePath((name or "").replace("\\", "/")).name or "(sin nombre)"
    if not data:
        raise UserError(f"El adjunto {shown} está vacío.")
    if len(data) > MAX_ATTACHMENT_BYTES:
        size_mb = len(data) / (1024 * 1024)
        raise UserError(f"El adjunto {shown} pesa {size_mb:.1f} MB; el máximo es 5 MB.")
    extension = PurePath(shown).suffix.lower()
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise UserError(
            f"El adjunto {shown} no es PDF, XLSX, DOCX ni CSV (extensión {extension or 'vacía'})."
        )
    kind = detect_kind(data)
    if kind is None:
        detail = " (un CSV debe estar en UTF-8)" if expected == "csv" else ""
        raise UserError(f"El contenido de {shown} no es un {KIND_LABELS[expected]} válido{detail}.")
    if kind != expected:
        raise UserError(
            f"El adjunto {shown} se llama {extension} pero su contenido es {KIND_LABELS[kind]}."
        )
    return CheckedFile(file_name=safe_file_name(shown, kind), kind=kind, content=data)
