"""The demo's directory reviews and press releases (part of `cac311 demo`, drawn from their own
child generators so they do not change with the number of cases)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from cac311.config import Settings
from cac311.ingest.demo_catalog import ENTITIES, PROVINCES, RELEASE_TITLES
from cac311.ingest.demo_clock import DAY, first_day, local_seconds, to_utc
from cac311.ingest.kinds import REVIEW_ITEMS


def reviews(
    rng: np.random.Generator, today: date, timezone: str, settings: Settings
) -> pl.DataFrame:
    """Review history per entity and item; each overall freshness state (worst item) occurs."""
    al_dia, por_vencer = settings.freshness_al_dia_days, settings.freshness_por_vencer_days
    ages = {0: (3, al_dia - 5), 1: (al_dia + 5, por_vencer - 5), 2: (por_vencer + 10, 700)}
    worst = rng.choice(4, size=len(ENTITIES), p=[0.45, 0.25, 0.18, 0.12])
    worst[rng.permutation(len(ENTITIES))[:4]] = [0, 1, 2, 3]
    entity_ids, items, days = [], [], []
    for entity, worst_state in zip(ENTITIES, worst, strict=True):
        states = rng.integers(0, worst_state + 1, len(REVIEW_ITEMS))
        states[rng.integers(len(REVIEW_ITEMS))] = worst_state
        for item, state in zip(REVIEW_ITEMS, states, strict=True):
            if state == 3:  # sin_registro: never reviewed
                continue
            reviewed = today - timedelta(days=int(rng.integers(*ages[int(state)])))
            while reviewed >= first_day(today) - timedelta(days=365):
                entity_ids.append(entity.entity_id)
                items.append(item)
                days.append(reviewed)
                reviewed -= timedelta(days=int(rng.integers(45, 240)))
    seconds = rng.integers(8 * 3600, 17 * 3600, len(days))
    local = np.array(days, dtype="datetime64[s]") + seconds.astype("timedelta64[s]")
    return pl.DataFrame(
        {
            "entity_id": entity_ids,
            "item": items,
            "reviewed_at": to_utc(local, timezone),
            "reviewed_on": pl.Series(days, dtype=pl.Date),
        }
    ).sort("entity_id", "item", "reviewed_at")


def _short_name(entity: int) -> str:
    spec = ENTITIES[entity]
    return spec.name if spec.sector == "municipio" else spec.entity_id


def _titles(rng: np.random.Generator, entity: np.ndarray) -> list[str]:
    """A plausible title per release, from the catalog's templates and its entity's categories."""
    districts = [d[0] for p in PROVINCES for d in p.districts]
    return [
        RELEASE_TITLES[int(t)].format(
            entity=_short_name(int(e)),
            category=ENTITIES[int(e)]
            .categories[int(c) % len(ENTITIES[int(e)].categories)][0]
            .lower(),
            district=ENTITIES[int(e)].district or districts[int(d)],
        )
        for e, t, c, d in zip(
            entity,
            rng.integers(0, len(RELEASE_TITLES), entity.size),
            rng.integers(0, 12, entity.size),
            rng.integers(0, len(districts), entity.size),
            strict=True,
        )
    ]


def releases(rng: np.random.Generator, today: date, timezone: str) -> pl.DataFrame:
    """Press releases: most received ahead of publication, some after (no anticipation)."""
    first = first_day(today)
    days = np.arange(np.datetime64(first), np.datetime64(today) + 1)
    working = ((days.astype(np.int64) + 3) % 7) < 5
    monthly = np.array(
        [0.25 if e.monthly_cases else min(0.4 + 0.4 * e.weight, 4.0) for e in ENTITIES]
    )
    counts = rng.poisson(np.outer(np.where(working, 1.0, 0.2), monthly / 30.44))
    day, entity = np.nonzero(counts)
    repeat = counts[day, entity]
    day, entity = np.repeat(day, repeat), np.repeat(entity, repeat)
    late_share = rng.beta(1.5, 12.0, len(ENTITIES))
    late_share[rng.permutation(len(ENTITIES))[:5]] = rng.uniform(0.4, 0.7, 5)
    late = rng.random(day.size) < late_share[entity]
    lead_hours = np.where(
        late,
        -rng.uniform(0.5, 48.0, day.size),
        np.clip(rng.lognormal(np.log(18), 1.0, day.size), 0.25, 240),
    )
    received = day * DAY + rng.integers(7 * 3600, 19 * 3600, day.size)
    order = np.argsort(received, kind="stable")
    received, entity, lead_hours = received[order], entity[order], lead_hours[order]
    published = received + np.round(lead_hours * 3600).astype(np.int64)
    local_day = days[received // DAY]
    year = local_day.astype("datetime64[Y]").astype(np.int64) + 1970
    month = local_day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    sequence = np.arange(day.size) - np.searchsorted(year, year) + 1
    titles = _titles(rng, entity)
    return (
        pl.DataFrame(
            {
                "release_id": [f"CP-{y}-{s:05d}" for y, s in zip(year, sequence, strict=True)],
                "entity_id": np.array([e.entity_id for e in ENTITIES])[entity],
                "title": titles,
                "received_at": to_utc(local_seconds(first, received), timezone),
                "published_at": to_utc(local_seconds(first, published), timezone),
                "received_month": pl.Series(year * 100 + month, dtype=pl.Int32),
                "published_ok": published <= days.size * DAY - 1,
            }
        )
        .with_columns(
            pl.when(pl.col("published_ok")).then(pl.col("published_at")).alias("published_at")
        )
        .drop("published_ok")
    )
