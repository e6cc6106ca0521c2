"""Reproducible synthetic 311 data for Panama (`cac311 demo`), written into an empty database.

Same `cases`, `seed` and `today` give identical rows (ids, timestamps, everything). All draws are
vectorised with NumPy (no Python loop per case) from independent child generators of the seed, so
the directory reviews and press releases do not change with the number of cases. The rows are
written with `copy_into` in one transaction, every row tagged with one `import_batches` row
(kind `demo`, `is_demo` true).

Cases (one row per case, from the first day of `today`'s month three years back, to `today`): the
entities and territory of `demo_catalog`; weekly and yearly seasonality, quieter Panama holidays;
local creation times spread over the day (digital channels around the clock); per-entity
resolution behaviour drawn from the seed (`BEHAVIOURS`: most mostly on time, a few chronic
breachers); an open backlog with overdue and por-vencer cases at the end; ~1.5 % `anulado`; a few
closed the same minute they were opened; closures on working days. Timestamps are stored naive
UTC; the local columns come from `add_local_columns` in the database's stored time zone.
"""

from __future__ import annotations

import logging
import time
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from tqdm import tqdm

from cac311.config import Settings
from cac311.db.bulk import copy_into
from cac311.db.setup import stored_timezone
from cac311.db.summary_frames import write_summaries_from
from cac311.errors import UserError
from cac311.ingest import demo_obligations, demo_transfers
from cac311.ingest.demo_catalog import (
    CASE_TYPES,
    CHANNELS,
    ENTITIES,
    HOURS_DIGITAL,
    HOURS_STAFFED,
    PROVINCES,
    RELEASE_TITLES,
)
from cac311.ingest.localdates import add_local_columns
from metrics.daycount import CALENDAR_END, EPOCH, calendar_frame

log = logging.getLogger(__name__)

NOT_EMPTY = "La base de datos ya tiene datos; la demostración solo se carga en una base vacía."
WRITE_CHUNK_ROWS = 100_000
DAY = 86_400
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
FRESHNESS_AGES = {"al_dia": (3, 85), "por_vencer": (95, 175), "vencido": (190, 700)}
FRESHNESS_ORDER = ("al_dia", "por_vencer", "vencido", "sin_registro")
REVIEW_ITEMS = ("directorio", "sla", "base_conocimiento")


@dataclass(frozen=True)
class DemoSummary:
    """What `generate_demo` wrote; `str()` is the one-paragraph Spanish summary for users."""

    entities: int
    cases: int
    open_cases: int
    anulados: int
    transfers: int
    reviews: int
    releases: int
    first_day: date
    datos_al: date
    seed: int
    batch_id: int
    seconds: float
    submissions: int = 0  # enlaces' reviews and releases sent in the dashboard (issue 14)

    def __str__(self) -> str:
        return (
            f"Datos de demostración: {self.entities} entidades, {self.cases} casos "
            f"({self.open_cases} abiertos, {self.anulados} anulados), {self.transfers} traslados, "
            f"{self.reviews} revisiones del directorio y {self.releases} comunicados "
            f"(más {self.submissions} envíos de enlaces en el tablero), "
            f"desde el {self.first_day:%d/%m/%Y} (datos al {self.datos_al:%d/%m/%Y}); "
            f"semilla {self.seed}, {self.seconds:.1f} s."
        )


@dataclass(frozen=True)
class DemoFrames:
    """The generated tables, columns named as in the database (without batch_id)."""

    entities: pl.DataFrame
    cases: pl.DataFrame
    transfers: pl.DataFrame
    reviews: pl.DataFrame
    releases: pl.DataFrame
    # Enlaces' submissions in every state (cac311.ingest.demo_obligations), in insert order.
    submissions: tuple[dict[str, Any], ...] = ()


def _database_is_empty(conn: Connection) -> bool:
    for table in ("entities", "cases"):
        if conn.execute(sa.text(f"select 1 from {table} limit 1")).first() is not None:  # noqa: S608
            return False
    return True


def is_database_empty(engine: Engine) -> bool:
    """True when the database has no entities and no cases."""
    with engine.connect() as conn:
        return _database_is_empty(conn)


def _first_day(today: date) -> date:
    return date(today.year - 3, today.month, 1)


def _to_utc(local: np.ndarray, timezone: str) -> pl.Series:
    """Naive local datetime64[s] values -> naive UTC Datetime('us')."""
    series = pl.Series("t", local.astype("datetime64[us]"))

    def convert(values: pl.Series) -> pl.Series:
        zoned = values.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
        return zoned.dt.convert_time_zone("UTC").dt.replace_time_zone(None)

    return convert(series).fill_null(convert(series + timedelta(hours=1)))  # DST gaps


def _local_seconds(first: date, seconds: np.ndarray) -> np.ndarray:
    return np.datetime64(first, "s") + seconds.astype("timedelta64[s]")


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
    DETERIORATION_MONTHS before today's (created_day: days since `_first_day(today)`)."""
    start = date(today.year, today.month, 1)
    for _ in range(DETERIORATION_MONTHS):
        start = (start - timedelta(days=1)).replace(day=1)
    index = [e.entity_id for e in ENTITIES].index(DETERIORATING_ENTITY)
    result: np.ndarray = (entity == index) & (created_day >= (start - _first_day(today)).days)
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


def _cases(
    rng: np.random.Generator, cases: int, today: date, timezone: str, calendar: pl.DataFrame
) -> pl.DataFrame:
    """One row per case with every column of the `cases` table except batch_id."""
    first = _first_day(today)
    days = np.arange(np.datetime64(first), np.datetime64(today) + 1)
    first_num = (first - EPOCH).days
    habil = calendar["es_habil"].to_numpy()
    holiday = calendar["feriado"].to_numpy()[first_num : first_num + days.size]
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
    created, channel = created[order], channel[order]
    cutoff = days.size * DAY - 1

    entity = rng.choice(len(ENTITIES), size=cases, p=_entity_shares(cases, days.size / 30.44))
    duration = _resolution_days(
        rng, entity, _behaviour_table(rng), _deteriorated(entity, created // DAY, today)
    )
    quick = duration < 1
    next_working = np.minimum.accumulate(
        np.where(habil, np.arange(habil.size), habil.size - 1)[::-1]
    )[::-1]
    target = first_num + created // DAY + np.floor(np.where(np.isinf(duration), 0, duration))
    working_day = next_working[np.minimum(target.astype(np.int64), habil.size - 1)] - first_num
    office_time = 8 * 3600 + rng.integers(0, 10 * 3600, cases)
    quick_seconds = np.round(np.where(quick, duration, 0.0) * DAY).astype(np.int64)
    closed = np.where(quick, created + quick_seconds, working_day * DAY + office_time)
    is_open = np.isinf(duration) | (closed > cutoff)

    anulado = rng.random(cases) < ANULADO_SHARE
    annulled_at = created + rng.integers(0, 3 * DAY, cases)
    annulled_open = (rng.random(cases) < 0.3) | (annulled_at > cutoff)
    closed = np.where(anulado, annulled_at, closed)
    is_open = np.where(anulado, annulled_open, is_open)
    status = np.where(anulado, "anulado", np.where(is_open, "abierto", "cerrado"))

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
            "created_at": _to_utc(_local_seconds(first, created), timezone),
            "closed_at": _to_utc(_local_seconds(first, closed), timezone),
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


def _reviews(
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
            while reviewed >= _first_day(today) - timedelta(days=365):
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
            "reviewed_at": _to_utc(local, timezone),
            "reviewed_on": pl.Series(days, dtype=pl.Date),
        }
    ).sort("entity_id", "item", "reviewed_at")


def _short_name(entity: int) -> str:
    spec = ENTITIES[entity]
    return spec.name if spec.sector == "municipio" else spec.entity_id


def _releases(rng: np.random.Generator, today: date, timezone: str) -> pl.DataFrame:
    """Press releases: most received ahead of publication, some after (no anticipation)."""
    first = _first_day(today)
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
    districts = [d[0] for p in PROVINCES for d in p.districts]
    titles = [
        RELEASE_TITLES[int(t)].format(
            entity=_short_name(int(e)),
            category=ENTITIES[int(e)]
            .categories[int(c) % len(ENTITIES[int(e)].categories)][0]
            .lower(),
            district=ENTITIES[int(e)].district or districts[int(d)],
        )
        for e, t, c, d in zip(
            entity,
            rng.integers(0, len(RELEASE_TITLES), day.size),
            rng.integers(0, 12, day.size),
            rng.integers(0, len(districts), day.size),
            strict=True,
        )
    ]
    return (
        pl.DataFrame(
            {
                "release_id": [f"CP-{y}-{s:05d}" for y, s in zip(year, sequence, strict=True)],
                "entity_id": np.array([e.entity_id for e in ENTITIES])[entity],
                "title": titles,
                "received_at": _to_utc(_local_seconds(first, received), timezone),
                "published_at": _to_utc(_local_seconds(first, published), timezone),
                "received_month": pl.Series(year * 100 + month, dtype=pl.Int32),
                "published_ok": published <= days.size * DAY - 1,
            }
        )
        .with_columns(
            pl.when(pl.col("published_ok")).then(pl.col("published_at")).alias("published_at")
        )
        .drop("published_ok")
    )


def build_demo_frames(
    cases: int, seed: int, today: date, timezone: str, settings: Settings
) -> DemoFrames:
    """Every demo table as a frame (pure: no database, no clock)."""
    # A fifth child for the submissions: the first four (and their data) stay as before.
    rng_cases, rng_transfers, rng_reviews, rng_releases, rng_submissions = (
        np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(5)
    )
    calendar = calendar_frame(settings.extra_days_off)
    case_frame = _cases(rng_cases, cases, today, timezone, calendar)
    end_of_today = np.array([np.datetime64(today + timedelta(days=1), "s") - 1])
    cutoff = _to_utc(end_of_today, timezone).item()
    entities = pl.DataFrame(
        {
            "entity_id": [e.entity_id for e in ENTITIES],
            "name": [e.name for e in ENTITIES],
            "sector": [e.sector for e in ENTITIES],
            "active": [True] * len(ENTITIES),
        }
    )
    return DemoFrames(
        entities=entities,
        cases=case_frame,
        transfers=demo_transfers.transfers(
            rng_transfers,
            case_frame,
            cutoff,
            timezone=timezone,
            calendar=calendar,
            settings=settings,
        ),
        reviews=_reviews(rng_reviews, today, timezone, settings),
        releases=_releases(rng_releases, today, timezone),
        submissions=tuple(
            demo_obligations.build_rows(
                rng_submissions, today, timezone, entities["entity_id"].to_list()
            )
        ),
    )


def _start_batch(conn: Connection, cases: int, seed: int, today: date) -> int:
    row = conn.execute(
        sa.text(
            "insert into import_batches"
            " (kind, source_name, started_at, rows_read, inserted, is_demo)"
            " values ('demo', :source, :started, :rows, :rows, :is_demo)"
            " returning batch_id"
        ),
        {
            "source": f"demo casos={cases} semilla={seed} hasta={today.isoformat()}",
            "started": datetime.now(UTC).replace(tzinfo=None),
            "rows": cases,
            "is_demo": True,
        },
    )
    return int(row.scalar_one())


def _write(conn: Connection, frames: DemoFrames, batch_id: int, bar: tqdm[None]) -> None:
    """Append every frame (entities first, for the foreign keys), cases in chunks."""
    tables = (
        ("entities", frames.entities),
        ("cases", frames.cases),
        ("transfers", frames.transfers),
        ("directory_reviews", frames.reviews),
        ("press_releases", frames.releases),
    )
    for table, frame in tables:
        tagged = frame.with_columns(pl.lit(batch_id, dtype=pl.Int32).alias("batch_id"))
        for offset in range(0, tagged.height, WRITE_CHUNK_ROWS):
            chunk = tagged.slice(offset, WRITE_CHUNK_ROWS)
            copy_into(conn, table, chunk)
            if table == "cases":
                bar.update(chunk.height)
    demo_obligations.write_rows(conn, frames.submissions)
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("analyze " + ", ".join(table for table, _ in tables)))


def generate_demo(
    engine: Engine,
    settings: Settings,
    cases: int = 250_000,
    seed: int = 311,
    progress: bool = False,
    *,
    today: date | None = None,
) -> DemoSummary:
    """Fill an EMPTY, prepared database with demo data up to `today`.

    `today` defaults to the current date in the database's time zone; pass it for reproducible
    data. Raises `UserError` when the database already has entities or cases.
    """
    if cases < 1:
        raise UserError("El número de casos de la demostración debe ser al menos 1.")
    started = time.perf_counter()
    with engine.connect() as conn:
        if not _database_is_empty(conn):
            raise UserError(NOT_EMPTY)
        timezone = stored_timezone(conn, settings)
    today = today or datetime.now(ZoneInfo(timezone)).date()
    if _first_day(today) < EPOCH or today + timedelta(days=800) > CALENDAR_END:
        raise UserError(f"Fecha fuera del calendario soportado: {today:%d/%m/%Y}.")
    bar = tqdm(total=cases, disable=not progress, unit=" casos", desc="Demostración")
    with bar, engine.begin() as conn:
        frames = build_demo_frames(cases, seed, today, timezone, settings)
        generated = time.perf_counter()
        if not _database_is_empty(conn):
            raise UserError(NOT_EMPTY)
        batch_id = _start_batch(conn, cases, seed, today)
        _write(conn, frames, batch_id, bar)
        write_summaries_from(conn, frames.cases)  # the monthly summaries, same transaction
        conn.execute(
            sa.text("update import_batches set finished_at = :at where batch_id = :batch_id"),
            {"at": datetime.now(UTC).replace(tzinfo=None), "batch_id": batch_id},
        )
    finished = time.perf_counter()
    log.info(
        "demo: generated in %.1f s, written in %.1f s", generated - started, finished - generated
    )
    case_frame = frames.cases
    datos_al = case_frame.select(
        pl.max_horizontal(pl.col("created_on").max(), pl.col("closed_on").max())
    ).item()
    return DemoSummary(
        entities=frames.entities.height,
        cases=case_frame.height,
        open_cases=int((case_frame["status"] == "abierto").sum()),
        anulados=int((case_frame["status"] == "anulado").sum()),
        transfers=frames.transfers.height,
        reviews=frames.reviews.height,
        releases=frames.releases.height,
        submissions=len(frames.submissions),
        first_day=_first_day(today),
        datos_al=datos_al,
        seed=seed,
        batch_id=batch_id,
        seconds=finished - started,
    )
