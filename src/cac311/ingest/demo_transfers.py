"""The demo's transfers (`cac311 demo`, docs/metrics.md §15): a few % of the cases came from
another entity.

Most within their first three days; some bounced (holder → other → holder again, a
back-and-forth); and some of the cases that breach the legal limit were received late, with fewer
than `transfer_min_days_left` days left (in the calendar or the working-day count), so the
receiver gets "vencidos heredados". Every chain connects: the case starts at the first transfer's
origin and ends at its entity. Only the transfers' child generator of the seed is drawn from, so
the cases (and every published figure) do not depend on this module. Pure: no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import polars as pl

from cac311.config import Settings
from cac311.ingest.demo_catalog import ENTITIES
from cac311.ingest.localdates import add_local_columns

DAY = 86_400
TRANSFER_SHARE = 0.03
# Of the transferred cases that breach the limit, the share received late (< K days left), and
# of the others the share that bounced back and forth first.
LATE_TRANSFER_SHARE = 0.4
BOUNCE_SHARE = 0.08


@dataclass(frozen=True)
class _Draws:
    """Every random draw, one value per case, in the generator's order (same seed, same rows)."""

    picked: np.ndarray
    origin: np.ndarray
    fraction: np.ndarray
    late: np.ndarray
    bounce: np.ndarray
    late_mode: np.ndarray
    left: np.ndarray
    office: np.ndarray


def _draw(rng: np.random.Generator, cases: pl.DataFrame, settings: Settings) -> _Draws:
    n, entities = cases.height, len(ENTITIES)
    ids = [e.entity_id for e in ENTITIES]
    holder = cases["entity_id"].replace_strict(ids, list(range(entities))).to_numpy()
    picked = (rng.random(n) < TRANSFER_SHARE) & (cases["status"] != "anulado").to_numpy()
    origin = (holder + rng.integers(1, entities, n)) % entities
    fraction = rng.random(n)
    # The draws added for issue 16 come after the original ones: early transfers stay as they were.
    late, bounce, late_mode = rng.random(n), rng.random(n), rng.random(n)
    left = rng.integers(0, max(settings.transfer_min_days_left, 1), n)
    office = rng.integers(8 * 3600, 17 * 3600, n)
    return _Draws(picked, origin, fraction, late, bounce, late_mode, left, office)


def _breaches(cases: pl.DataFrame, calendar: pl.DataFrame, limit: int) -> tuple[np.ndarray, ...]:
    """Per case, whether its days (at closure, or at datos_al when open) exceed limit + 1, in the
    calendar and in working days (a day of margin, so a late transfer precedes the closure)."""
    last_day = cases.select(
        pl.max_horizontal(pl.col("created_on").max(), pl.col("closed_on").max())
    ).item()
    last = calendar.filter(pl.col("dia") == last_day).row(0, named=True)
    ages = cases.select(
        (pl.col("closed_day").fill_null(last["day_num"]) - pl.col("created_day")).alias("d"),
        (pl.col("closed_bday").fill_null(last["bday_num"]) - pl.col("created_bday")).alias("b"),
    )
    return ages["d"].to_numpy() > limit + 1, ages["b"].to_numpy() > limit + 1


def _chosen(
    cases: pl.DataFrame, draws: _Draws, cutoff: datetime, calendar: pl.DataFrame, limit: int
) -> pl.DataFrame:
    """The transferred cases with their draws and kind (late, late in working days, bounce)."""
    breaches_cal, breaches_hab = _breaches(cases, calendar, limit)
    late = draws.picked & (draws.late < LATE_TRANSFER_SHARE) & breaches_cal
    span = (pl.col("closed_at").fill_null(cutoff) - pl.col("created_at")).dt.total_seconds()
    ids = np.array([e.entity_id for e in ENTITIES])
    return (
        cases.select(
            "case_id",
            "created_at",
            "created_day",
            "created_bday",
            span.alias("span"),
            pl.min_horizontal(span, 3 * DAY).alias("window"),
            to_entity_id="entity_id",
        )
        .with_columns(
            from_entity_id=pl.Series(ids[draws.origin]),
            fraction=pl.Series(draws.fraction),
            late=pl.Series(late),
            late_habiles=pl.Series(late & breaches_hab & (draws.late_mode < 0.5)),
            bounce=pl.Series(draws.picked & ~late & (draws.bounce < BOUNCE_SHARE)),
            left=pl.Series(draws.left),
            office=pl.Series(draws.office),
        )
        .filter(pl.Series(draws.picked))
    )


def _early(chosen: pl.DataFrame) -> pl.DataFrame:
    """Transfers within the first three days (the bounced cases' return among them)."""
    return chosen.filter(~pl.col("late")).select(
        "case_id",
        "from_entity_id",
        "to_entity_id",
        (pl.col("created_at") + pl.duration(seconds=pl.col("fraction") * pl.col("window")))
        .dt.truncate("1s")
        .alias("transferred_at"),
    )


def _bounced(chosen: pl.DataFrame, early: pl.DataFrame) -> pl.DataFrame:
    """A bounce: the holder sent the case away first (to → from), then got it back (early)."""
    first = chosen.filter(pl.col("bounce") & (pl.col("span") >= 3600)).select(
        "case_id",
        pl.col("to_entity_id").alias("from_entity_id"),
        pl.col("from_entity_id").alias("to_entity_id"),
        (
            pl.col("created_at")
            + pl.duration(seconds=pl.col("fraction") * pl.col("window") * 0.5)
            - pl.duration(seconds=1)
        )
        .dt.truncate("1s")
        .clip(pl.col("created_at"))
        .alias("transferred_at"),
    )
    back = early.select("case_id", pl.col("transferred_at").alias("second"))
    return (
        first.join(back, on="case_id")
        .filter(pl.col("transferred_at") < pl.col("second"))
        .drop("second")
    )


def _late(chosen: pl.DataFrame, calendar: pl.DataFrame, limit: int, timezone: str) -> pl.DataFrame:
    """Received on the day `left` days before the limit (calendar or working days), in office
    hours."""
    by_day = calendar.select(pl.col("day_num").alias("target"), "dia")
    by_bday = (
        calendar.filter(pl.col("es_habil"))
        .select(pl.col("bday_num").alias("target"), "dia")
        .unique("target", keep="first")
    )
    rows = (
        chosen.filter(pl.col("late"))
        .with_columns(
            pl.when(pl.col("late_habiles"))
            .then(pl.col("created_bday"))
            .otherwise(pl.col("created_day"))
            .alias("start")
        )
        .with_columns((pl.col("start") + limit - pl.col("left")).alias("target"))
    )
    dated = pl.concat(
        [
            rows.filter(~pl.col("late_habiles")).join(by_day, on="target", how="left"),
            rows.filter(pl.col("late_habiles")).join(by_bday, on="target", how="left"),
        ]
    ).sort("case_id")
    local = pl.col("dia").cast(pl.Datetime("us")) + pl.duration(seconds=pl.col("office"))
    utc = local.dt.replace_time_zone(timezone).dt.convert_time_zone("UTC")
    return dated.select(
        "case_id",
        "from_entity_id",
        "to_entity_id",
        utc.dt.replace_time_zone(None).alias("transferred_at"),
    )


def transfers(
    rng: np.random.Generator,
    cases: pl.DataFrame,
    cutoff: datetime,
    *,
    timezone: str,
    calendar: pl.DataFrame,
    settings: Settings,
) -> pl.DataFrame:
    """The `transfers` rows (without batch_id) of the demo `cases`; `cutoff` is the naive-UTC
    end of the last day. Local columns from `add_local_columns`, as the import."""
    limit = settings.legal_limit_days
    chosen = _chosen(cases, _draw(rng, cases, settings), cutoff, calendar, limit)
    early = _early(chosen)
    late = _late(chosen, calendar, limit, timezone)
    rows = pl.concat([early, _bounced(chosen, early), late]).sort("case_id", "transferred_at")
    return add_local_columns(rows, "transferred", timezone, calendar)
