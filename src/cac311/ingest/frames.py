"""Turn a batch of text rows into a Polars frame of canonical text columns (profile applied).

Grain: one row per data row of the file. Columns: `__line` (line the row starts on),
`__ragged` (field count differs from the header), `__srcN` (the verbatim text of source column
N, kept for the quarantine) and one String column per canonical column of the kind (trimmed,
empty -> null, value maps and defaults applied; null when the file lacks it).
"""

from __future__ import annotations

import polars as pl

from cac311.ingest.fastcsv import source_column
from cac311.ingest.kinds import KindSpec
from cac311.ingest.mapping import Profile


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_bytes() == 0).then(pl.lit(None, dtype=pl.String)).otherwise(expr)


def canonical_exprs(spec: KindSpec, profile: Profile, used: dict[str, int]) -> list[pl.Expr]:
    """One text expression per canonical column: trim, empty -> null, maps, defaults."""
    exprs: list[pl.Expr] = []
    for column in spec.canonical:
        if column in used:
            expr = _blank_to_null(pl.col(source_column(used[column])).str.strip_chars())
            mapping = profile.values.get(column)
            if mapping:
                expr = _blank_to_null(
                    expr.str.to_lowercase().replace_strict(
                        list(mapping), list(mapping.values()), default=expr, return_dtype=pl.String
                    )
                )
        else:
            expr = pl.lit(None, dtype=pl.String)
        if column in profile.defaults:
            expr = expr.fill_null(pl.lit(profile.defaults[column]))
        exprs.append(expr.alias(column))
    return exprs


def raw_row_json(header: list[str], used: dict[str, int]) -> pl.Expr:
    """JSON object of the verbatim source values the import read, keyed by their header names.

    Only the columns the profile reads are kept, so personal data in other columns (addresses,
    descriptions) never reaches the database, not even through the quarantine.
    """
    fields = []
    seen: set[str] = set()
    for index in sorted(set(used.values())):
        name = header[index] or f"columna_{index + 1}"
        while name in seen:
            name = f"{name}_{index + 1}"
        seen.add(name)
        fields.append(pl.col(source_column(index)).alias(name))
    return pl.struct(fields).struct.json_encode()
