"""Hand-computed operational figures of `cac311.analytics` on SQLite and PostgreSQL (one body,
both DBs).

Times are Panama local times (UTC−5) turned into the naive-UTC timestamps the database stores;
local dates and day ordinals come from the real import helper. The reference date X is Sunday
2025-11-30; November 2025 has the Panama holidays 3, 5, 10 and 28.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

import holidays
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from cac311.analytics.monthly import BREAKDOWN_SCHEMA, GROUP_BY_COLUMNS
from cac311.config import Settings
from cac311.db.bulk import copy_into
from cac311.filters import CaseFilters
from cac311.ingest.localdates import add_local_columns, local_date_expr
from metrics.aging import AGING_SCHEMA, OPEN_CASES_SCHEMA
from metrics.freshness import ITEM_FRESHNESS_SCHEMA
from metrics.releases import RELEASES_SCHEMA
from tests import analytics_calls as ops
from tests.db.cases_support import cached_calendar, insert_cases, insert_entities, utc

SETTINGS = Settings()
TZ = "America/Panama"
X = date(2025, 11, 30)
PA_HOLIDAYS = set(holidays.country_holidays("PA", years=range(2024, 2027)))
LABELS = ["0–10", "11–20", "21–30", "31–60", "61–90", ">90"]
_ids = itertools.count(1)

ENTITIES = [
    ("ATTT", "Autoridad de Tránsito", "entidad_autonoma", True),
    ("MINSA", "Ministerio de Salud", "ministerio", True),
    ("SINCASOS", "Entidad sin casos", "otro", True),
    ("VIEJA", "Entidad inactiva", "otro", False),
]


def habiles(start: date, end: date) -> int:
    """Slow reference: dates d with start < d ≤ end, Monday–Friday, not a Panama holiday."""
    days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in PA_HOLIDAYS)


def make_case(created: str, closed: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A case for `insert_cases`, times as local 'YYYY-MM-DD HH:MM[:SS]' strings."""
    case: dict[str, Any] = {
        "case_id": overrides.pop("case_id", f"K{next(_ids):04d}"),
        "entity_id": "MINSA",
        "created_at": utc(created),
        "closed_at": utc(closed) if closed else None,
    }
    return {**case, **overrides}


# Open-case scenario on X (Sunday 2025-11-30): calendar ages on the boundaries of every bucket.
OPEN_SCENARIO = [
    make_case("2025-11-20 09:00", case_id="A"),  # 10 days
    make_case("2025-11-19 09:00", case_id="B"),  # 11
    make_case("2025-10-31 09:00", case_id="C", sla_days=30),  # 30
    make_case("2025-10-30 09:00", case_id="D"),  # 31
    make_case("2025-09-01 09:00", case_id="E", sla_days=100),  # 90
    make_case("2025-08-31 09:00", case_id="F", sla_days=5),  # 91
    make_case("2025-11-05 09:00", case_id="L", sla_days=20),  # 25: por vencer
    make_case("2025-11-06 09:00", case_id="M"),  # 24
    make_case("2025-10-01 09:00", "2025-12-05 09:00", case_id="K"),  # closed after X: 60
    make_case("2025-11-01 09:00", "2025-11-30 18:00", case_id="G"),  # closed on X: not open
    make_case("2025-09-01 09:00", case_id="H", status="anulado"),  # anulado: never counted
    make_case("2025-12-01 09:00", case_id="I"),  # created after X
    make_case("2025-11-25 09:00", case_id="J", entity_id="ATTT", channel="llamada"),  # 5
]
OPEN_ON_X = {  # case -> created_on, for the open cases of the scenario
    "A": date(2025, 11, 20),
    "B": date(2025, 11, 19),
    "C": date(2025, 10, 31),
    "D": date(2025, 10, 30),
    "E": date(2025, 9, 1),
    "F": date(2025, 8, 31),
    "L": date(2025, 11, 5),
    "M": date(2025, 11, 6),
    "K": date(2025, 10, 1),
    "J": date(2025, 11, 25),
}


def bucket_of(age: int) -> int:
    return next(i for i, top in enumerate((10, 20, 30, 60, 90)) if age <= top) if age <= 90 else 5


def reference_buckets(ages: list[int]) -> pl.DataFrame:
    counts = [0] * 6
    for age in ages:
        counts[bucket_of(age)] += 1
    return pl.DataFrame(
        {
            "tramo": LABELS,
            "orden": [1, 2, 3, 4, 5, 6],
            "casos": counts,
            "vencido": [False, False, False, True, True, True],
        },
        schema=AGING_SCHEMA,
    )


def age(case_id: str, mode: str) -> int:
    created = OPEN_ON_X[case_id]
    return (X - created).days if mode == "calendario" else habiles(created, X)


@pytest.fixture
def open_db(engine: Engine) -> Engine:
    insert_entities(engine, ENTITIES)
    insert_cases(engine, OPEN_SCENARIO)
    return engine


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
def test_aging_buckets_match_a_case_by_case_reference(open_db: Engine, mode: str) -> None:
    result = ops.aging_buckets(open_db, SETTINGS, X, mode)
    assert_frame_equal(result, reference_buckets([age(c, mode) for c in OPEN_ON_X]))


def test_aging_buckets_hand_computed_calendar_edges(open_db: Engine) -> None:
    result = ops.aging_buckets(open_db, SETTINGS, X, "calendario")
    # A 10, J 5 | B 11 | C 30, L 25, M 24 | D 31, K 60 | E 90 | F 91
    assert result["casos"].to_list() == [2, 1, 3, 2, 1, 1]


def test_aging_buckets_respect_filters_and_early_as_of(open_db: Engine) -> None:
    only_attt = ops.aging_buckets(
        open_db, SETTINGS, X, "calendario", CaseFilters(entity_ids=("ATTT",))
    )
    assert only_attt["casos"].to_list() == [1, 0, 0, 0, 0, 0]
    by_channel = ops.aging_buckets(
        open_db, SETTINGS, X, "calendario", CaseFilters(channels=("llamada",))
    )
    assert by_channel["casos"].to_list() == [1, 0, 0, 0, 0, 0]
    before_data = ops.aging_buckets(open_db, SETTINGS, date(2024, 1, 1), "habiles")
    assert_frame_equal(before_data, reference_buckets([]))


def test_habiles_ages_skip_weekends_and_holidays(open_db: Engine) -> None:
    rows = ops.open_case_list(open_db, SETTINGS, "MINSA", X, "habiles", "abiertos")
    ages = dict(zip(rows["case_id"].to_list(), rows["edad_dias"].to_list(), strict=True))
    # Thu 20 Nov -> Sun 30 Nov: 21, 24, 25, 26, 27 (28 is Independence Day, 29-30 weekend).
    assert ages["A"] == 5
    # Fri 31 Oct -> 30 Nov: November's 16 working days (3, 5, 10, 28 are holidays).
    assert ages["C"] == 16
    assert ages == {c: habiles(OPEN_ON_X[c], X) for c in OPEN_ON_X if c != "J"}


def test_vencidos_list_oldest_first_with_sla_status(open_db: Engine) -> None:
    result = ops.open_case_list(open_db, SETTINGS, "MINSA", X, "calendario", "vencidos")
    expected = pl.DataFrame(
        {
            "case_id": ["F", "E", "K", "D"],
            "entidad_id": ["MINSA"] * 4,
            "case_type": ["queja"] * 4,
            "category": ["general"] * 4,
            "channel": ["web"] * 4,
            "province": ["PA-8"] * 4,
            "created_on": [OPEN_ON_X[c] for c in ("F", "E", "K", "D")],
            "edad_dias": [91, 90, 60, 31],
            "sla_days": [5, 100, None, None],
            "estado_sla": ["fuera", "dentro", None, None],
        },
        schema=OPEN_CASES_SCHEMA,
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("mode", "which", "ids"),
    [
        ("calendario", "por_vencer", ["C", "L"]),
        ("habiles", "por_vencer", []),  # C is 16 working days old, L 15
        ("habiles", "vencidos", ["F", "E", "K"]),
        ("calendario", "abiertos", ["F", "E", "K", "D", "C", "L", "M", "B", "A"]),
    ],
)
def test_case_lists_per_mode(open_db: Engine, mode: str, which: str, ids: list[str]) -> None:
    result = ops.open_case_list(open_db, SETTINGS, "MINSA", X, mode, which)
    assert result["case_id"].to_list() == ids


def test_por_vencer_sla_status_compares_age_with_sla_days(open_db: Engine) -> None:
    result = ops.open_case_list(open_db, SETTINGS, "MINSA", X, "calendario", "por_vencer")
    assert result.select("case_id", "edad_dias", "estado_sla").rows() == [
        ("C", 30, "dentro"),
        ("L", 25, "fuera"),
    ]


def test_entity_without_cases_has_an_empty_typed_list(open_db: Engine) -> None:
    result = ops.open_case_list(open_db, SETTINGS, "SINCASOS", X, "habiles", "vencidos")
    assert_frame_equal(result, pl.DataFrame(schema=OPEN_CASES_SCHEMA))
    with pytest.raises(ValueError, match="lista de casos"):
        ops.open_case_list(open_db, SETTINGS, "MINSA", X, "calendario", "todos")


# Closed-case scenario for November 2025.
CLOSED_SCENARIO = [
    # Fri 31 Oct -> Thu 6 Nov: 6 calendar days; hábiles 4 and 6 Nov only (3 and 5 holidays).
    make_case("2025-10-31 09:00", "2025-11-06 10:00", case_type="reclamo", sla_days=2),
    # Fri 7 Nov -> Mon 10 Nov (holiday): 3 calendar days, 0 hábiles.
    make_case("2025-11-07 09:00", "2025-11-10 10:00", category="citas", sla_days=2),
    # Opened 23:30 on 12 Nov (04:30 UTC on the 13th), closed 13 Nov: 1 day either way.
    make_case("2025-11-12 23:30", "2025-11-13 10:00", category="citas", channel="llamada"),
    # Same day: 0.
    make_case("2025-11-14 08:00", "2025-11-14 08:00:30", category=None, sla_days=0),
    # 45 days, closed in November: out of the legal term.
    make_case("2025-10-01 09:00", "2025-11-15 09:00", entity_id="ATTT", sla_days=60),
    # Closed in December: not in November's distribution.
    make_case("2025-11-27 09:00", "2025-12-01 09:00"),
    # Anulado: excluded everywhere.
    make_case("2025-11-03 09:00", "2025-11-04 09:00", status="anulado", sla_days=1),
    # Open at E (30 Nov) for 61 days: vencido at month end.
    make_case("2025-09-30 09:00", entity_id="ATTT", category="citas"),
]


@pytest.fixture
def closed_db(engine: Engine) -> Engine:
    insert_entities(engine, ENTITIES)
    insert_cases(engine, CLOSED_SCENARIO)
    return engine


@pytest.mark.parametrize(
    ("mode", "histogram"),
    [
        ("calendario", {0: 1, 1: 1, 3: 1, 6: 1, 45: 1}),
        ("habiles", {0: 2, 1: 1, 2: 1, 29: 1}),
    ],
)
def test_days_distribution(closed_db: Engine, mode: str, histogram: dict[int, int]) -> None:
    result = ops.days_distribution(closed_db, "2025-11", mode)
    expected = pl.DataFrame(
        {"dias": list(histogram), "casos": list(histogram.values())},
        schema={"dias": pl.Int64, "casos": pl.Int64},
    )
    assert_frame_equal(result, expected)
    assert habiles(date(2025, 10, 1), date(2025, 11, 15)) == 29


def test_days_distribution_of_an_empty_month_is_empty(closed_db: Engine) -> None:
    result = ops.days_distribution(closed_db, "2024-01", "calendario")
    assert result.height == 0
    assert result.schema == pl.Schema({"dias": pl.Int64, "casos": pl.Int64})


def test_breakdown_by_category(closed_db: Engine) -> None:
    result = ops.breakdown(closed_db, SETTINGS, "2025-11", "calendario", "category")
    expected = pl.DataFrame(
        {
            "grupo": ["(sin dato)", "citas", "general"],
            # received in November: sin dato 1 (14 Nov), citas 2 (7, 12 Nov), general 1 (27 Nov)
            "recibidos": [1, 2, 1],
            "cerrados": [1, 2, 2],
            "cerrados_en_plazo": [1, 2, 1],
            "vencidos_fin_mes": [0, 1, 0],
            # citas: 2 / (2 + 1); general: 1 / (2 + 0)
            "indice_cumplimiento": [100.0, 66.7, 50.0],
            # citas 3 and 1 -> 2.0; general 6 and 45 -> 25.5
            "mediana_dias": [0.0, 2.0, 25.5],
        },
        schema=BREAKDOWN_SCHEMA,
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize("by", GROUP_BY_COLUMNS)
def test_every_allowed_breakdown_runs_and_adds_up(closed_db: Engine, by: str) -> None:
    result = ops.breakdown(closed_db, SETTINGS, "2025-11", "habiles", by)
    assert result["recibidos"].sum() == 4
    assert result["cerrados"].sum() == 5
    assert result["vencidos_fin_mes"].sum() == 1


def test_breakdown_refuses_a_column_outside_the_allow_list(closed_db: Engine) -> None:
    with pytest.raises(ValueError, match="agrupación no permitida"):
        ops.breakdown(closed_db, SETTINGS, "2025-11", "calendario", "status; drop table cases")


@pytest.mark.parametrize(
    ("mode", "rows"),
    [
        # MINSA: dias 6 vs sla 2 (fuera), 3 vs 2 (fuera), 0 vs 0 (dentro); ATTT 45 vs 60.
        ("calendario", [("ATTT", 1, 1, 100.0), ("MINSA", 3, 1, 33.3)]),
        # hábiles: 2 vs 2 dentro, 0 vs 2 dentro, 0 vs 0 dentro.
        ("habiles", [("ATTT", 1, 1, 100.0), ("MINSA", 3, 3, 100.0)]),
    ],
)
def test_sla_clock(closed_db: Engine, mode: str, rows: list[tuple[str, int, int, float]]) -> None:
    result = ops.sla_clock(closed_db, "2025-11", mode)
    assert result.rows() == rows
    assert result.columns == ["entidad_id", "cerrados_con_sla", "dentro_sla", "pct_dentro_sla"]


def insert_reviews(engine: Engine, rows: list[tuple[str, str, str]]) -> None:
    """Reviews given as (entity, item, local 'YYYY-MM-DD HH:MM')."""
    frame = pl.DataFrame(
        [(entity, item, utc(at)) for entity, item, at in rows],
        schema={"entity_id": pl.String, "item": pl.String, "reviewed_at": pl.Datetime("us")},
        orient="row",
    ).with_columns(local_date_expr("reviewed_at", TZ).alias("reviewed_on"))
    with engine.begin() as conn:
        copy_into(conn, "directory_reviews", frame)


def test_directory_freshness(engine: Engine) -> None:
    insert_entities(engine, ENTITIES)
    insert_reviews(
        engine,
        [
            ("ATTT", "directorio", "2025-09-01 08:00"),  # 90 days: al día
            ("ATTT", "sla", "2025-08-31 23:30"),  # 91 days (local date, 04:30 UTC on 1 Sep)
            ("ATTT", "base_conocimiento", "2025-06-03 10:00"),  # 180
            ("MINSA", "directorio", "2025-06-02 10:00"),  # 181: vencido
            ("MINSA", "directorio", "2025-12-02 10:00"),  # after X: not known on X
            ("VIEJA", "directorio", "2025-11-01 10:00"),  # inactive entity: not shown
        ],
    )
    result = ops.directory_freshness(engine, SETTINGS, X)
    expected = pl.DataFrame(
        {
            "entidad_id": ["ATTT"] * 3 + ["MINSA"] * 3 + ["SINCASOS"] * 3,
            "entidad": ["Autoridad de Tránsito"] * 3
            + ["Ministerio de Salud"] * 3
            + ["Entidad sin casos"] * 3,
            "sector": ["entidad_autonoma"] * 3 + ["ministerio"] * 3 + ["otro"] * 3,
            "item": ["directorio", "sla", "base_conocimiento"] * 3,
            "ultima_revision": [
                date(2025, 9, 1),
                date(2025, 8, 31),
                date(2025, 6, 3),
                date(2025, 6, 2),
                None,
                None,
                None,
                None,
                None,
            ],
            "edad_dias": [90, 91, 180, 181, None, None, None, None, None],
            "estado": ["al_dia", "por_vencer", "por_vencer", "vencido"] + ["sin_registro"] * 5,
        },
        schema=ITEM_FRESHNESS_SCHEMA,
    )
    assert_frame_equal(result, expected)
    overall = ops.entity_freshness(engine, SETTINGS, X)
    assert overall.select("entidad_id", "estado_general", "estado_directorio").rows() == [
        ("ATTT", "por_vencer", "al_dia"),
        ("MINSA", "sin_registro", "vencido"),
        ("SINCASOS", "sin_registro", "sin_registro"),
    ]
    before = ops.entity_freshness(engine, SETTINGS, date(2020, 1, 1))
    assert before["estado_general"].to_list() == ["sin_registro"] * 3


def test_stale_and_breaching(closed_db: Engine) -> None:
    insert_reviews(closed_db, [("ATTT", "directorio", "2024-01-10 10:00")])
    result = ops.stale_and_breaching(closed_db, SETTINGS, "2025-11", "calendario", X)
    # ATTT: directory vencido, 1 vencido at month end (the most; threshold max(1, p75) = 1).
    # MINSA and SINCASOS have sin_registro directories but no vencidos.
    assert result.rows() == [("ATTT", "Autoridad de Tránsito", "vencido", 1, 0.0)]


def insert_releases(engine: Engine, rows: list[tuple[str, str, str, str | None]]) -> None:
    """Releases as (id, entity, received local, published local or None)."""
    frame = pl.DataFrame(
        [
            (rid, entity, "comunicado", utc(received), utc(published) if published else None)
            for rid, entity, received, published in rows
        ],
        schema={
            "release_id": pl.String,
            "entity_id": pl.String,
            "title": pl.String,
            "received_at": pl.Datetime("us"),
            "published_at": pl.Datetime("us"),
        },
        orient="row",
    )
    with_month = add_local_columns(frame, "received", TZ, cached_calendar()).select(
        *frame.columns, "received_month"
    )
    with engine.begin() as conn:
        copy_into(conn, "press_releases", with_month)


def test_press_releases(engine: Engine) -> None:
    insert_entities(engine, ENTITIES)
    insert_releases(
        engine,
        [
            ("R1", "MINSA", "2025-11-03 08:00", "2025-11-03 10:30"),  # 2.5 h ahead
            ("R2", "MINSA", "2025-11-04 08:00", "2025-11-04 08:00"),  # same instant: not ahead
            ("R3", "MINSA", "2025-11-30 21:00", None),  # 02:00 UTC on 1 Dec: still November
            ("R4", "ATTT", "2025-11-10 12:00", "2025-11-10 11:00"),  # media first: -1 h
            ("R5", "ATTT", "2025-12-01 09:00", "2025-12-01 12:00"),  # December
        ],
    )
    result = ops.press_releases(engine, "2025-11")
    expected = pl.DataFrame(
        {
            "entidad_id": ["ATTT", "MINSA", "TOTAL"],
            "entidad": ["Autoridad de Tránsito", "Ministerio de Salud", "Total nacional"],
            "comunicados": [1, 3, 4],
            "con_anticipacion": [0, 1, 1],
            "pct_con_anticipacion": [0.0, 33.3, 25.0],
            # MINSA 2.5 and 0 -> 1.25 -> 1.3; all: -1, 0, 2.5 -> 0.0
            "mediana_anticipacion_horas": [-1.0, 1.3, 0.0],
        },
        schema=RELEASES_SCHEMA,
    )
    assert_frame_equal(result, expected)
    sector = ops.press_releases(engine, "2025-11", CaseFilters(sectors=("ministerio",)))
    assert sector["entidad_id"].to_list() == ["MINSA", "TOTAL"]
    assert sector["comunicados"].to_list() == [3, 3]
    empty = ops.press_releases(engine, "2025-10")
    assert empty.rows() == [("TOTAL", "Total nacional", 0, 0, None, None)]


def test_same_minute_closures(engine: Engine) -> None:
    insert_entities(engine, ENTITIES)
    insert_cases(
        engine,
        [
            # crosses local midnight, 59 s: same minute
            make_case("2025-11-03 23:59:30", "2025-11-04 00:00:29"),
            # exactly 60 s: not the same minute
            make_case("2025-11-05 10:00:00", "2025-11-05 10:01:00"),
            make_case("2025-11-06 10:00:00", "2025-11-06 10:00:00"),  # 0 s
            make_case("2025-11-07 10:00", "2025-11-08 10:00"),
            make_case("2025-11-07 10:00", "2025-11-07 10:00", status="anulado"),
            make_case("2025-11-07 10:00", "2025-11-07 10:00:10", entity_id="ATTT"),
            make_case("2025-10-07 10:00", "2025-10-07 10:00:10", entity_id="ATTT"),  # October
        ],
    )
    result = ops.same_minute_closures(engine, "2025-11")
    assert result.rows() == [
        ("ATTT", "Autoridad de Tránsito", 1, 1, 100.0),
        ("MINSA", "Ministerio de Salud", 4, 2, 50.0),
    ]


def test_same_minute_is_exact_to_the_millisecond(engine: Engine) -> None:
    insert_entities(engine, ENTITIES)
    created = utc("2025-11-05 10:00:00") + timedelta(microseconds=500_000)
    insert_cases(
        engine,
        [
            {
                "case_id": "S1",
                "entity_id": "MINSA",
                "created_at": created,
                "closed_at": created + timedelta(seconds=59, microseconds=999_000),
            },
            {
                "case_id": "S2",
                "entity_id": "MINSA",
                "created_at": created,
                "closed_at": created + timedelta(seconds=60),
            },
        ],
    )
    result = ops.same_minute_closures(engine, "2025-11")
    assert result.select("cerrados", "mismo_minuto").rows() == [(2, 1)]


def insert_batches(engine: Engine) -> None:
    batches = pl.DataFrame(
        {
            "batch_id": [1, 2],
            "kind": ["cases", "entities"],
            "source_name": ["casos.csv", "entidades.csv"],
            "started_at": [datetime(2025, 11, 1, 12), datetime(2025, 11, 2, 12)],
            "rows_read": [5, 1],
            "inserted": [2, 1],
            "updated": [0, 0],
            "unchanged": [0, 0],
            "quarantined": [3, 0],
            "is_demo": [False, False],
        }
    )
    quarantine = pl.DataFrame(
        {
            "batch_id": [1, 1, 1],
            "line_number": [7, 3, 4],
            "reason": ["entidad desconocida", "fecha ilegible", "entidad desconocida"],
            "detail": ["XYZ", "31/02/2025", None],
            "raw_row": ['{"a": "7"}', '{"a": "3"}', '{"a": "4"}'],
        }
    )
    with engine.begin() as conn:
        copy_into(conn, "import_batches", batches)
        copy_into(conn, "quarantine", quarantine)


def test_import_batches_and_quarantine(engine: Engine) -> None:
    assert ops.import_batches(engine).height == 0
    assert ops.quarantine_by_reason(engine).height == 0
    insert_batches(engine)
    batches = ops.import_batches(engine)
    assert batches["batch_id"].to_list() == [2, 1]
    assert batches["is_demo"].to_list() == [False, False]
    assert batches["started_at"].to_list() == [datetime(2025, 11, 2, 12), datetime(2025, 11, 1, 12)]
    assert ops.quarantine_by_reason(engine).rows() == [
        ("entidad desconocida", 2),
        ("fecha ilegible", 1),
    ]
    assert ops.quarantine_by_reason(engine, 2).height == 0
    assert ops.quarantine_by_reason(engine, 1)["filas"].sum() == 3
    rows = ops.quarantine_rows(engine, 1)
    assert rows.columns == ["line_number", "reason", "detail", "raw_row"]
    assert rows["line_number"].to_list() == [3, 4, 7]
    assert rows["detail"].to_list() == ["31/02/2025", None, "XYZ"]
