"""Mapping profiles (TOML): how another layout becomes the canonical columns of SPEC §5.

A profile (see `mappings/*.toml`) may hold:

    kind = "cases"                      # the import kind it is written for
    description = "..."
    timezone = "America/Los_Angeles"    # zone of timestamps written without an offset
    [columns]   case_id = "SRNumber"    # canonical = source header (case-insensitive)
    [defaults]  case_type = "solicitud" # used when the column is absent or the cell empty
    [dates]     formats = ["%m/%d/%Y %I:%M:%S %p"]   # tried before ISO 8601
                missing_before = "1901-01-01"        # sentinel dates before it mean "no date"
    [values.status]  Closed = "cerrado" # value maps (case-insensitive keys)
    [lookups.entity_id] file = "x.csv", key = "code", value = "entity_id"
    [rules]     closed_at_when_status = ["cerrado"]  # keep closed_at only for these statuses

A lookup file is a CSV resolved relative to the profile's folder. Unmapped values pass through
unchanged, so validation names them (e.g. "entidad no registrada: XYZ").
"""

from __future__ import annotations

import csv
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cac311.config import PROJECT_ROOT
from cac311.errors import UserError
from cac311.ingest.kinds import KindSpec

MAPPINGS_DIR = PROJECT_ROOT / "mappings"
TOP_LEVEL_KEYS = frozenset(
    {
        "kind",
        "description",
        "timezone",
        "columns",
        "defaults",
        "dates",
        "values",
        "lookups",
        "rules",
    }
)
# Source headers that may hold citizens' personal data: a profile may never load them.
PERSONAL_WORDS = frozenset(
    {
        "address",
        "direccion",
        "phone",
        "telefono",
        "email",
        "mail",
        "description",
        "descripcion",
        "cedula",
        "apellido",
        "apellidos",
        "latitude",
        "longitude",
        "latitud",
        "longitud",
        "location",
        "ubicacion",
    }
)
PERSONAL_HEADERS = frozenset(
    {"name", "nombre", "full name", "first name", "last name", "nombre completo", "customer name"}
)
# Canonical columns whose content is not citizen data even though the header says "name"/"title".
PERSONAL_EXEMPT = frozenset({("entities", "name"), ("releases", "title")})


def normalize_header(name: str) -> str:
    """Header comparison key: trimmed, case-folded, without accents."""
    folded = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Profile:
    """A parsed mapping profile; the empty profile reads canonical files."""

    name: str = "canónico"
    kind: str | None = None
    timezone: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    missing_before: date | None = None
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    closed_at_when_status: tuple[str, ...] = ()


def _table(data: dict[str, object], key: str, where: str) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UserError(f"Perfil {where}: [{key}] debe ser una tabla TOML.")
    return value


def _str_map(data: dict[str, object], where: str, section: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str | int | float | bool):
            raise UserError(f"Perfil {where}: [{section}] {key} debe ser un texto.")
        out[str(key)] = str(value)
    return out


def _read_lookup(
    base_dir: Path, spec: dict[str, object], where: str, column: str
) -> dict[str, str]:
    file_name = spec.get("file")
    key = spec.get("key")
    value = spec.get("value")
    if not (isinstance(file_name, str) and isinstance(key, str) and isinstance(value, str)):
        raise UserError(f"Perfil {where}: [lookups.{column}] necesita file, key y value.")
    path = (base_dir / file_name).resolve()
    if not path.is_file():
        raise UserError(f"Perfil {where}: no existe el archivo de búsqueda {path}")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or key not in reader.fieldnames or value not in reader.fieldnames:
            raise UserError(f"Perfil {where}: {path.name} debe tener las columnas {key} y {value}.")
        return {row[key].strip().lower(): row[value].strip() for row in reader if row[key]}


def parse_profile(text: str, base_dir: Path, where: str = "de mapeo") -> Profile:
    """Parse a TOML profile; lookup files are resolved relative to `base_dir`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"Perfil {where}: TOML inválido ({exc}).") from None
    unknown = sorted(set(data) - TOP_LEVEL_KEYS)
    if unknown:
        raise UserError(f"Perfil {where}: clave desconocida «{unknown[0]}».")
    timezone = data.get("timezone")
    if timezone is not None:
        check_timezone(str(timezone))
    dates = _table(data, "dates", where)
    formats = dates.get("formats", [])
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        raise UserError(f"Perfil {where}: [dates] formats debe ser una lista de textos.")
    missing_before = dates.get("missing_before")
    if isinstance(missing_before, str):
        missing_before = date.fromisoformat(missing_before)
    if missing_before is not None and not isinstance(missing_before, date):
        raise UserError(f"Perfil {where}: [dates] missing_before debe ser una fecha AAAA-MM-DD.")
    values: dict[str, dict[str, str]] = {}
    for column, spec in _table(data, "lookups", where).items():
        if not isinstance(spec, dict):
            raise UserError(f"Perfil {where}: [lookups.{column}] debe ser una tabla.")
        values.setdefault(column, {}).update(_read_lookup(base_dir, spec, where, column))
    for column, mapping in _table(data, "values", where).items():
        if not isinstance(mapping, dict):
            raise UserError(f"Perfil {where}: [values.{column}] debe ser una tabla.")
        values.setdefault(column, {}).update(
            {k.strip().lower(): v for k, v in _str_map(mapping, where, f"values.{column}").items()}
        )
    rules = _table(data, "rules", where)
    when_status = rules.get("closed_at_when_status", [])
    if not isinstance(when_status, list):
        raise UserError(f"Perfil {where}: [rules] closed_at_when_status debe ser una lista.")
    kind = data.get("kind")
    return Profile(
        name=where,
        kind=str(kind) if kind is not None else None,
        timezone=str(timezone) if timezone is not None else None,
        columns=_str_map(_table(data, "columns", where), where, "columns"),
        defaults=_str_map(_table(data, "defaults", where), where, "defaults"),
        date_formats=tuple(formats),
        missing_before=missing_before,
        values=values,
        closed_at_when_status=tuple(str(s) for s in when_status),
    )


def resolve_profile_path(path: Path) -> Path:
    """The profile file: `path` itself, or a shipped profile named like it (`myla311`)."""
    if path.is_file():
        return path
    shipped = MAPPINGS_DIR / f"{path.stem}.toml"
    if path.parent == Path(".") and shipped.is_file():
        return shipped
    raise UserError(f"No existe el perfil de mapeo {path}")


def load_profile(path: Path) -> Profile:
    real = resolve_profile_path(path)
    return parse_profile(real.read_text(encoding="utf-8"), real.parent, where=real.name)


def shipped_profiles() -> dict[str, Path]:
    """The profiles shipped in `mappings/`, by name (for the upload page's selector)."""
    return {p.stem: p for p in sorted(MAPPINGS_DIR.glob("*.toml"))}


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"Zona horaria desconocida: {name!r} (p. ej. America/Panama)") from None
    return name


def check_profile(profile: Profile, spec: KindSpec) -> None:
    """Refuse a profile written for another kind, naming unknown or personal-data columns."""
    if profile.kind and profile.kind != spec.kind:
        raise UserError(
            f"El perfil {profile.name} es para «{profile.kind}», no para «{spec.kind}»."
        )
    for section, names in (("columns", profile.columns), ("defaults", profile.defaults)):
        for canonical in names:
            if canonical not in spec.canonical:
                raise UserError(
                    f"Perfil {profile.name}: [{section}] «{canonical}» no es una columna de "
                    f"{spec.kind} ({', '.join(spec.canonical)})."
                )
    for canonical, source in profile.columns.items():
        if (spec.kind, canonical) in PERSONAL_EXEMPT:
            continue
        folded = normalize_header(source)
        words = set(re.split(r"[^a-z0-9]+", folded))
        if folded in PERSONAL_HEADERS or words & PERSONAL_WORDS:
            raise UserError(
                f"Perfil {profile.name}: la columna «{source}» puede contener datos personales "
                "y no se carga."
            )


def resolve_columns(header: list[str], spec: KindSpec, profile: Profile) -> dict[str, int]:
    """Index in `header` of each canonical column found (required ones must be there)."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(normalize_header(name), []).append(index)
    found: dict[str, int] = {}
    for canonical in spec.canonical:
        source = profile.columns.get(canonical, canonical)
        hits = positions.get(normalize_header(source), [])
        if not hits and source != canonical:
            hits = positions.get(canonical, [])
        if len(hits) > 1:
            raise UserError(f"La columna «{source}» aparece {len(hits)} veces en el encabezado.")
        if hits:
            found[canonical] = hits[0]
        elif canonical in spec.required and canonical not in profile.defaults:
            also = f" (el perfil la busca como «{source}»)" if source != canonical else ""
            raise UserError(f"Falta la columna obligatoria «{canonical}»{also}.")
    return found
