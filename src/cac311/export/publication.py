"""The monthly publication bundle (SPEC §5): one code path for `cac311 export publication` and the
Publicación page.

`build_bundle` checks the month, takes `cac311.analytics.monthly.monthly_table` (one row per
entity that is active or has cases counted in M, sorted by entidad_id, then TOTAL) and renders
it as:

- `estadisticas_311_YYYY-MM.csv` — open data (see `csv_formats.OPEN_DATA`);
- `estadisticas_311_YYYY-MM_excel.csv` — spreadsheet (`csv_formats.SPREADSHEET`);
- `datapackage.json` — Frictionless descriptor with both files' SHA-256.

A partial bundle (an incomplete month exported with `allow_partial`) says so in its metadata and
in its CSV file names (`estadisticas_311_YYYY-MM_parcial.csv`, `..._parcial_excel.csv`).
`write_bundle` writes exactly the bytes of `build_bundle`; the page offers the same bytes and
`Bundle.zip_bytes()`. The CSVs depend only on the data, so they are byte-identical on every run
and on SQLite and PostgreSQL; only `generado` in datapackage.json depends on the clock (inject
`generated_at` for reproducible output).
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy.engine import Engine

from cac311.analytics.dates import DataDates, data_dates
from cac311.analytics.monthly import monthly_table
from cac311.config import Settings
from cac311.errors import UserError
from cac311.export.csv_formats import OPEN_DATA, SPREADSHEET, write_csv
from cac311.export.datapackage import (
    CsvResource,
    PackageInfo,
    descriptor_bytes,
    package_descriptor,
)
from metrics.period import DayMode, Month, Period
from metrics.publication import PUBLICATION_COLUMNS

DATAPACKAGE_NAME = "datapackage.json"


def bundle_stem(month: Month, partial: bool) -> str:
    """`estadisticas_311_YYYY-MM` (+ `_parcial`): the CSV and zip file names start with it."""
    return f"estadisticas_311_{month}" + ("_parcial" if partial else "")


@dataclass(frozen=True)
class Bundle:
    """One publication: the table shown in the preview and the files' exact bytes.

    `files` maps file name → bytes in this order: open-data CSV, spreadsheet CSV, datapackage.json.
    """

    periodo: Month
    dias: DayMode
    parcial: bool
    datos_al: date
    generado: datetime
    table: pl.DataFrame
    files: dict[str, bytes]

    @property
    def open_data_name(self) -> str:
        return bundle_stem(self.periodo, self.parcial) + ".csv"

    @property
    def spreadsheet_name(self) -> str:
        return bundle_stem(self.periodo, self.parcial) + "_excel.csv"

    @property
    def zip_name(self) -> str:
        return bundle_stem(self.periodo, self.parcial) + ".zip"

    @staticmethod
    def media_type(file_name: str) -> str:
        """MIME type for a download button."""
        if file_name.endswith(".csv"):
            return "text/csv"
        if file_name.endswith(".json"):
            return "application/json"
        return "application/zip"

    def zip_bytes(self) -> bytes:
        """The three files in one zip; entries dated `generado` (local), so it is reproducible."""
        stamp = self.generado.timetuple()[:6]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        return buffer.getvalue()


def checked_month(dates: DataDates, month: Month, allow_partial: bool) -> tuple[date, bool]:
    """(datos_al, partial) for an exportable month; UserError (one Spanish line) otherwise."""
    datos_al = dates.datos_al
    if datos_al is None:
        raise UserError(
            "La base de datos no tiene casos: importe datos (cac311 import) o genere datos de "
            "demostración (cac311 demo) antes de exportar."
        )
    months = dates.months
    if month not in months:
        raise UserError(
            f"No hay datos del mes {month}: los datos disponibles van de {months[0]} a "
            f"{months[-1]} (datos al {datos_al:%d/%m/%Y})."
        )
    if month.is_complete(datos_al):
        return datos_al, False
    if not allow_partial:
        raise UserError(
            f"El mes {month} aún no está completo (datos al {datos_al:%d/%m/%Y}); use "
            "--allow-partial para exportarlo marcado como parcial."
        )
    return datos_al, True


def _local_time(generated_at: datetime | None, timezone: str) -> datetime:
    moment = generated_at if generated_at is not None else datetime.now(UTC)
    if moment.utcoffset() is None:
        raise ValueError("generated_at must be timezone-aware")
    return moment.astimezone(ZoneInfo(timezone)).replace(microsecond=0)


def build_bundle(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    allow_partial: bool = False,
    dates: DataDates | None = None,
    generated_at: datetime | None = None,
) -> Bundle:
    """The publication of `period` (month M, day-count mode), nothing written yet.

    `dates`: the data's dates when the caller has read them (else they are read here)."""
    dates = dates if dates is not None else data_dates(engine)
    month, day_mode = period.month, period.mode
    datos_al, partial = checked_month(dates, month, allow_partial)
    table = monthly_table(engine, settings, period=period, dates=dates)
    if tuple(table.columns) != PUBLICATION_COLUMNS:
        raise RuntimeError(f"monthly_table columns differ from SPEC §5: {table.columns}")
    generado = _local_time(generated_at, settings.timezone)
    stem = bundle_stem(month, partial)
    label = " (parcial)" if partial else ""
    resources = [
        CsvResource(
            name="estadisticas-311",
            path=f"{stem}.csv",
            title=f"Estadísticas 311 {month}{label} — datos abiertos",
            data=write_csv(table, OPEN_DATA),
            dialect=OPEN_DATA,
        ),
        CsvResource(
            name="estadisticas-311-excel",
            path=f"{stem}_excel.csv",
            title=f"Estadísticas 311 {month}{label} — para hojas de cálculo (; y coma decimal)",
            data=write_csv(table, SPREADSHEET),
            dialect=SPREADSHEET,
        ),
    ]
    info = PackageInfo(
        periodo=str(month),
        datos_al=datos_al,
        generado=generado,
        dias=day_mode.value,
        parcial=partial,
        legal_limit_days=settings.legal_limit_days,
        ranking_min_n=settings.ranking_min_n,
    )
    descriptor = package_descriptor(info, resources, table.schema)
    files = {resource.path: resource.data for resource in resources}
    files[DATAPACKAGE_NAME] = descriptor_bytes(descriptor)
    return Bundle(
        periodo=month,
        dias=day_mode,
        parcial=partial,
        datos_al=datos_al,
        generado=generado,
        table=table,
        files=files,
    )


def write_files(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Write every file to a temporary name first, then rename them all into place."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise UserError(f"La salida {out_dir} no es una carpeta.") from exc
    except OSError as exc:
        raise UserError(f"No se pudo crear la carpeta {out_dir}: {exc.strerror}.") from exc
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            temporary = out_dir / f".{name}.{os.getpid()}.tmp"
            temporary.write_bytes(data)
            staged.append((temporary, out_dir / name))
        for temporary, final in staged:
            temporary.replace(final)
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise UserError(f"No se pudo escribir en {out_dir}: {exc.strerror}.") from exc
    return [final for _, final in staged]


def write_bundle(
    engine: Engine,
    settings: Settings,
    *,
    period: Period,
    out_dir: Path,
    allow_partial: bool = False,
    generated_at: datetime | None = None,
) -> list[Path]:
    """Write the bundle of `period` into `out_dir` (created if needed); the paths written."""
    bundle = build_bundle(
        engine, settings, period=period, allow_partial=allow_partial, generated_at=generated_at
    )
    return write_files(bundle.files, Path(out_dir))
