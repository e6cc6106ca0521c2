"""Descriptive fields of a case: normalised or kept, never a reason to quarantine it (SPEC §6).

A case is quarantined only when a field the legal clock needs is unusable (`validate.py`). The
descriptive fields are stored as follows; each value stored differently from how the file wrote
it (after trimming and the mapping profile) is a **warning**: counted in the import report,
stored with its line in `import_warnings`, never changing the accepted count.

- category, district: the text as written (trimmed); cut to 200 / 120 characters
  (`texto_recortado`);
- channel: the text as written (trimmed), lower-case; cut to 40 characters (`texto_recortado`);
- province: its ISO 3166-2:PA code, from the code or the name (`provinces.py`); anything else
  is stored as missing (`provincia_desconocida`);
- sla_days: a whole number of days 0–9999 (`5`, `5.0`); anything else is stored as missing
  (`sla_invalido`).

A NUL character (0x00) in a text is removed (PostgreSQL cannot store it; `caracter_nulo_eliminado`).
The caps are the column sizes of migration 0001 (`KindSpec.text_caps`), counted in characters as
PostgreSQL counts them, so the stored text always fits. Writing a province name instead of its
code, or the channel in capitals, is the expected form of those fields, not a warning.

Cost: a clean batch (no NUL, nothing too long, every province an ISO code) pays one pass that
proves it and the same per-row expressions as before; the per-row warning frames are built only
for the fields of a batch that have one.
"""

from __future__ import annotations

import polars as pl

from cac311.ingest.kinds import KindSpec
from cac311.ingest.provinces import province_codes

NUL = "\x00"
NUL_SHOWN = "\u2400"  # "␀": how a removed NUL is shown in the stored original value
SLA_MAX_DAYS = 10_000
WARNINGS_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int32(),
    "record_id": pl.String(),
    "field": pl.String(),
    "code": pl.String(),
    "original": pl.String(),
    "stored": pl.String(),
}


def stored(column: str) -> str:
    """Name of the column holding what is stored for a descriptive `column`."""
    return f"{column}__v"


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_bytes() == 0).then(pl.lit(None, dtype=pl.String)).otherwise(expr)


def empty_warnings() -> pl.DataFrame:
    return pl.DataFrame(schema=WARNINGS_SCHEMA)


def _sla_days() -> tuple[pl.Expr, pl.Expr]:
    """Stored `sla_days` (Int32 or null) and its warning flag."""
    number = pl.col("sla_days").cast(pl.Float64, strict=False)
    valid = (number >= 0) & (number == number.floor()) & (number < SLA_MAX_DAYS)
    value = pl.when(valid).then(number).cast(pl.Int32)
    return value, pl.col("sla_days").is_not_null() & ~valid.fill_null(False)


def _province(frame: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """Stored province (ISO code or null) and its warning flag, mapping each distinct value once."""
    mapping = province_codes(frame.get_column("province").unique().to_list())
    if all(code == value for value, code in mapping.items()):
        return pl.col("province"), pl.lit(False)
    value = pl.col("province").replace_strict(
        list(mapping), list(mapping.values()), default=None, return_dtype=pl.String
    )
    return value, pl.col("province").is_not_null() & value.is_null()


def _shown(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(NUL, NUL_SHOWN, literal=True)


def _warning_rows(
    frame: pl.DataFrame, flag: str, field: str, code: str, original: pl.Expr
) -> pl.DataFrame:
    return frame.filter(pl.col(flag)).select(
        pl.col("__line").cast(pl.Int32).alias("line_number"),
        pl.col("__key").cast(pl.String).alias("record_id"),
        pl.lit(field, dtype=pl.String).alias("field"),
        pl.lit(code, dtype=pl.String).alias("code"),
        original.alias("original"),
        pl.col(stored(field)).cast(pl.String).alias("stored"),
    )


def descriptive_values(frame: pl.DataFrame, spec: KindSpec) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`frame` with the stored value of each descriptive column (`stored(c)`), and its warnings.

    Input grain: one row per accepted row of a batch (canonical text columns, `__line`, `__key`).
    Output: the same rows with `X__v` added; and one row per warning (WARNINGS_SCHEMA), by
    field then line. Frames without descriptive columns come back unchanged, with no warning.
    """
    if not spec.descriptive or frame.height == 0:
        return frame.with_columns(
            pl.col(c).alias(stored(c)) for c in spec.descriptive
        ), empty_warnings()
    texts = tuple(spec.text_caps)
    has_nul = frame.select(
        pl.col(c).str.contains(NUL, literal=True).any().alias(c) for c in texts
    ).row(0, named=True)
    nuls = [c for c in texts if has_nul[c]]
    typed, cuts = _cut_to_caps(_stored_values(frame, texts, nuls), spec, nuls)
    return typed, _warnings(typed, texts, nuls, cuts)


def _stored_values(frame: pl.DataFrame, texts: tuple[str, ...], nuls: list[str]) -> pl.DataFrame:
    """`frame` with each descriptive column's stored value (NULs removed where the batch has
    any, channel lower-cased, province and SLA typed) and the province/SLA warning flags."""
    values: list[pl.Expr] = []
    for column in texts:
        value = pl.col(column)
        if column in nuls:
            value = _blank_to_null(value.str.replace_all(NUL, "", literal=True).str.strip_chars())
        if column == "channel":
            value = value.str.to_lowercase()
        values.append(value.alias(stored(column)))
    province_value, province_flag = _province(frame)
    sla_value, sla_flag = _sla_days()
    return (
        frame.lazy()
        .with_columns(
            *values,
            province_value.alias(stored("province")),
            sla_value.alias(stored("sla_days")),
            province_flag.alias("__warn_province"),
            sla_flag.alias("__warn_sla_days"),
        )
        .collect()
    )


def _cut_to_caps(
    typed: pl.DataFrame, spec: KindSpec, nuls: list[str]
) -> tuple[pl.DataFrame, list[str]]:
    """Stored texts cut to the column's cap, with a per-row flag for each cut (`__cut_X`) and
    each removed NUL (`__nul_X`); also the columns where the batch had a cut. The flags are
    only computed for the columns where the batch needs them (the common case costs nothing)."""
    texts = tuple(spec.text_caps)
    too_long = typed.select(
        (pl.col(stored(c)).str.len_chars() > cap).any().alias(c)
        for c, cap in spec.text_caps.items()
    ).row(0, named=True)
    cuts = [c for c in texts if too_long[c]]
    if cuts or nuls:
        typed = typed.with_columns(
            *(
                pl.col(c).str.contains(NUL, literal=True).fill_null(False).alias(f"__nul_{c}")
                for c in nuls
            ),
            *(
                (pl.col(stored(c)).str.len_chars() > spec.text_caps[c])
                .fill_null(False)
                .alias(f"__cut_{c}")
                for c in cuts
            ),
        ).with_columns(
            pl.col(stored(c)).str.slice(0, spec.text_caps[c]).str.strip_chars_end().alias(stored(c))
            for c in cuts
        )
    return typed, cuts


def _warnings(
    typed: pl.DataFrame, texts: tuple[str, ...], nuls: list[str], cuts: list[str]
) -> pl.DataFrame:
    """One row per warning (WARNINGS_SCHEMA), by field then line."""
    parts: list[pl.DataFrame] = []
    for column in texts:
        if column in nuls:
            parts.append(
                _warning_rows(
                    typed, f"__nul_{column}", column, "caracter_nulo_eliminado", _shown(column)
                )
            )
        if column in cuts:
            parts.append(
                _warning_rows(typed, f"__cut_{column}", column, "texto_recortado", _shown(column))
            )
    for column, code in (("province", "provincia_desconocida"), ("sla_days", "sla_invalido")):
        flag = f"__warn_{column}"
        if typed.get_column(flag).any():
            parts.append(_warning_rows(typed, flag, column, code, _shown(column)))
    return pl.concat(parts) if parts else empty_warnings()
