"""Named SQL queries from `queries/*.sql`, run with `:named` parameters into Polars.

Each file holds one query and a header:

    -- name: cases__monthly_closed_histogram
    -- grain: one row per entity and day count
    -- params: start_on, end_on, mode, @case_filters

A piece of SQL that many queries share (the dashboard's filter block, the group-by key) lives
once in `queries/include/<name>.sql`, with the same header. A query uses it with a line
`-- include: <name>`, replaced by the fragment's text when the file is loaded, and names it in
its header as `@<name>`: the fragment's parameters then count as declared. Fragments hold fixed
SQL only; values still arrive as `:named` parameters.

A dialect may override a query with `queries/<dialect>/<name>.sql`. `run_query` refuses a call
whose parameters differ from the header's, and coerces the result to a fixed schema, because an
empty result (or SQLite text) would otherwise arrive with the wrong types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cac311.config import QUERIES_DIR

PARAM_RE = re.compile(r"(?<![:\w]):([a-zA-Z_]\w*)")
HEADER_RE = re.compile(r"^--\s*(name|grain|params):\s*(.*)$")
INCLUDE_RE = re.compile(r"^\s*--\s*include:\s*([a-z_]+)\s*$")
INCLUDE_DIR = "include"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    grain: str
    declared_params: frozenset[str]
    used_params: frozenset[str]
    text: str
    body: str  # the SQL without comment lines: a `:word` in a comment must not become a parameter
    path: Path


def parse_query_file(path: Path, queries_dir: Path = QUERIES_DIR) -> NamedQuery:
    """Read one query file, expanding its `-- include:` lines (see the module docstring)."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    body_lines = []
    included: list[NamedQuery] = []
    for line in text.splitlines():
        match = HEADER_RE.match(line.strip())
        include = INCLUDE_RE.match(line)
        if match:
            header[match.group(1)] = match.group(2).strip()
        elif include:
            fragment = load_fragment(include.group(1), queries_dir)
            included.append(fragment)
            body_lines.append(fragment.body)
        elif not line.strip().startswith("--"):
            body_lines.append(line)
    body = "\n".join(body_lines)
    names = [p.strip().lstrip(":") for p in header.get("params", "").split(",") if p.strip()]
    referenced = {n.removeprefix("@") for n in names if n.startswith("@")}
    if referenced != {f.name for f in included}:
        raise ValueError(
            f"{path.name}: the header names fragments {sorted(referenced)} but the body "
            f"includes {sorted(f.name for f in included)}"
        )
    declared = frozenset(n for n in names if n != "none" and not n.startswith("@"))
    for fragment in included:
        declared |= fragment.declared_params
    return NamedQuery(
        name=header.get("name", path.stem),
        grain=header.get("grain", ""),
        declared_params=declared,
        used_params=frozenset(PARAM_RE.findall(body)),
        text=text,
        body=body,
        path=path,
    )


@cache
def load_fragment(name: str, queries_dir: Path = QUERIES_DIR) -> NamedQuery:
    """A shared piece of SQL from `queries/include/` (it may not include others)."""
    path = queries_dir / INCLUDE_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no existe el fragmento SQL {name!r} en {path.parent}")
    fragment = parse_query_file(path, queries_dir)
    if INCLUDE_RE.search(path.read_text(encoding="utf-8")):
        raise ValueError(f"{path.name}: a fragment may not include another")
    return fragment


@cache
def load_query(name: str, dialect: str) -> NamedQuery:
    """The query `name`, from the dialect folder when it has its own text."""
    for path in (QUERIES_DIR / dialect / f"{name}.sql", QUERIES_DIR / f"{name}.sql"):
        if path.is_file():
            return parse_query_file(path)
    raise KeyError(f"no existe la consulta {name!r} en {QUERIES_DIR}")


def all_query_files() -> list[Path]:
    """Every query and fragment file."""
    return sorted(QUERIES_DIR.rglob("*.sql"))


def _bind_value(value: Any, dialect: str) -> Any:
    if isinstance(value, Enum):
        return value.value  # a DayMode goes to SQL as its text ('calendario' / 'habiles')
    if dialect == "sqlite" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if dialect == "sqlite" and isinstance(value, date):
        return value.isoformat()
    return value


def coerce(
    frame: pl.DataFrame, schema: Mapping[str, pl.DataType | type[pl.DataType]]
) -> pl.DataFrame:
    """Cast `frame` to exactly `schema` (column order and types); SQLite text dates are parsed."""
    exprs = []
    for column, dtype in schema.items():
        target = dtype() if isinstance(dtype, type) else dtype
        if column not in frame.columns:
            raise KeyError(f"la consulta no devolvió la columna {column!r}")
        source = frame.schema[column]
        expr = pl.col(column)
        if source == pl.String and target == pl.Date:
            expr = expr.str.slice(0, 10).str.to_date("%Y-%m-%d")
        elif source == pl.String and isinstance(target, pl.Datetime):
            expr = (
                expr.str.replace("T", " ", literal=True)
                .str.slice(0, 26)
                .str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us")
            )
        elif source == pl.String and target == pl.Boolean:
            expr = expr.cast(pl.Int8).cast(pl.Boolean)
        elif isinstance(source, pl.Datetime) and isinstance(target, pl.Datetime):
            expr = expr.dt.replace_time_zone(None) if source.time_zone else expr
        exprs.append(expr.cast(target).alias(column))
    return frame.select(exprs)


def bound_statement(
    bind: Engine | Connection,
    name: str,
    params: Mapping[str, Any] | None = None,
    template: str = "{query}",
) -> tuple[sa.TextClause, dict[str, Any]]:
    """The named query as a statement and its bound parameters, checked against its header.

    `template` wraps the query's text in fixed SQL written by the caller (e.g.
    `insert into summary_x (...) select ... from ({query}) as q`); values still travel only as
    `:named` parameters.
    """
    params = dict(params or {})
    query = load_query(name, bind.dialect.name)
    if set(params) != query.declared_params:
        raise ValueError(
            f"{name}: parámetros {sorted(params)} no coinciden con los declarados "
            f"{sorted(query.declared_params)}"
        )
    bound = {k: _bind_value(v, bind.dialect.name) for k, v in params.items()}
    statement = sa.text(template.format(query=query.body))
    expanding = [k for k, v in bound.items() if isinstance(v, list | tuple)]
    if expanding:
        statement = statement.bindparams(*(sa.bindparam(k, expanding=True) for k in expanding))
    return statement, bound


def run_query(
    bind: Engine | Connection,
    name: str,
    params: Mapping[str, Any] | None = None,
    schema: Mapping[str, pl.DataType | type[pl.DataType]] | None = None,
) -> pl.DataFrame:
    """Run the named query with `:named` parameters and return a Polars frame."""
    statement, bound = bound_statement(bind, name, params)
    frame = pl.read_database(
        statement, bind, execute_options={"parameters": bound}, infer_schema_length=None
    )
    return coerce(frame, schema) if schema is not None else frame
