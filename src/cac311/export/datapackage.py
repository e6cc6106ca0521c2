"""`datapackage.json` of the publication bundle: a Frictionless Data Package descriptor.

One resource per CSV with `path`, `hash` (`sha256:<hex>`), `bytes`, `encoding`, `format`,
`dialect` (the spreadsheet one declares `;` and CRLF) and `schema.fields` in column order, each
with its type (string/integer/number), Spanish title and description from
`metrics.definitions`, and `decimalChar: ","` on the spreadsheet's number fields. Package level:
`periodo`, `datos_al`, `generado` (ISO time with offset), `dias`, `version_definiciones`,
`parcial`, the legal limit and ranking threshold used, name, title and licence.

Built as plain JSON with a fixed key order, so the same inputs always give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from cac311.export.csv_formats import CsvDialect
from metrics.definitions import DEFINITIONS_VERSION, METRIC_DEFINITIONS

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Atribución 4.0 Internacional",
}
PERCENT_COLUMNS = frozenset(
    {"pct_cerrados_en_plazo", "indice_cumplimiento", "cohorte_en_plazo_pct"}
)


@dataclass(frozen=True)
class CsvResource:
    """One CSV of the bundle as the descriptor sees it."""

    name: str  # resource name (lower case, `-`/`_`)
    path: str  # file name inside the bundle
    title: str
    data: bytes
    dialect: CsvDialect


@dataclass(frozen=True)
class PackageInfo:
    """Package-level metadata of one publication."""

    periodo: str
    datos_al: date
    generado: datetime  # timezone-aware
    dias: str
    parcial: bool
    legal_limit_days: int
    ranking_min_n: int


def _field_type(dtype: pl.DataType) -> str:
    if dtype == pl.String:
        return "string"
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "number"
    raise TypeError(f"no Table Schema type for {dtype}")


def _constraints(name: str, field_type: str) -> dict[str, Any]:
    if name == "entidad_id":
        return {"required": True}
    if name == "cohorte_madura":
        return {"required": True, "enum": ["si", "no"]}
    if name == "posicion":
        return {"minimum": 1}
    if name in PERCENT_COLUMNS:
        return {"minimum": 0, "maximum": 100}
    if field_type in {"integer", "number"}:
        return {"minimum": 0}
    return {}


def schema_fields(schema: pl.Schema, decimal_char: str) -> list[dict[str, Any]]:
    """Table Schema fields in column order; every column must have a definition."""
    fields: list[dict[str, Any]] = []
    for name, dtype in schema.items():
        definition = METRIC_DEFINITIONS.get(name)
        if definition is None:
            raise KeyError(f"column {name!r} has no entry in metrics.definitions")
        field_type = _field_type(dtype)
        field: dict[str, Any] = {
            "name": name,
            "type": field_type,
            "title": definition.etiqueta,
            "description": definition.definicion,
        }
        if field_type == "number" and decimal_char != ".":
            field["decimalChar"] = decimal_char
        constraints = _constraints(name, field_type)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return fields


def _dialect(dialect: CsvDialect) -> dict[str, Any]:
    return {
        "delimiter": dialect.delimiter,
        "lineTerminator": dialect.line_terminator,
        "quoteChar": '"',
        "doubleQuote": True,
        "header": True,
    }


def resource_descriptor(resource: CsvResource, schema: pl.Schema) -> dict[str, Any]:
    """The descriptor of one CSV resource (hash and size of exactly `resource.data`)."""
    return {
        "name": resource.name,
        "title": resource.title,
        "path": resource.path,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(resource.data),
        "hash": "sha256:" + hashlib.sha256(resource.data).hexdigest(),
        "dialect": _dialect(resource.dialect),
        "schema": {
            "fields": schema_fields(schema, resource.dialect.decimal_char),
            "primaryKey": ["entidad_id"],
            "missingValues": [""],
        },
    }


def package_descriptor(
    info: PackageInfo, resources: list[CsvResource], schema: pl.Schema
) -> dict[str, Any]:
    """The whole Data Package descriptor (a dict in its output key order)."""
    if info.generado.utcoffset() is None:
        raise ValueError("generado must be timezone-aware")
    partial_note = f" (parcial: datos al {info.datos_al:%d/%m/%Y})" if info.parcial else ""
    suffix = "-parcial" if info.parcial else ""
    return {
        "name": f"estadisticas-311-{info.periodo}{suffix}",
        "title": f"Estadísticas mensuales del 311 por entidad — {info.periodo}{partial_note}",
        "description": (
            "Casos del Centro de Atención Ciudadana 311 por entidad responsable y total nacional: "
            "recibidos, cerrados, cumplimiento del plazo legal, atrasos y tiempos de atención. "
            "Las definiciones de cada columna siguen la versión indicada en "
            "version_definiciones."
        ),
        "licenses": [LICENSE],
        "periodo": info.periodo,
        "datos_al": info.datos_al.isoformat(),
        "generado": info.generado.isoformat(timespec="seconds"),
        "dias": info.dias,
        "version_definiciones": DEFINITIONS_VERSION,
        "parcial": info.parcial,
        "limite_legal_dias": info.legal_limit_days,
        "ranking_n_minimo": info.ranking_min_n,
        "resources": [resource_descriptor(resource, schema) for resource in resources],
    }


def descriptor_bytes(descriptor: dict[str, Any]) -> bytes:
    """Pretty, stable JSON (UTF-8, non-ASCII kept, LF, trailing newline)."""
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
