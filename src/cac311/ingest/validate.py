"""Row validation: canonical text frame -> typed accepted rows + quarantined rows with a reason.

Each row gets at most one reason: the first failing check, in the order of `_checks`. Accepted
rows come out with the columns of the target table (naive-UTC timestamps, and the local dates and
day ordinals computed in the database's time zone). Quarantined rows come out with
`line_number, reason, detail, raw_row`.

A case is quarantined only when a field the legal clock needs is unusable: `case_id`,
`entity_id` (unknown), `case_type`, `created_at`, `closed_at` (unreadable or before
`created_at`) or `status` (unknown or inconsistent with `closed_at`). Its descriptive fields
(category, channel, province, district, sla_days) never reject it: `descriptive.py` normalises
them and reports what it changed as warnings.

A transfer is quarantined when it names a case or an entity that is not registered, when its
two entities are the same, or when it happened before its case was created (the importer joins
each batch to the stored cases first: `__case_known`, `__case_created_at`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from cac311.ingest.descriptive import descriptive_values, empty_warnings, stored
from cac311.ingest.kinds import CASE_TYPES, REVIEW_ITEMS, SECTORS, STATUSES, KindSpec
from cac311.ingest.localdates import add_local_columns, local_date_expr
from cac311.ingest.mapping import Profile
from cac311.ingest.timestamps import parse_timestamp_series
from metrics.daycount import CALENDAR_END, EPOCH

TRUE_WORDS = ("si", "sí", "s", "true", "t", "1", "yes", "y", "verdadero", "activo", "activa")
FALSE_WORDS = ("no", "n", "false", "f", "0", "falso", "inactivo", "inactiva")
DETAIL_MAX = 500


@dataclass(frozen=True)
class ValidationContext:
    """Everything validation needs besides the rows."""

    spec: KindSpec
    profile: Profile
    file_timezone: str
    db_timezone: str
    calendar: pl.DataFrame
    known_entities: pl.Series | None


def word(column: str) -> pl.Expr:
    """A code word: lower case, no accents, spaces and hyphens as `_`."""
    return (
        pl.col(column)
        .str.to_lowercase()
        .str.replace_many(["á", "é", "í", "ó", "ú", "ü", "ñ"], ["a", "e", "i", "o", "u", "u", "n"])
        .str.replace_all(r"[\s\-]+", "_")
    )


def parse_timestamps(frame: pl.DataFrame, ctx: ValidationContext) -> pl.DataFrame:
    """Add `X__ts` (naive UTC), `X__bad` (unreadable) and `X__range` (outside 2000-2045).

    A date before the profile's `missing_before` is a sentinel meaning "no date": it becomes null.
    """
    profile = ctx.profile
    parsed = frame.with_columns(
        parse_timestamp_series(frame.get_column(c), profile.date_formats, ctx.file_timezone).alias(
            f"{c}__ts"
        )
        for c in ctx.spec.timestamps
    )
    flags: list[pl.Expr] = []
    for column in ctx.spec.timestamps:
        ts_col = f"{column}__ts"
        flags.append(
            (pl.col(column).is_not_null() & pl.col(ts_col).is_null()).alias(f"{column}__bad")
        )
        if profile.missing_before is not None:
            sentinel = datetime.combine(profile.missing_before, datetime.min.time())
            flags.append(
                pl.when(pl.col(ts_col) < pl.lit(sentinel))
                .then(None)
                .otherwise(pl.col(ts_col))
                .alias(ts_col)
            )
    parsed = parsed.with_columns(flags)
    if ctx.spec.kind == "cases" and profile.closed_at_when_status:
        keep = word("status").is_in(list(profile.closed_at_when_status)).fill_null(False)
        parsed = parsed.with_columns(
            pl.when(keep).then(pl.col("closed_at__ts")).alias("closed_at__ts"),
            (pl.col("closed_at__bad") & keep).alias("closed_at__bad"),
        )
    return parsed.with_columns(
        (
            ~local_date_expr(f"{c}__ts", ctx.db_timezone).is_between(
                pl.lit(EPOCH), pl.lit(CALENDAR_END)
            )
        )
        .fill_null(False)
        .alias(f"{c}__range")
        for c in ctx.spec.timestamps
    )


def _key_part(spec: KindSpec, column: str) -> pl.Expr:
    """A key column as the database will store it (parsed instant, normalised item)."""
    if column in spec.timestamps:
        return pl.col(f"{column}__ts").cast(pl.String)
    if column == "item":
        return word("item")
    return pl.col(column)


def key_expr(spec: KindSpec) -> pl.Expr:
    """The row's identity (null when incomplete or the row is ragged)."""
    if spec.has_id_column:
        key = pl.col(spec.key[0])
    else:
        key = pl.concat_str([_key_part(spec, c) for c in spec.key], separator="|")
    return pl.when(~pl.col("__ragged")).then(key)


Check = tuple[pl.Expr, str, pl.Expr]


def _quoted(label: str, column: str) -> pl.Expr:
    return pl.format(label + " «{}»", pl.col(column))


def _common_checks(ctx: ValidationContext) -> list[Check]:
    spec = ctx.spec
    checks: list[Check] = [
        (
            pl.col("__ragged"),
            "columnas_incorrectas",
            pl.lit("número de campos distinto al encabezado"),
        )
    ]
    # A NUL byte: PostgreSQL text cannot hold it (SQLite could), so the row is refused on both,
    # before any check whose detail would quote the value. Descriptive fields are not checked:
    # `descriptive.py` removes the NUL and warns.
    with_nul = [
        (c, pl.col(c).str.contains("\x00", literal=True))
        for c in spec.canonical
        if c not in spec.descriptive
    ]
    checks.append(
        (
            pl.any_horizontal(has for _, has in with_nul),
            "caracter_invalido",
            pl.format(
                "{} contiene un carácter nulo (0x00)",
                pl.coalesce([pl.when(has).then(pl.lit(c)) for c, has in with_nul]),
            ),
        )
    )
    if spec.has_id_column:
        key = spec.key[0]
        checks.append((pl.col(key).is_null(), "id_faltante", pl.lit(f"falta {key}")))
    checks.append((pl.col("__dup"), "id_duplicado", pl.format("{} repetido", pl.col("__key"))))
    for column in spec.required:
        checks.append((pl.col(column).is_null(), "valor_faltante", pl.lit(f"falta {column}")))
    for column, limit in spec.max_lengths.items():
        too_long = pl.col(column).str.len_chars() > limit
        checks.append(
            (too_long, "valor_demasiado_largo", pl.lit(f"{column} supera {limit} caracteres"))
        )
    for column in spec.timestamps:
        checks.append((pl.col(f"{column}__bad"), "fecha_ilegible", _quoted(column, column)))
    for column in spec.timestamps:
        checks.append((pl.col(f"{column}__range"), "fecha_fuera_de_rango", _quoted(column, column)))
    if ctx.known_entities is not None:
        known = ctx.known_entities.implode()
        for column in spec.entity_columns:
            unknown = ~pl.col(column).is_in(known)
            checks.append((unknown, "entidad_desconocida", _quoted(column, column)))
    return checks


def _transfer_checks(ctx: ValidationContext) -> list[Check]:
    created_local = (
        pl.col("__case_created_at")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(ctx.db_timezone)
        .dt.strftime("%Y-%m-%d %H:%M")
    )
    return [
        (
            ~pl.col("__case_known"),
            "caso_desconocido",
            _quoted("case_id", "case_id"),
        ),
        (
            pl.col("from_entity_id") == pl.col("to_entity_id"),
            "traslado_misma_entidad",
            pl.format(
                "from_entity_id y to_entity_id «{}»",
                pl.col("from_entity_id"),
            ),
        ),
        (
            pl.col("transferred_at__ts") < pl.col("__case_created_at"),
            "traslado_antes_de_creacion",
            pl.format(
                "transferred_at «{}» anterior a la creación del caso «{}» ({}, {})",
                pl.col("transferred_at"),
                pl.col("case_id"),
                created_local,
                pl.lit(ctx.db_timezone),
            ),
        ),
    ]


def _kind_checks(ctx: ValidationContext) -> list[Check]:
    kind = ctx.spec.kind
    if kind == "entities":
        active = word("active")
        return [
            (~word("sector").is_in(list(SECTORS)), "sector_invalido", _quoted("sector", "sector")),
            (
                pl.col("active").is_not_null() & ~active.is_in(list(TRUE_WORDS + FALSE_WORDS)),
                "activo_invalido",
                _quoted("active", "active"),
            ),
        ]
    if kind == "reviews":
        return [(~word("item").is_in(list(REVIEW_ITEMS)), "item_invalido", _quoted("item", "item"))]
    if kind == "transfers":
        return _transfer_checks(ctx)
    if kind != "cases":
        return []
    status = word("status")
    has_closed = pl.col("closed_at__ts").is_not_null()
    # Only the fields the legal clock needs: the descriptive ones never reject a case.
    return [
        (
            ~word("case_type").is_in(list(CASE_TYPES)),
            "tipo_desconocido",
            _quoted("case_type", "case_type"),
        ),
        (
            pl.col("status").is_not_null() & ~status.is_in(list(STATUSES)),
            "estado_invalido",
            _quoted("status", "status"),
        ),
        (
            pl.col("closed_at__ts") < pl.col("created_at__ts"),
            "cierre_antes_de_creacion",
            pl.format(
                "closed_at «{}» anterior a created_at «{}»",
                pl.col("closed_at"),
                pl.col("created_at"),
            ),
        ),
        (
            ((status == "abierto") & has_closed) | ((status == "cerrado") & ~has_closed),
            "estado_inconsistente",
            pl.format(
                "status «{}» con closed_at «{}»",
                pl.col("status"),
                pl.col("closed_at").fill_null(""),
            ),
        ),
    ]


def _first_failure(checks: list[Check]) -> tuple[pl.Expr, pl.Expr]:
    """Reason code and detail of the first check a row fails (null when it passes all)."""
    reason = pl.coalesce(
        [pl.when(cond.fill_null(False)).then(pl.lit(code)) for cond, code, _ in checks]
    )
    detail = pl.coalesce(
        [
            pl.when(cond.fill_null(False)).then(text.cast(pl.String).fill_null(""))
            for cond, _, text in checks
        ]
    )
    return reason, detail


def mark_reasons(frame: pl.DataFrame, ctx: ValidationContext, seen: pl.Series) -> pl.DataFrame:
    """Add `__key`, `__dup` (repeats an earlier row of the file), `__reason` and `__detail`."""
    keyed = frame.with_columns(key_expr(ctx.spec).alias("__key"))
    # Probe the (large) earlier keys against this batch's keys, not the other way round: only
    # the batch is hashed, so the cost stays linear as the file grows.
    keys = keyed.get_column("__key").drop_nulls()
    earlier = seen.filter(seen.is_in(keys.implode())) if seen.len() else seen
    keyed = keyed.with_columns(
        (
            pl.col("__key").is_not_null()
            & (~pl.col("__key").is_first_distinct() | pl.col("__key").is_in(earlier.implode()))
        ).alias("__dup")
    )
    reason, detail = _first_failure(_common_checks(ctx) + _kind_checks(ctx))
    # Lazy, so a sub-expression several checks share (e.g. `word("status")`) is computed once:
    # eager frames run without common-subexpression elimination.
    marked = keyed.lazy().with_columns(reason.alias("__reason")).collect()
    if marked.get_column("__reason").null_count() == marked.height:
        # Every row passed: each detail is null too (it is non-null exactly when a check
        # fails), so skip formatting the texts of every check for every row.
        return marked.with_columns(pl.lit(None, dtype=pl.String).alias("__detail"))
    return marked.with_columns(detail.str.slice(0, DETAIL_MAX).alias("__detail"))


def accepted_with_warnings(
    frame: pl.DataFrame, ctx: ValidationContext
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed rows for the target table (without batch_id) and the warnings of their descriptive
    values (`descriptive.WARNINGS_SCHEMA`, without batch_id)."""
    if not ctx.spec.descriptive:
        return accepted_rows(frame, ctx), empty_warnings()
    normalised, warnings = descriptive_values(frame, ctx.spec)
    return accepted_rows(normalised, ctx), warnings


def accepted_rows(frame: pl.DataFrame, ctx: ValidationContext) -> pl.DataFrame:
    """Typed rows for the target table (without batch_id).

    Cases need the stored descriptive values first (`descriptive.descriptive_values`).
    """
    kind = ctx.spec.kind
    if kind == "entities":
        return frame.select(
            pl.col("entity_id"),
            pl.col("name"),
            word("sector").alias("sector"),
            (~word("active").is_in(list(FALSE_WORDS))).fill_null(True).alias("active"),
        )
    if kind == "reviews":
        return frame.select(
            pl.col("entity_id"),
            word("item").alias("item"),
            pl.col("reviewed_at__ts").alias("reviewed_at"),
            local_date_expr("reviewed_at__ts", ctx.db_timezone).alias("reviewed_on"),
        )
    if kind == "releases":
        local = local_date_expr("received_at__ts", ctx.db_timezone)
        return frame.select(
            pl.col("release_id"),
            pl.col("entity_id"),
            pl.col("title"),
            pl.col("received_at__ts").alias("received_at"),
            pl.col("published_at__ts").alias("published_at"),
            (local.dt.year() * 100 + local.dt.month()).cast(pl.Int32).alias("received_month"),
        )
    if kind == "transfers":
        typed = frame.select(
            pl.col("case_id"),
            pl.col("from_entity_id"),
            pl.col("to_entity_id"),
            pl.col("transferred_at__ts").alias("transferred_at"),
        )
        return add_local_columns(typed, "transferred", ctx.db_timezone, ctx.calendar)
    return _case_rows(frame, ctx)


def _case_rows(frame: pl.DataFrame, ctx: ValidationContext) -> pl.DataFrame:
    """Typed case rows: stored descriptive values, status inferred from `closed_at` when the
    file gives none, local dates and day ordinals in the database's time zone."""
    has_closed = pl.col("closed_at__ts").is_not_null()
    status = word("status")
    typed = (
        frame.lazy()
        .select(  # lazy: `status` is computed once (see mark_reasons)
            pl.col("case_id"),
            pl.col("entity_id"),
            word("case_type").alias("case_type"),
            pl.col(stored("category")).alias("category"),
            pl.col(stored("channel")).alias("channel"),
            pl.col(stored("province")).alias("province"),
            pl.col(stored("district")).alias("district"),
            pl.when(status.is_null())
            .then(pl.when(has_closed).then(pl.lit("cerrado")).otherwise(pl.lit("abierto")))
            .otherwise(status)
            .alias("status"),
            pl.col(stored("sla_days")).alias("sla_days"),
            pl.col("created_at__ts").alias("created_at"),
            pl.col("closed_at__ts").alias("closed_at"),
        )
        .collect()
    )
    typed = add_local_columns(typed, "created", ctx.db_timezone, ctx.calendar)
    return add_local_columns(typed, "closed", ctx.db_timezone, ctx.calendar)


def quarantined_rows(frame: pl.DataFrame, raw_json: pl.Expr) -> pl.DataFrame:
    """`line_number, reason, detail, raw_row` of the rejected rows."""
    return frame.select(
        pl.col("__line").cast(pl.Int32).alias("line_number"),
        pl.col("__reason").alias("reason"),
        pl.col("__detail").alias("detail"),
        raw_json.alias("raw_row"),
    )
