"""The upload behind the Importar page: preview and confirm an uploaded file (no Streamlit here).

The dashboard's data engine is read-only, so both steps open their own WRITING engine on the
database URL (`make_engine(url)`) for the duration of the call and dispose it afterwards.
`preview` runs the importer's full path and rolls back (`preview_import`): nothing changes;
`confirm` runs `import_bytes` in one transaction. Both return an `UploadOutcome` holding the
report, or one Spanish line saying why the file could not be imported — never an exception for
a bad file or an unreachable database.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy.exc import SQLAlchemyError

from cac311.config import Settings
from cac311.db import faults
from cac311.db.engine import make_engine
from cac311.errors import UserError
from cac311.ingest.importer import ImportReport, import_bytes, preview_import
from cac311.ingest.kinds import KIND_LABELS, spec_for
from cac311.ingest.mapping import load_profile, shipped_profiles

log = logging.getLogger(__name__)

KINDS: Final[tuple[str, ...]] = ("entities", "cases", "reviews", "releases", "transfers")
UPLOAD_TYPES: Final[tuple[str, ...]] = ("csv", "txt", "xlsx")
ENCODINGS: Final[tuple[str, ...]] = ("", "cp1252", "latin-1")
ENCODING_LABELS: Final[dict[str, str]] = {
    "": "UTF-8 (automático)",
    "cp1252": "Windows-1252 (Excel en Windows)",
    "latin-1": "ISO-8859-1 (Latin-1)",
}
DB_ERROR: Final = (
    "No se pudo escribir en la base de datos: la conexión del tablero no tiene permiso de "
    "escritura o no está disponible. Importe con «cac311 import» desde la línea de comandos."
)
UNEXPECTED_ERROR: Final = (
    "El archivo no se pudo procesar por un error inesperado; revise su formato o impórtelo con "
    "«cac311 import» para ver el detalle."
)


@dataclass(frozen=True)
class UploadOptions:
    """How to read the file: kind, shipped mapping profile (None = canonical), zone, encoding."""

    kind: str
    profile: str | None = None
    timezone: str | None = None
    encoding: str | None = None

    def describe(self) -> str:
        """A short Spanish summary, for the audit log."""
        parts = [f"tipo={self.kind}"]
        if self.profile:
            parts.append(f"perfil={self.profile}")
        if self.timezone:
            parts.append(f"zona={self.timezone}")
        if self.encoding:
            parts.append(f"codificación={self.encoding}")
        return " ".join(parts)


@dataclass(frozen=True)
class UploadOutcome:
    """The report of a preview/import, or the one-line reason it failed (plain text: it may
    quote the file's own values, so a page shows it through `cac311.ui.safe.md`)."""

    sha256: str
    file_name: str
    options: UploadOptions
    report: ImportReport | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.report is not None


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind).capitalize()


def profile_names(kind: str | None = None) -> list[str]:
    """The shipped mapping profiles (`mappings/*.toml`), by name; with `kind`, only those
    written for that kind (or for any). A profile that does not load is left out."""
    names = []
    for name, path in sorted(shipped_profiles().items()):
        if kind is not None:
            try:
                written_for = load_profile(path).kind
            except UserError:
                log.warning("mapping profile %s does not load", path)
                continue
            if written_for not in (None, kind):
                continue
        names.append(name)
    return names


def _profile_path(name: str | None) -> Path | None:
    if not name:
        return None
    profiles = shipped_profiles()
    if name not in profiles:
        raise UserError(f"Perfil de mapeo desconocido: {name!r}.")
    return profiles[name]


def _for_screen(message: str) -> str:
    """The importer's messages name CLI options; on the page the same choice is a selector."""
    return (
        message.replace("--encoding ", "la codificación ")
        .replace("--timezone ", "la zona horaria ")
        .replace("--mapping", "un perfil de mapeo")
    )


def _run(
    url: str,
    settings: Settings,
    options: UploadOptions,
    data: bytes,
    file_name: str,
    *,
    imported_by: str | None,
    preview: bool,
) -> UploadOutcome:
    sha = file_sha256(data)
    try:
        mapping_path = _profile_path(options.profile)
        engine = make_engine(url, application_name="cac311-importar")
        try:
            if preview:
                report = preview_import(
                    engine,
                    settings,
                    options.kind,
                    data,
                    file_name,
                    timezone=options.timezone or None,
                    encoding=options.encoding or None,
                    mapping_path=mapping_path,
                )
            else:
                report = import_bytes(
                    engine,
                    settings,
                    options.kind,
                    data,
                    file_name,
                    timezone=options.timezone or None,
                    encoding=options.encoding or None,
                    mapping_path=mapping_path,
                    imported_by=imported_by,
                )
        finally:
            engine.dispose()
    except UserError as exc:
        return UploadOutcome(sha, file_name, options, error=_for_screen(str(exc)))
    except SQLAlchemyError as exc:
        log.exception("upload: database error (preview=%s)", preview)
        return UploadOutcome(sha, file_name, options, error=faults.describe(exc) or DB_ERROR)
    except Exception:
        # A file the readers do not foresee must still give one line, never a traceback.
        log.exception("upload: unexpected error reading %s", file_name)
        return UploadOutcome(sha, file_name, options, error=UNEXPECTED_ERROR)
    return UploadOutcome(sha, file_name, options, report=report)


def preview(
    url: str, settings: Settings, options: UploadOptions, data: bytes, file_name: str
) -> UploadOutcome:
    """Validate and count exactly as the import would, then roll back: nothing is written."""
    return _run(url, settings, options, data, file_name, imported_by=None, preview=True)


def confirm(
    url: str,
    settings: Settings,
    options: UploadOptions,
    data: bytes,
    file_name: str,
    *,
    imported_by: str,
) -> UploadOutcome:
    """Import `data` (one transaction: all of it, or nothing)."""
    return _run(url, settings, options, data, file_name, imported_by=imported_by, preview=False)


def audit_detail(outcome: UploadOutcome) -> str:
    """What the audit log keeps of an import: file, hash, options and the counts."""
    text = f"{outcome.file_name} sha256={outcome.sha256[:16]} {outcome.options.describe()}"
    report = outcome.report
    if report is None:
        return f"{text} rechazado: {outcome.error}"
    return (
        f"{text} lote={report.batch_id} leídas={report.rows_read} "
        f"insertados={report.inserted} actualizados={report.updated} "
        f"sin_cambios={report.unchanged} cuarentena={report.quarantined} "
        f"avisos={report.warned}"
    )


def columns_hint(kind: str) -> str:
    """The canonical columns of `kind` (SPEC §5), for the page's help text."""
    spec = spec_for(kind)
    text = "Columnas obligatorias: " + ", ".join(f"`{c}`" for c in spec.required)
    if spec.optional:
        text += "; opcionales: " + ", ".join(f"`{c}`" for c in spec.optional)
    return text + ". Las columnas adicionales se ignoran."
