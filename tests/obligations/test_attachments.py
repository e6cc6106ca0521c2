"""Attachments are accepted by their content, not their name: PDF, XLSX, DOCX, CSV ≤ 5 MB."""

from __future__ import annotations

import io
import zipfile

import pytest

from cac311.errors import UserError
from cac311.obligations.attachments import (
    MAX_ATTACHMENT_BYTES,
    check_attachment,
    detect_kind,
    safe_file_name,
)
from tests.obligations.support import csv_bytes, docx_bytes, pdf_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("directorio.pdf", pdf_bytes(), "pdf"),
        ("SLA 2026.XLSX", xlsx_bytes(), "xlsx"),
        ("nota.docx", docx_bytes(), "docx"),
        ("servicios.csv", csv_bytes(), "csv"),
        ("con_bom.csv", b"\xef\xbb\xbfa,b\n1,2\n", "csv"),
    ],
)
def test_accepted_files(name: str, data: bytes, kind: str) -> None:
    checked = check_attachment(name, data)
    assert checked.kind == kind
    assert checked.content == data
    assert checked.file_name.endswith(f".{kind}")
    assert len(checked.sha256) == 64


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("vacio.pdf", b"", "está vacío"),
        ("grande.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES + b"%%EOF", "máximo es 5 MB"),
        ("programa.exe", b"MZ\x90\x00", "no es PDF, XLSX, DOCX ni CSV"),
        ("sin_extension", pdf_bytes(), "extensión vacía"),
        ("imagen.pdf", b"\x89PNG\r\n\x1a\n\x00\x00", "no es un PDF válido"),
        ("texto.pdf", b"esto no es un pdf", "se llama .pdf pero su contenido es CSV"),
        ("cortado.pdf", b"%PDF-1.7\n1 0 obj", "no es un PDF válido"),
        ("libro.xlsx", _zip({"hola.txt": "x"}), r"no es un Excel \(XLSX\) válido"),
        ("roto.xlsx", b"PK\x03\x04roto", r"no es un Excel \(XLSX\) válido"),
        ("doc.docx", xlsx_bytes(), r"se llama .docx pero su contenido es Excel \(XLSX\)"),
        ("datos.csv", pdf_bytes(), "se llama .csv pero su contenido es PDF"),
        ("latin1.csv", "año;días\n".encode("cp1252"), "UTF-8"),
        ("binario.csv", b"a,b\n\x00\x01\x02", "no es un CSV válido"),
        ("blanco.csv", b"   \n\n", "no es un CSV válido"),
    ],
)
def test_refused_files(name: str, data: bytes, message: str) -> None:
    with pytest.raises(UserError, match=message):
        check_attachment(name, data)


def test_exactly_five_megabytes_is_accepted() -> None:
    data = b"a,b\n" + b"1" * (MAX_ATTACHMENT_BYTES - 5) + b"\n"
    assert len(data) == MAX_ATTACHMENT_BYTES
    assert check_attachment("lleno.csv", data).kind == "csv"


def test_detection_ignores_the_name_and_many_members_are_refused() -> None:
    assert detect_kind(docx_bytes()) == "docx"
    many = _zip({"[Content_Types].xml": "x", **{f"p{i}.xml": "" for i in range(10_001)}})
    assert detect_kind(many) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ana\\Revisión SLA.pdf", "Revisión SLA.pdf"),
        ('nota"; x=.pdf', "nota_ x.pdf"),
        ("///", "adjunto.pdf"),
        ("«»", "adjunto.pdf"),
    ],
)
def test_safe_file_name(name: str, expected: str) -> None:
    assert safe_file_name(name, "pdf") == expected
