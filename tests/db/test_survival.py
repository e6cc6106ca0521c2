"""Kaplan–Meier histogram and figures (cac311.analytics.survival) on SQLite and PostgreSQL.

By hand: which cases enter the cohort window, closed cases at their dias, open cases censored at
their age on datos_al, in both day modes (working days counted by the slow reference walker of
tests/reference.py, not by the calendar table). Then, on demo data: for a mature cohort the
estimated share closed within L equals the publication's `cohorte_en_plazo_pct`.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from cac311.analytics import survival
from cac311.analytics.dates import data_dates
from cac311.config import Settings
from cac311.filters import CaseFilters
from cac311.ingest.demo import generate_demo
from metrics import survival as km
from tests import analytics_calls as calls
from tests.db.cases_support import insert_cases, insert_entities, utc
from tests.reference import DayCounter

SETTINGS = Settings()
DATOS_AL = date(2026, 11, 20)  # the anulado case's closure
_ids = itertools.count(1)


def case(entity: str, created: str, closed: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "case_id": f"S{next(_ids):05d}",
        "entity_id": entity,
        "created_at": utc(created),
        "closed_at": utc(closed) if closed else None,
        **extra,
    }


SCENARIO = [
    case("MEF", "2026-10-05 09:00", "2026-10-05 15:00"),  # same day: 0
    case("MEF", "2026-10-01 08:00", "2026-10-31 23:59"),  # closed 31/10 local: 30 days
    case("MEF", "2026-08-03 08:00"),  # open: censored at its age on datos_al
    case("MEF", "2026-09-30 23:30"),  # 30/09 local (01/10 UTC): in the window, open
    case("MEF", "2026-07-31 10:00", "2026-08-05 10:00"),  # received in July: not in the window
    case("MEF", "2026-11-02 10:00"),  # received in November: after the window
    # anulado: never counted, but its closure sets datos_al
    case("MEF", "2026-10-10 08:00", "2026-11-20 12:00", status="anulado"),
    case("MINSA", "2026-10-20 08:00", "2026-11-02 09:00"),  # 13 days
]


@pytest.fixture
def scenario(engine: Engine) -> Engine:
    insert_entities(
        engine,
        [
            ("MEF", "Ministerio de Economía y Finanzas", "ministerio", True),
            ("MINSA", "Ministerio de Salud", "ministerio", True),
        ],
    )
    insert_cases(engine, SCENARIO)
    assert data_dates(engine).datos_al == DATOS_AL
    return engine


def histogram(engine: Engine, mode: str, months: int = km.COHORT_MONTHS, **kw: Any) -> list[Any]:
    frame = survival.cohort_histogram(
        engine,
        SETTINGS,
        period=calls.period("2026-10", mode),
        datos_al=DATOS_AL,
        months=months,
        **kw,
    )
    assert frame.schema == pl.Schema(km.HISTOGRAM_SCHEMA)
    return frame.rows()


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
def test_histogram_by_hand(scenario: Engine, mode: str) -> None:
    days = DayCounter().days
    expected = sorted(
        [
            ("MEF", 0, 1, 0),
            ("MEF", days(date(2026, 10, 1), date(2026, 10, 31), mode), 1, 0),
            ("MEF", days(date(2026, 8, 3), DATOS_AL, mode), 0, 1),
            ("MEF", days(date(2026, 9, 30), DATOS_AL, mode), 0, 1),
            ("MINSA", days(date(2026, 10, 20), date(2026, 11, 2), mode), 1, 0),
        ]
    )
    if mode == "calendario":  # the hand count behind the walker
        assert expected == [
            ("MEF", 0, 1, 0),
            ("MEF", 30, 1, 0),
            ("MEF", 51, 0, 1),
            ("MEF", 109, 0, 1),
            ("MINSA", 13, 1, 0),
        ]
    assert histogram(scenario, mode) == expected
    # one-month window: only October's two MEF cases and MINSA's
    assert histogram(scenario, mode, months=1) == [
        row for row in expected if row[0] == "MINSA" or row[1] in (0, expected[1][1])
    ]


def test_filters_and_empty_database(scenario: Engine, engine: Engine) -> None:
    only = CaseFilters(entity_ids=("MINSA",))
    assert histogram(scenario, "calendario", filters=only) == [("MINSA", 13, 1, 0)]
    curve = survival.survival_curve(
        scenario,
        SETTINGS,
        period=calls.period("2026-10"),
        datos_al=DATOS_AL,
        filters=CaseFilters(entity_ids=("MEF",)),
    )
    # MEF: 4 cases; closed at 0 (Ŝ 3/4) and 30 (Ŝ 3/4 × 2/3 = 1/2), open at 51 and 109
    assert curve["dias"].to_list() == [0, 30, 51, 109]
    assert curve["en_riesgo"].to_list() == [4, 3, 2, 1]
    assert curve["supervivencia"].to_list() == [0.75, 0.5, 0.5, 0.5]
    no_data = survival.survival_by_entity(
        engine, SETTINGS, period=calls.period("2026-10"), datos_al=None
    )
    assert no_data.is_empty() and no_data.schema == pl.Schema(km.SUMMARY_SCHEMA)


def test_summary_by_entity_with_a_small_minimum(scenario: Engine) -> None:
    histogram_frame = survival.cohort_histogram(
        scenario, SETTINGS, period=calls.period("2026-10"), datos_al=DATOS_AL
    )
    figures = km.survival_summary(histogram_frame, SETTINGS.legal_limit_days, min_cases=1)
    # MEF: Ŝ = 1/2 from day 30 to the end of the curve (109): median (30 + 109) / 2 = 69.5;
    # 1 − Ŝ(30) = 50 %. MINSA: one case closed at 13.
    assert figures.rows() == [
        ("MEF", 4, 2, 2, 109, km.ESTIMATED, 69.5, 50.0),
        ("MINSA", 1, 1, 0, 13, km.ESTIMATED, 13.0, 100.0),
    ]
    default = survival.survival_by_entity(
        scenario, SETTINGS, period=calls.period("2026-10"), datos_al=DATOS_AL
    )
    assert default["km_mediana_estado"].to_list() == [km.INSUFFICIENT, km.INSUFFICIENT]


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
def test_mature_cohort_share_equals_cohorte_en_plazo_pct_on_demo_data(
    engine: Engine, mode: str
) -> None:
    generate_demo(engine, SETTINGS, cases=3000, seed=311, today=date(2026, 11, 15))
    datos_al = data_dates(engine).datos_al
    censored = mature = 0
    for month in ("2026-06", "2026-07", "2026-08", "2026-09"):
        table = calls.monthly_table(engine, SETTINGS, month, mode).filter(
            pl.col("entidad_id") != "TOTAL", pl.col("recibidos") > 0
        )
        if set(table["cohorte_madura"].to_list()) != {"si"}:
            continue  # September is not yet mature in working days on 15/11
        mature += 1
        cohort = survival.cohort_histogram(
            engine, SETTINGS, period=calls.period(month, mode), datos_al=datos_al, months=1
        )
        censored += int(cohort["abiertos"].sum())
        figures = km.survival_summary(cohort, SETTINGS.legal_limit_days, min_cases=1)
        joined = table.join(figures, on="entidad_id", how="full", coalesce=True)
        assert joined.height == table.height == figures.height
        assert joined["recibidos"].to_list() == joined["km_casos"].to_list()
        assert joined["km_pct_cerrados_en_plazo"].to_list() == (
            joined["cohorte_en_plazo_pct"].to_list()
        )
    assert mature >= 3, "premise: mature cohorts to compare"
    assert censored > 0, "premise: the demo's mature cohorts still have open cases"
