"""Figures of the circular's obligations done inside the dashboard (issue 14): per entity and
item, the last review the freshness counts and where it came from, what waits for the asesor
and for how long, what was returned; per entity and month, the press releases by state.

Definitions (docs/metrics.md §14, in Spanish):

- `ultima_revision`: the later of the latest imported review on or before `datos_al` and the
  latest review VALIDATED in the dashboard (its local receipt date). `origen`: `tablero` when the
  latter is that date (also on a tie), `importado` otherwise; null when never reviewed.
- `revisiones_pendientes`: reviews sent and not yet decided by an asesor. They are shown next to
  the freshness as "pendiente de validación" but never move it: only a validation does.
- `pendiente_desde`: local receipt time of the oldest pending one; `dias_pendiente` = local date
  of `today` − local date of that receipt (calendar days, 0 = received today).
- `revisiones_devueltas`: returned by the asesor and not yet followed by another submission of
  the same entity and item.
- `comunicados_pendientes`, `comunicados_devueltos`: press releases sent in the dashboard and
  received in the month, pending / returned and not yet resubmitted. The counted releases
  (`comunicados`, `pct_con_anticipacion`) are imported + validated (metrics.releases).
- `antiguedad_dias` of a submission: local date of `today` − its local receipt date.
- `anticipacion_horas` of a release sent in the dashboard: planned media time − receipt time, in
  hours, one decimal half away from zero (negative: the media had it first).

Every function is pure: `today` and the time zone are arguments, never the clock.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.freshness import ITEMS
from metrics.rounding import tenths_to_float_expr

TABLERO = "tablero"
IMPORTADO = "importado"
MICROSECONDS_PER_HOUR = 3_600_000_000

REVIEW_ITEMS_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "sector": pl.String(),
    "item": pl.String(),
    "last_imported_on": pl.Date(),
    "last_validated_on": pl.Date(),
    "pendientes": pl.Int64(),
    "pending_since": pl.Datetime("us"),
    "devueltas": pl.Int64(),
}
ITEM_STATE_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "sector": pl.String(),
    "item": pl.String(),
    "ultima_revision": pl.Date(),
    "origen": pl.String(),
    "revisiones_pendientes": pl.Int64(),
    "pendiente_desde": pl.Datetime("us"),
    "dias_pendiente": pl.Int64(),
    "revisiones_devueltas": pl.Int64(),
}
RELEASE_STATES_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "sector": pl.String(),
    "pendientes": pl.Int64(),
    "devueltos": pl.Int64(),
    "validados": pl.Int64(),
}
ENTITY_OBLIGATIONS_SCHEMA: dict[str, pl.DataType] = {
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "sector": pl.String(),
    "revisiones_pendientes": pl.Int64(),
    "dias_pendiente": pl.Int64(),
    "revisiones_devueltas": pl.Int64(),
    "comunicados": pl.Int64(),
    "pct_con_anticipacion": pl.Float64(),
    "comunicados_pendientes": pl.Int64(),
    "comunicados_devueltos": pl.Int64(),
}
SUBMISSIONS_SCHEMA: dict[str, pl.DataType] = {
    "tipo": pl.String(),
    "submission_id": pl.Int64(),
    "entidad_id": pl.String(),
    "entidad": pl.String(),
    "item": pl.String(),
    "titulo": pl.String(),
    "sin_cambios": pl.Boolean(),
    "texto": pl.String(),
    "media_at": pl.Datetime("us"),
    "attachment_id": pl.Int64(),
    "adjunto": pl.String(),
    "replaces_id": pl.Int64(),
    "submitted_by": pl.String(),
    "submitted_at": pl.Datetime("us"),
    "status": pl.String(),
    "decided_by": pl.String(),
    "decided_at": pl.Datetime("us"),
    "return_reason": pl.String(),
    "corregido": pl.Boolean(),
}
SUBMISSION_VIEW_SCHEMA: dict[str, pl.DataType] = {
    **SUBMISSIONS_SCHEMA,
    "recibido": pl.Datetime("us"),
    "medios": pl.Datetime("us"),
    "decidido": pl.Datetime("us"),
    "antiguedad_dias": pl.Int64(),
    "anticipacion_horas": pl.Float64(),
}


def _local(column: str, timezone: str) -> pl.Expr:
    """A naive-UTC datetime column as naive local time in `timezone`."""
    return (
        pl.col(column)
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(timezone)
        .dt.replace_time_zone(None)
    )


def _days_since(column: str, today: date, timezone: str) -> pl.Expr:
    return (pl.lit(today) - _local(column, timezone).dt.date()).dt.total_days().cast(pl.Int64)


def review_item_state(rows: pl.DataFrame, today: date, timezone: str) -> pl.DataFrame:
    """Per entity and item: the last review the freshness counts, its origin, and the pending
    and returned submissions.

    Input grain: one row per entity and item (REVIEW_ITEMS_SCHEMA, `pending_since` naive UTC).
    Output grain: the same rows, ITEM_STATE_SCHEMA, sorted by `entidad_id` then item in ITEMS
    order; `pendiente_desde` in local time.
    """
    imported, validated = pl.col("last_imported_on"), pl.col("last_validated_on")
    latest = pl.max_horizontal(imported, validated)
    origin = (
        pl.when(validated.is_not_null() & (imported.is_null() | (validated >= imported)))
        .then(pl.lit(TABLERO))
        .when(imported.is_not_null())
        .then(pl.lit(IMPORTADO))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    order = pl.col("item").replace_strict(
        list(ITEMS), list(range(len(ITEMS))), default=len(ITEMS), return_dtype=pl.Int64
    )
    return (
        rows.with_columns(order.alias("_orden"))
        .sort(["entidad_id", "_orden"])
        .select(
            pl.col("entidad_id").cast(pl.String).alias("entidad_id"),
            pl.col("entidad").cast(pl.String).alias("entidad"),
            pl.col("sector").cast(pl.String).alias("sector"),
            pl.col("item").cast(pl.String).alias("item"),
            latest.cast(pl.Date).alias("ultima_revision"),
            origin.alias("origen"),
            pl.col("pendientes").fill_null(0).cast(pl.Int64).alias("revisiones_pendientes"),
            _local("pending_since", timezone).alias("pendiente_desde"),
            _days_since("pending_since", today, timezone).alias("dias_pendiente"),
            pl.col("devueltas").fill_null(0).cast(pl.Int64).alias("revisiones_devueltas"),
        )
    )


def entity_obligations(
    items: pl.DataFrame, release_states: pl.DataFrame, release_summary: pl.DataFrame
) -> pl.DataFrame:
    """One row per entity of `items` (the active entities): pending, oldest pending age and
    returned reviews; the month's counted releases and share received before the media; the
    month's pending and returned releases.

    Inputs: `review_item_state` output; RELEASE_STATES_SCHEMA rows (entities with releases sent
    in the dashboard in the month); `metrics.releases.press_release_summary` of the month (its
    TOTAL row is ignored). Output: ENTITY_OBLIGATIONS_SCHEMA; entities waiting longest first
    (then most returned, then `entidad_id`); `comunicados` is 0 and the share empty without
    releases.
    """
    per_entity = items.group_by("entidad_id", "entidad", "sector").agg(
        pl.col("revisiones_pendientes").sum().alias("revisiones_pendientes"),
        pl.col("dias_pendiente").max().alias("dias_pendiente"),
        pl.col("revisiones_devueltas").sum().alias("revisiones_devueltas"),
    )
    counted = release_summary.select(
        "entidad_id",
        pl.col("comunicados").alias("_comunicados"),
        pl.col("pct_con_anticipacion").alias("_pct"),
    )
    states = release_states.select(
        "entidad_id", pl.col("pendientes").alias("_rp"), pl.col("devueltos").alias("_rd")
    )
    return (
        per_entity.join(counted, on="entidad_id", how="left")
        .join(states, on="entidad_id", how="left")
        .select(
            pl.col("entidad_id").cast(pl.String).alias("entidad_id"),
            pl.col("entidad").cast(pl.String).alias("entidad"),
            pl.col("sector").cast(pl.String).alias("sector"),
            pl.col("revisiones_pendientes").cast(pl.Int64).alias("revisiones_pendientes"),
            pl.col("dias_pendiente").cast(pl.Int64).alias("dias_pendiente"),
            pl.col("revisiones_devueltas").cast(pl.Int64).alias("revisiones_devueltas"),
            pl.col("_comunicados").fill_null(0).cast(pl.Int64).alias("comunicados"),
            pl.col("_pct").cast(pl.Float64).alias("pct_con_anticipacion"),
            pl.col("_rp").fill_null(0).cast(pl.Int64).alias("comunicados_pendientes"),
            pl.col("_rd").fill_null(0).cast(pl.Int64).alias("comunicados_devueltos"),
        )
        .sort(
            [
                pl.col("dias_pendiente").fill_null(-1),
                pl.col("revisiones_devueltas") + pl.col("comunicados_devueltos"),
                "entidad_id",
            ],
            descending=[True, True, False],
        )
    )


def obligation_totals(entities: pl.DataFrame) -> dict[str, int | None]:
    """KPIs over the rows of `entity_obligations`: pending reviews, the oldest one's age (None
    when nothing is pending), returned reviews, pending and returned releases."""
    if entities.is_empty():
        return {
            "revisiones_pendientes": 0,
            "dias_pendiente": None,
            "revisiones_devueltas": 0,
            "comunicados_pendientes": 0,
            "comunicados_devueltos": 0,
        }
    row = entities.select(
        pl.col("revisiones_pendientes").sum(),
        pl.col("dias_pendiente").max(),
        pl.col("revisiones_devueltas").sum(),
        pl.col("comunicados_pendientes").sum(),
        pl.col("comunicados_devueltos").sum(),
    ).row(0, named=True)
    return {key: None if value is None else int(value) for key, value in row.items()}


def submission_view(rows: pl.DataFrame, today: date, timezone: str) -> pl.DataFrame:
    """Submissions with their local times, age and (releases) planned anticipation.

    Input: SUBMISSIONS_SCHEMA rows (naive UTC times). Output: SUBMISSION_VIEW_SCHEMA — adds
    `recibido`, `medios`, `decidido` (local), `antiguedad_dias` (local date of `today` − local
    receipt date) and `anticipacion_horas` (media − receipt, hours, one decimal; null for
    reviews); oldest receipt first (then `tipo`, `submission_id`).
    """
    lead_us = (pl.col("media_at") - pl.col("submitted_at")).dt.total_microseconds()
    return rows.sort(["submitted_at", "tipo", "submission_id"]).with_columns(
        _local("submitted_at", timezone).alias("recibido"),
        _local("media_at", timezone).alias("medios"),
        _local("decided_at", timezone).alias("decidido"),
        _days_since("submitted_at", today, timezone).alias("antiguedad_dias"),
        tenths_to_float_expr(lead_us, pl.lit(MICROSECONDS_PER_HOUR, dtype=pl.Int64)).alias(
            "anticipacion_horas"
        ),
    )


def pending_queue(view: pl.DataFrame) -> pl.DataFrame:
    """The pending submissions of `submission_view`, oldest first (the asesor's work queue)."""
    return view.filter(pl.col("status") == "pendiente").sort(
        ["submitted_at", "tipo", "submission_id"]
    )


def open_returns(view: pl.DataFrame) -> pl.DataFrame:
    """Returned submissions of `submission_view` not yet corrected (no resubmission that
    replaces them), oldest first: what the enlace still has to fix."""
    return view.filter((pl.col("status") == "devuelto") & ~pl.col("corregido")).sort(
        ["submitted_at", "tipo", "submission_id"]
    )


# --- rows of the submission view for the pages ------------------------------------------


def queue_totals(queue: pl.DataFrame) -> dict[str, int | None]:
    """KPIs of `pending_queue`: envios_pendientes, antiguedad_dias (oldest; None when empty),
    revisiones_pendientes, comunicados_pendientes."""
    return {
        "envios_pendientes": queue.height,
        "antiguedad_dias": None if queue.is_empty() else int(queue["antiguedad_dias"].max()),  # type: ignore[arg-type]
        "revisiones_pendientes": int((queue["tipo"] == "review").sum()),
        "comunicados_pendientes": int((queue["tipo"] == "release").sum()),
    }


def submission_key(tipo: str, submission_id: int) -> str:
    """The identifier of one submission across both kinds: "review:12", "release:3"."""
    return f"{tipo}:{submission_id}"


def submission_keys(view: pl.DataFrame) -> list[str]:
    """`submission_key` of every row of `submission_view`, in its order."""
    return [
        submission_key(tipo, int(number))
        for tipo, number in view.select("tipo", "submission_id").iter_rows()
    ]


def submission_row(view: pl.DataFrame, key: str) -> dict[str, object] | None:
    """The row of `view` with this `submission_key`, as a dict; None when absent."""
    tipo, _, number = key.partition(":")
    if not number.isdigit():
        return None
    found = view.filter((pl.col("tipo") == tipo) & (pl.col("submission_id") == int(number)))
    return None if found.is_empty() else found.row(0, named=True)


def recent(view: pl.DataFrame, since_local: date) -> pl.DataFrame:
    """Decided submissions of `submission_view` decided on or after `since_local` (local date),
    newest decision first."""
    return view.filter(
        pl.col("decidido").is_not_null() & (pl.col("decidido").dt.date() >= since_local)
    ).sort("decidido", descending=True)
