"""Hand-computed figures of `cac311.analytics` on SQLite and PostgreSQL (one body, both DBs).

Times in the scenarios are Panama local times (UTC−5); `local()` turns them into the naive-UTC
timestamps the database stores, and the derived local dates/ordinals come from the real import
helper, so a case opened at 23:30 local time is stored on the next UTC day.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any

import holidays
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from cac311.analytics.dates import data_dates, data_facts
from cac311.config import Settings
from cac311.db.setup import prepare_database
from cac311.filters import CaseFilters
from metrics.publication import PUBLICATION_SCHEMA, RANKING_COLUMNS, TREND_COLUMNS
from tests import analytics_calls as calls
from tests.db.cases_support import insert_cases, insert_entities, utc

SETTINGS = Settings()
_ids = itertools.count(1)


def local(text: str) -> datetime:
    return utc(text)


def make_case(**overrides: Any) -> dict[str, Any]:
    """A case dict for `insert_cases`; times given as local 'YYYY-MM-DD HH:MM' strings."""
    case: dict[str, Any] = {
        "case_id": f"K{next(_ids):05d}",
        "entity_id": "MEF",
        "created_at": "2026-10-05 09:00",
        "closed_at": None,
    }
    case.update(overrides)
    for key in ("created_at", "closed_at"):
        if isinstance(case[key], str):
            case[key] = local(case[key])
    return case


ENTITIES = [
    ("CERRADA", "Empresa cerrada", "empresa_publica", False),  # inactive, one case in October
    ("MEF", "Ministerio de Economía y Finanzas", "ministerio", True),
    ("MINSA", "Ministerio de Salud", "ministerio", True),
    ("SINCASOS", "Entidad sin casos", "otro", True),  # active, never had a case
    ("VIEJA", "Entidad inactiva", "otro", False),  # inactive, no case: not shown
]
SCENARIO = [
    # MEF
    make_case(created_at="2026-10-05 09:00", closed_at="2026-10-05 15:00"),  # same day: 0
    # 23:30 local on 30/09 is 01/10 in UTC: received in September, 31 days (UTC would say 30)
    make_case(created_at="2026-09-30 23:30", closed_at="2026-10-31 10:00"),
    # closed 23:59 local on 31/10 (01/11 in UTC): closed in October, exactly 30 days
    make_case(created_at="2026-10-01 08:00", closed_at="2026-10-31 23:59"),
    make_case(created_at="2026-09-15 08:00"),  # open, 46 days old on 31/10: overdue
    make_case(created_at="2026-10-01 12:00"),  # open, exactly 30 days old: not overdue
    # anulado: excluded from every figure but its closure (20/11) sets datos_al
    make_case(created_at="2026-10-10 08:00", closed_at="2026-11-20 12:00", status="anulado"),
    # MINSA
    make_case(entity_id="MINSA", created_at="2026-09-30 10:00"),  # open, 31 days: overdue
    make_case(entity_id="MINSA", created_at="2026-10-20 08:00", closed_at="2026-11-02 09:00"),
    # year boundary: 20:00 local on 31/12/2025 is 2026 in UTC
    make_case(entity_id="MINSA", created_at="2025-12-31 20:00", closed_at="2026-01-02 09:00"),
    # CERRADA
    make_case(entity_id="CERRADA", created_at="2026-10-15 08:00", closed_at="2026-10-17 08:00"),
]


@pytest.fixture
def scenario(engine: Engine) -> Engine:
    insert_entities(engine, ENTITIES)
    insert_cases(engine, SCENARIO)
    return engine


def table(
    rows: list[tuple[Any, ...]], periodo: str = "2026-10", madura: str = "no"
) -> pl.DataFrame:
    """Publication rows from (entity id, name, sector, 11 figures); posicion left empty."""
    full = [(periodo, *row, madura, None) for row in rows]
    return pl.DataFrame(full, schema=PUBLICATION_SCHEMA, orient="row")


MEF = ("MEF", "Ministerio de Economía y Finanzas", "ministerio")
MINSA = ("MINSA", "Ministerio de Salud", "ministerio")
SINCASOS = ("SINCASOS", "Entidad sin casos", "otro")
CERRADA = ("CERRADA", "Empresa cerrada", "empresa_publica")
TOTAL = ("TOTAL", "Total nacional", None)
# columns after entity: recibidos, cerrados, en_plazo, fuera, pct, abiertos, vencidos, indice,
# mediana, p90, cohorte_pct
OCTOBER_CALENDARIO = table(
    [
        (*CERRADA, 1, 1, 1, 0, 100.0, 0, 0, 100.0, 2.0, 2.0, 100.0),
        # closed 0, 31, 30 days: median 30, p90 30 + 0.8 × 1; índice 2 / (3 + 1)
        (*MEF, 3, 3, 2, 1, 66.7, 2, 1, 50.0, 30.0, 30.8, 66.7),
        (*MINSA, 1, 0, 0, 0, None, 2, 1, 0.0, None, None, 100.0),
        (*SINCASOS, 0, 0, 0, 0, None, 0, 0, None, None, None, None),
        # all closed: 0, 2, 30, 31 → median 16, p90 30 + 0.7; índice 3 / (4 + 2)
        (*TOTAL, 5, 4, 3, 1, 75.0, 4, 2, 50.0, 16.0, 30.7, 80.0),
    ]
)
# Working days: October 2026 has 22 (no holiday), so 30/09 → 31/10 is 22, 01/10 → 31/10 is 21,
# 15/10 (Thu) → 17/10 (Sat) is 1; the open case of 15/09 is 33 working days old, MINSA's of
# 30/09 only 22 (not overdue).
OCTOBER_HABILES = table(
    [
        (*CERRADA, 1, 1, 1, 0, 100.0, 0, 0, 100.0, 1.0, 1.0, 100.0),
        (*MEF, 3, 3, 3, 0, 100.0, 2, 1, 75.0, 21.0, 21.8, 66.7),
        (*MINSA, 1, 0, 0, 0, None, 2, 0, None, None, None, 100.0),
        (*SINCASOS, 0, 0, 0, 0, None, 0, 0, None, None, None, None),
        (*TOTAL, 5, 4, 4, 0, 100.0, 4, 1, 80.0, 11.0, 21.7, 80.0),
    ]
)


@pytest.mark.parametrize(
    ("mode", "expected"), [("calendario", OCTOBER_CALENDARIO), ("habiles", OCTOBER_HABILES)]
)
def test_monthly_table_by_hand(scenario: Engine, mode: str, expected: pl.DataFrame) -> None:
    got = calls.monthly_table(scenario, SETTINGS, "2026-10", mode)
    assert_frame_equal(got, expected)


def test_data_dates_count_anulado_and_list_the_months(scenario: Engine) -> None:
    dates = data_dates(scenario)
    assert dates.datos_al == date(2026, 11, 20)
    months = [str(m) for m in dates.months]
    assert months[0] == "2025-12" and months[-1] == "2026-11" and len(months) == 12
    assert [str(m) for m in dates.complete_months][-1] == "2026-10"
    facts = data_facts(scenario)
    assert facts.dates == dates and facts.has_cases


def test_empty_database(engine: Engine) -> None:
    facts = data_facts(engine)
    assert facts.datos_al is None and facts.months == () and not facts.has_cases
    assert (facts.batches, facts.last_batch_id, facts.is_demo) == (0, None, False)
    got = calls.monthly_table(engine, SETTINGS, "2026-10", "calendario")
    expected = table([(*TOTAL, 0, 0, 0, 0, None, 0, 0, None, None, None, None)])
    assert_frame_equal(got, expected)


def test_year_boundary_and_empty_month(scenario: Engine) -> None:
    december = calls.monthly_table(scenario, SETTINGS, "2025-12", "calendario")
    minsa = december.filter(pl.col("entidad_id") == "MINSA").row(0, named=True)
    assert (minsa["recibidos"], minsa["cerrados"], minsa["abiertos_fin_mes"]) == (1, 0, 1)
    assert minsa["cohorte_madura"] == "si"
    january = calls.monthly_table(scenario, SETTINGS, "2026-01", "calendario")
    minsa = january.filter(pl.col("entidad_id") == "MINSA").row(0, named=True)
    assert (minsa["recibidos"], minsa["cerrados"], minsa["mediana_dias"]) == (0, 1, 2.0)
    july = calls.monthly_table(scenario, SETTINGS, "2026-07", "calendario")
    assert july["entidad_id"].to_list() == ["MEF", "MINSA", "SINCASOS", "TOTAL"]
    assert (
        july.select(pl.sum_horizontal("recibidos", "cerrados", "abiertos_fin_mes")).sum().item()
        == 0
    )
    assert july["indice_cumplimiento"].is_null().all()


def test_entity_and_case_type_filters(scenario: Engine) -> None:
    only_mef = calls.monthly_table(
        scenario, SETTINGS, "2026-10", "calendario", CaseFilters(entity_ids=("MEF",))
    )
    assert only_mef["entidad_id"].to_list() == ["MEF", "TOTAL"]
    figures = only_mef.drop("entidad_id", "entidad", "sector", "posicion")
    assert figures.row(0) == figures.row(1)  # TOTAL over MEF's cases only
    sugerencias = calls.monthly_table(
        scenario, SETTINGS, "2026-10", "calendario", CaseFilters(case_types=("sugerencia",))
    )
    assert sugerencias.filter(pl.col("entidad_id") == "TOTAL")["recibidos"].item() == 0


def test_holidays_and_weekends_in_habiles_mode(engine: Engine) -> None:
    pa = holidays.country_holidays("PA", years=2026)
    assert date(2026, 11, 3) in pa and date(2026, 11, 5) in pa  # premises of the hand count
    assert date(2026, 11, 4) not in pa and date(2026, 11, 6) not in pa
    insert_entities(engine, ENTITIES)
    insert_cases(
        engine,
        [
            # Fri 09/10 → Mon 12/10: 3 calendar days, 1 working day (the Monday)
            make_case(created_at="2026-10-09 10:00", closed_at="2026-10-12 10:00"),
            # Mon 02/11 → Fri 06/11: 4 calendar days; 3 and 5 Nov are holidays: 2 working days
            make_case(created_at="2026-11-02 10:00", closed_at="2026-11-06 10:00"),
        ],
    )

    def median(month: str, mode: str, settings: Settings = SETTINGS) -> float:
        frame = calls.monthly_table(engine, settings, month, mode)
        return float(frame.filter(pl.col("entidad_id") == "MEF")["mediana_dias"].item())

    assert (median("2026-10", "calendario"), median("2026-10", "habiles")) == (3.0, 1.0)
    assert (median("2026-11", "calendario"), median("2026-11", "habiles")) == (4.0, 2.0)
    decree = Settings(extra_days_off=(date(2026, 11, 6),))  # a day off declared by decree
    try:
        prepare_database(engine, decree)
        assert median("2026-11", "habiles", decree) == 1.0
        assert median("2026-11", "calendario", decree) == 4.0
    finally:
        prepare_database(engine, SETTINGS)


def _closed_cases(entity_id: str, count: int, on_time: int, month: str) -> list[dict[str, Any]]:
    return [
        make_case(
            entity_id=entity_id,
            created_at=f"{month}-02 08:00",
            closed_at=f"{month}-03 08:00" if i < on_time else f"{month}-28 08:00",
        )
        for i in range(count)
    ]


@pytest.fixture
def ranked(engine: Engine) -> Engine:
    insert_entities(
        engine,
        [
            ("A20", "A", "ministerio", True),
            ("B20", "B", "ministerio", True),
            ("BIG", "Grande", "municipio", True),
            ("E19", "Diecinueve", "otro", True),
        ],
    )
    # With RANKING_SETTINGS (L = 10) a closure 26 days after creation is late.
    cases = (
        _closed_cases("A20", 20, 20, "2026-10")
        + _closed_cases("B20", 20, 20, "2026-10")  # same score and n as A20: tie → A20 first
        + _closed_cases("BIG", 40, 40, "2026-10")
        + _closed_cases("E19", 19, 19, "2026-10")  # 100 % but n = 19: not ranked
        + _closed_cases("A20", 20, 10, "2026-09")
        + _closed_cases("B20", 20, 20, "2026-09")
    )
    insert_cases(engine, cases)
    return engine


RANKING_SETTINGS = Settings(legal_limit_days=10)


def test_ranking_n_19_vs_20_ties_and_change(ranked: Engine) -> None:
    got = calls.ranking(ranked, RANKING_SETTINGS, "2026-10", "calendario")
    assert got.columns == list(RANKING_COLUMNS)
    assert got.select(
        "entidad_id", "posicion", "posicion_anterior", "cambio_posicion", "n", "clasificada"
    ).rows() == [
        ("BIG", 1, None, None, 40, True),
        ("A20", 2, 2, 0, 20, True),
        ("B20", 3, 1, -2, 20, True),
        ("E19", None, None, None, 19, False),
    ]
    table_positions = calls.monthly_table(ranked, RANKING_SETTINGS, "2026-10", "calendario")
    assert dict(table_positions.select("entidad_id", "posicion").rows()) == {
        "A20": 2,
        "B20": 3,
        "BIG": 1,
        "E19": None,
        "TOTAL": None,
    }


def test_trend_and_deltas_agree_with_the_table(scenario: Engine) -> None:
    trend = calls.monthly_trend(scenario, SETTINGS, "2026-11", 3, "calendario")
    assert trend.columns == list(TREND_COLUMNS)
    assert trend["periodo"].to_list() == ["2026-09", "2026-10", "2026-11"]
    assert trend["parcial"].to_list() == [False, False, True]
    assert trend["cohorte_madura"].to_list() == ["si", "no", "no"]
    october = trend.filter(pl.col("periodo") == "2026-10").drop("grupo", "parcial")
    total = OCTOBER_CALENDARIO.filter(pl.col("entidad_id") == "TOTAL").select(october.columns)
    assert_frame_equal(october, total)

    deltas = calls.kpi_deltas(scenario, SETTINGS, "2026-10", "calendario")
    by_kpi = {row["kpi"]: row for row in deltas.to_dicts()}
    september = trend.filter(pl.col("periodo") == "2026-09").row(0, named=True)
    assert by_kpi["recibidos"]["valor"] == 5.0
    assert by_kpi["recibidos"]["mes_anterior"] == september["recibidos"]
    assert by_kpi["indice_cumplimiento"]["valor"] == 50.0
    assert by_kpi["recibidos"]["anio_anterior"] is None  # 2025-10 precedes the first data
    future = calls.kpi_deltas(scenario, SETTINGS, "2026-12", "calendario")
    assert future["mes_anterior"].is_null().all()


def test_trend_split_by(scenario: Engine) -> None:
    by_entity = calls.monthly_trend(
        scenario, SETTINGS, "2026-10", 1, "calendario", split_by="entity_id"
    )
    assert by_entity["grupo"].to_list() == ["CERRADA", "MEF", "MINSA"]
    assert by_entity["recibidos"].sum() == 5
    with pytest.raises(ValueError):
        calls.monthly_trend(scenario, SETTINGS, "2026-10", 3, "calendario", split_by="x; drop")
