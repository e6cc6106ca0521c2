"""The demo's cases (part of `cac311 demo`): the entities and territory of `demo_catalog`;
weekly and yearly seasonality, quieter Panama holidays; local creation times spread over the day
(digital channels around the clock); per-entity resolution behaviour drawn from the seed
(`BEHAVIOURS`: most mostly on time, a few chronic breachers, one entity that deteriorates); an
open backlog with overdue and por-vencer cases at the end; ~1.5 % `anulado`; a few closed the
same minute they were opened; closures on working days. All draws vectorised with NumPy."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from cac311.ingest.demo_catalog import (
    CASE_TYPES,
    CHANNELS,
    ENTITIES,
    HOURS_DIGITAL,
    HOURS_STAFFED,
    PROVINCES,
)
from cac311.ingest.demo_clock import DAY, first_day, local_seconds, to_utc
from cac311.ingest.localdates import add_local_columns
from metrics.daycount import EPOCH

ANULADO_SHARE = 0.015
SAME_MINUTE_SHARE = 0.003
SMALL_ENTITIES_MAX_SHARE = 0.10
# Relative volume by month Jan..Dec (rainy season busier; Carnival and December quieter), by
# weekday Monday..Sunday, on public holidays, and growth per year.
MONTH_FACTOR = np.array([0.92, 0.90, 1.0, 1.0, 1.03, 1.06, 1.04, 1.04, 1.06, 1.08, 0.98, 0.85])
WEEKDAY_FACTOR = np.array([1.15, 1.10, 1.05, 1.0, 0.95, 0.45, 0.30])
HOLIDAY_FACTOR = 0.35
YEARLY_GROWTH = 0.06


@dataclass(frozen=True)
class Behaviour:
    """Resolution time in calendar days: lognormal fast and slow components, plus never closed."""

    fast_share: float
    fast_median: float
    fast_sigma: float
    slow_median: float
    never_share: float


BEHAVIOURS: dict[str, Behaviour] = {
    "ejemplar": Behaviour(0.97, 2.0, 0.9, 20.0, 0.001),
    "bueno": Behaviour(0.90, 5.0, 0.8, 35.0, 0.003),
    "regular": Behaviour(0.78, 9.0, 0.8, 45.0, 0.008),
    "cronico": Behaviour(0.45, 15.0, 0.7, 70.0, 0.04),
}
# How many entities get each behaviour (drawn from the seed); the rest are "bueno".
BEHAVIOUR_COUNTS = {"cronico": 4, "regular": 12, "ejemplar": 10}
# One entity deteriorates: its cases received in the last DETERIORATION_MONTHS months before
# today's month (and in it) resolve worse than any drawn behaviour, so the early-warning flag
# (docs/metrics.md §16) shows on the demo. Same random draws: no other case changes.
DETERIORATING_ENTITY = "CSS"
DETERIORATION_MONTHS = 3
DETERIORATION = Behaviour(0.30, 18.0, 0.7, 75.0, 0.05)


def _choose_within(
    rng: np.random.Generator, groups: np.ndarray, option_group: np.ndarray, weight: np.ndarray
) -> np.ndarray:
    """For each element, the index of one option of its group (options sorted by group)."""
    totals = np.bincount(option_group, weights=weight)
    within = np.cumsum(weight) - np.concatenate(([0.0], np.cumsum(totals)))[option_group]
    keys = option_group + within / totals[option_group]
    first = np.searchsorted(option_group, groups, side="left")
    last = np.searchsorted(option_group, groups, side="right") - 1
    picked = np.searchsorted(keys, groups + rng.random(groups.size), side="left")
    return np.clip(picked, first, last)


def _day_weights(rng: np.random.Generator, days: np.ndarray, holiday: np.ndarray) -> np.ndarray:
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    years = np.arange(days.size) / 365.25
    noise = rng.gamma(50.0, 1 / 50.0, days.size)
    factor = np.where(holiday, HOLIDAY_FACTOR, 1.0) * (1 + YEARLY_GROWTH * years) * noise
    weights: np.ndarray = WEEKDAY_FACTOR[weekday] * MONTH_FACTOR[month] * factor
    normalised: np.ndarray = weights / weights.sum()
    return normalised


def _entity_shares(cases: int, months: float) -> np.ndarray:
    """Share of the cases per entity: small entities get a fixed monthly volume (capped)."""
    small = np.array([e.monthly_cases or 0.0 for e in ENTITIES]) * months / cases
    if small.sum() > SMALL_ENTITIES_MAX_SHARE:
        small *= SMALL_ENTITIES_MAX_SHARE / small.sum()
    large = np.array([0.0 if e.monthly_cases else e.weight for e in ENTITIES])
    shares: np.ndarray = small + large / large.sum() * (1 - small.sum())
    return shares


def _behaviour_table(rng: np.random.Generator) -> list[str]:
    order = rng.permutation(len(ENTITIES))
    names = ["bueno"] * len(ENTITIES)
    position = 0
    for name, count in BEHAVIOUR_COUNTS.items():
        for idx in order[position : position + count]:
            names[int(idx)] = name
        position += count
    return names


def _deteriorated(entity: np.ndarray, created_day: np.ndarray, today: date) -> np.ndarray:
    """The cases of DETERIORATING_ENTITY received since the first day of the month
    DETERIORATION_MONTHS before today's (created_day: days since `first_day(today)`)."""
    start = date(today.year, today.month, 1)
    for _ in range(DETERIORATION_MONTHS):
        start = (start - timedelta(days=1)).replace(day=1)
    index = [e.entity_id for e in ENTITIES].index(DETERIORATING_ENTITY)
    result: np.ndarray = (entity == index) & (created_day >= (start - first_day(today)).days)
    return result


def _resolution_days(
    rng: np.random.Generator,
    entity: np.ndarray,
    behaviour: list[str],
    deteriorated: np.ndarray | None = None,
) -> np.ndarray:
    """Days from creation to closure per case (inf = never closed); the `deteriorated` cases
    follow DETERIORATION instead of their entity's behaviour (the draws are the same)."""
    params = np.array([astuple(BEHAVIOURS[name]) for name in behaviour])[entity]
    if deteriorated is not None:
        params[deteriorated] = astuple(DETERIORATION)
    fast_share, fast_median, fast_sigma, slow_median, never_share = params.T
    z = rng.standard_normal(entity.size)
    fast = rng.random(entity.size) < fast_share
    days: np.ndarray = np.where(
        fast, fast_median * np.exp(fast_sigma * z), slow_median * np.exp(0.5 * z)
    )
    days[rng.random(entity.size) < SAME_MINUTE_SHARE] = 0.0
    days[rng.random(entity.size) < never_share] = np.inf
    return days


def _creation(
    rng: np.random.Generator, cases: int, days: np.ndarray, holiday: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Creation second (since the first day, local) and channel of each case, in time order:
    days by seasonality, hours by channel (digital channels around the clock)."""
    per_day = rng.multinomial(cases, _day_weights(rng, days, holiday))
    if per_day[-1] == 0:  # data always reaches `today`, so datos_al is today
        per_day[np.argmax(per_day)] -= 1
        per_day[-1] = 1
    day = np.repeat(np.arange(days.size), per_day)
    channel_p = np.array([c[1] for c in CHANNELS])
    channel = rng.choice(len(CHANNELS), size=cases, p=channel_p / channel_p.sum())
    digital = np.array([c[2] for c in CHANNELS])[channel]
    hours = [np.array(h) / sum(h) for h in (HOURS_STAFFED, HOURS_DIGITAL)]
    hour = np.where(digital, rng.choice(24, cases, p=hours[1]), rng.choice(24, cases, p=hours[0]))
    created = day * DAY + hour * 3600 + rng.integers(0, 3600, cases)
    order = np.argsort(created, kind="stable")
    return created[order], channel[order]


def _closing(
    rng: np.random.Generator,
    created: np.ndarray,
    duration: np.ndarray,
    *,
    habil: np.ndarray,
    first_num: int,
    cutoff: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Closing second and open flag per case: a case of less than a day closes that many seconds
    later; the others during office hours on the first working day after their duration; a
    closure after the cutoff (or an endless duration) leaves the case open."""
    quick = duration < 1
    next_working = np.minimum.accumulate(
        np.where(habil, np.arange(habil.size), habil.size - 1)[::-1]
    )[::-1]
    target = first_num + created // DAY + np.floor(np.where(np.isinf(duration), 0, duration))
    working_day = next_working[np.minimum(target.astype(np.int64), habil.size - 1)] - first_num
    office_time = 8 * 3600 + rng.integers(0, 10 * 3600, created.size)
    quick_seconds = np.round(np.where(quick, duration, 0.0) * DAY).astype(np.int64)
    closed = np.where(quick, created + quick_seconds, working_day * DAY + office_time)
    return closed, np.isinf(duration) | (closed > cutoff)


def _annulments(
    rng: np.random.Generator,
    created: np.ndarray,
    closed: np.ndarray,
    is_open: np.ndarray,
    cutoff: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """~1.5 % of the cases annulled within 3 days (a third of those never closed): their
    closing time and open flag replaced, and every case's status."""
    cases = created.size
    anulado = rng.random(cases) < ANULADO_SHARE
    annulled_at = created + rng.integers(0, 3 * DAY, cases)
    annulled_open = (rng.random(cases) < 0.3) | (annulled_at > cutoff)
    closed = np.where(anulado, annulled_at, closed)
    is_open = np.where(anulado, annulled_open, is_open)
    status = np.where(anulado, "anulado", np.where(is_open, "abierto", "cerrado"))
    return closed, is_open, status


def cases_frame(
    rng: np.random.Generator, cases: int, today: date, timezone: str, calendar: pl.DataFrame
) -> pl.DataFrame:
    """One row per case with every column of the `cases` table except batch_id."""
    first = first_day(today)
    days = np.arange(np.datetime64(first), np.datetime64(today) + 1)
    first_num = (first - EPOCH).days
    habil = calendar["es_habil"].to_numpy()
    holiday = calendar["feriado"].to_numpy()[first_num : first_num + days.size]
    created, channel = _creation(rng, cases, days, holiday)
    cutoff = days.size * DAY - 1

    entity = rng.choice(len(ENTITIES), size=cases, p=_entity_shares(cases, days.size / 30.44))
    duration = _resolution_days(
        rng, entity, _behaviour_table(rng), _deteriorated(entity, created // DAY, today)
    )
    closed, is_open = _closing(
        rng, created, duration, habil=habil, first_num=first_num, cutoff=cutoff
    )

    closed, is_open, status = _annulments(rng, created, closed, is_open, cutoff)

    cat_entity = np.array([i for i, e in enumerate(ENTITIES) for _ in e.categories])
    cat_weight = np.array([c[2] for e in ENTITIES for c in e.categories])
    category = _choose_within(rng, entity, cat_entity, cat_weight)
    cat_name = np.array([c[0] for e in ENTITIES for c in e.categories])
    cat_sla = np.array([c[1] or -1 for e in ENTITIES for c in e.categories])
    province, district = _places(rng, entity)
    type_p = np.array([t[1] for t in CASE_TYPES])
    case_type = rng.choice(len(CASE_TYPES), size=cases, p=type_p / type_p.sum())

    year = (days[created // DAY].astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int64)
    sequence = pl.Series(np.arange(cases) - np.searchsorted(year, year) + 1).cast(pl.String)
    frame = pl.DataFrame(
        {
            "case_id": pl.select(
                pl.format("311-{}-{}", pl.lit(pl.Series(year)), pl.lit(sequence.str.zfill(7)))
            ).to_series(),
            "entity_id": np.array([e.entity_id for e in ENTITIES])[entity],
            "case_type": np.array([t[0] for t in CASE_TYPES])[case_type],
            "category": cat_name[category],
            "channel": np.array([c[0] for c in CHANNELS])[channel],
            "province": province,
            "district": district,
            "status": status,
            "sla_days": pl.Series(cat_sla[category], dtype=pl.Int32),
            "created_at": to_utc(local_seconds(first, created), timezone),
            "closed_at": to_utc(local_seconds(first, closed), timezone),
            "is_open": is_open,
        }
    ).with_columns(
        pl.when(pl.col("sla_days") > 0).then(pl.col("sla_days")).alias("sla_days"),
        pl.when(~pl.col("is_open")).then(pl.col("closed_at")).alias("closed_at"),
    )
    frame = add_local_columns(frame.drop("is_open"), "created", timezone, calendar)
    return add_local_columns(frame, "closed", timezone, calendar)


def _places(rng: np.random.Generator, entity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Province code and district name per case: drawn by population, unless the entity has a
    home province/district (a municipality's cases stay in it)."""
    province_p = np.array([p.weight for p in PROVINCES])
    province = rng.choice(len(PROVINCES), size=entity.size, p=province_p / province_p.sum())
    dist_province = np.array([i for i, p in enumerate(PROVINCES) for _ in p.districts])
    dist_weight = np.array([d[1] for p in PROVINCES for d in p.districts])
    district = _choose_within(rng, province, dist_province, dist_weight)
    dist_name = np.array([d[0] for p in PROVINCES for d in p.districts])
    home = _entity_homes()
    home_province, home_district = home[0][entity], home[1][entity]
    province = np.where(home_province >= 0, home_province, province)
    district = np.where(home_district >= 0, home_district, district)
    return np.array([p.code for p in PROVINCES])[province], dist_name[district]


def _entity_homes() -> tuple[np.ndarray, np.ndarray]:
    """Per entity, the province and flat district index its cases stay in (-1 = anywhere)."""
    codes = [p.code for p in PROVINCES]
    flat = [(p.code, d[0]) for p in PROVINCES for d in p.districts]
    province = [codes.index(e.province) if e.province else -1 for e in ENTITIES]
    district = [flat.index((e.province, e.district or "")) if e.province else -1 for e in ENTITIES]
    return np.array(province), np.array(district)
