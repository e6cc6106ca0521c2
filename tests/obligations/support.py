"""Builders shared by the obligation tests: a tiny world of entities and users, sample files."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy.engine import Engine

from cac311.auth import users
from cac311.auth.identity import Identity
from tests.auth.helpers import add_batch, add_entity

T0 = datetime(2026, 11, 10, 15, 0)  # naive UTC: 10:00 in Panama


@dataclass(frozen=True)
class World:
    enlace_minsa: Identity
    enlace_mef: Identity
    asesor_minsa: Identity
    asesor_both: Identity
    director: Identity


def build_world(engine: Engine) -> World:
    """Entities MINSA, MEF, MOP; an enlace of MINSA and one of MEF; an asesor of MINSA, one of
    MINSA and MEF; a director. Identities as the sign-in gate would give them."""
    for entity in ("MINSA", "MEF", "MOP"):
        add_entity(engine, entity, f"Entidad {entity}")
    add_batch(engine, is_demo=False)
    # OIDC-only accounts (no password): the write path never looks at passwords, and Argon2
    # hashing would dominate the tests' time.
    users.add_user(engine, "enlace@minsa.gob.pa", "enlace", "MINSA")
    users.add_user(engine, "enlace@mef.gob.pa", "enlace", "MEF")
    users.add_user(engine, "asesor1@aig.gob.pa", "asesor", entity_ids=["MINSA"])
    users.add_user(engine, "asesor2@aig.gob.pa", "asesor", entity_ids=["MINSA", "MEF"])
    users.add_user(engine, "director@aig.gob.pa", "director")

    def identity(email: str) -> Identity:
        found = users.active_identity(engine, email, "local")
        assert found is not None
        return found

    return World(
        enlace_minsa=identity("enlace@minsa.gob.pa"),
        enlace_mef=identity("enlace@mef.gob.pa"),
        asesor_minsa=identity("asesor1@aig.gob.pa"),
        asesor_both=identity("asesor2@aig.gob.pa"),
        director=identity("director@aig.gob.pa"),
    )


def key() -> str:
    """A fresh form key (what the page keeps per form in the session)."""
    return uuid.uuid4().hex


def pdf_bytes(text: str = "Directorio actualizado") -> bytes:
    body = f"1 0 obj << /Type /Catalog >> endobj % {text}\n".encode()
    return b"%PDF-1.7\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["servicio", "sla_dias"])
    sheet.append(["Citas", 5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """A minimal WordprocessingML package (the parts Word itself requires)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Nota</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def csv_bytes() -> bytes:
    return "servicio;teléfono\nCitas;311\n".encode()
