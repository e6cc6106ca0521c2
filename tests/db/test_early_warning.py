"""Early-warning flags through `cac311.analytics.early_warning` on SQLite and PostgreSQL.

Hand-built history (Panama local times): entity EST closes 25 cases a month from 2025-09 to
2026-09 — 20 in 2 days (created on the 1st, closed on the 3rd) and 5 late (created on the 1st of
the month before, closed on the 25th: > 30 days in both modes, and 29–30 days old at that month's
end, so never vencidos). n = 25, x = 20, p = 0.8 every month.

October 2026: 5 in 2 days and 20 received 10/09 and closed 15/10 — 35 calendar days (late) but
only 25 working days (Sep 11–30: 14, Oct 1–15: 11; no holiday): in time in días hábiles.
POCO closes 5 cases a month (n < 20: never evaluated); its case closed 05/11 sets datos_al, so
October is complete (mature) and November is not.

calendario, October: baseline 2025-10..2026-09 → p̄ = 240/300 = 0.8, every z = 0 → p-chart;
σ = √(0.8·0.2/25) = 0.08; limits 0.56 (3σ), 0.64 (2σ), 1.04; p = 5/25 = 0.2 → en deterioro.
hábiles, October: p = 25/25 = 1.0 → en control.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from cac311.analytics import early_warning as family
from cac311.analytics import monthly
from cac311.analytics.dates import data_dates
from cac311.config import Settings
from cac311.filters import CaseFilters
from metrics.early_warning import EARLY_WARNING_SCHEMA, EN_CONTROL, EN_DETERIORO, SIN_EVALUAR
from metrics.months import add_months, first_day
from metrics.period import Period
from tests.db.cases_support import insert_cases, insert_entities, utc

SETTINGS = Settings()
ENTITIES = [
    ("EST", "Entidad estable", "ministerio", True),
    ("POCO", "Entidad pequeña", "otro", True),
]
STABLE = [add_months(202509, k) for k in range(13)]  # 2025-09 .. 2026-09


def day(yyyymm: int, number: int, hour: str = "09:00") -> str:
    return f"{first_day(yyyymm).replace(day=number).isoformat()} {hour}"


def scenario_cases() -> list[dict[str, Any]]:
    cases: list[tuple[str, str, str | None]] = []
    for month in STABLE:
        cases += [("EST", day(month, 1), day(month, 3))] * 20
        cases += [("EST", day(add_months(month, -1), 1), day(month, 25))] * 5
        cases += [("POCO", day(month, 2), day(month, 4))] * 5
    cases += [("EST", day(202610, 1), day(202610, 3))] * 5
    cases += [("EST", "2026-09-10 09:00", "2026-10-15 09:00")] * 20
    cases += [("POCO", "2026-10-20 09:00", "2026-11-05 09:00")]
    return [
        {
            "case_id": f"EW{k:04d}",
            "entity_id": entity,
            "created_at": utc(created),
            "closed_at": utc(closed) if closed else None,
        }
        for k, (entity, created, closed) in enumerate(cases)
    ]


@pytest.fixture
def history(engine: Engine) -> Engine:
    insert_entities(engine, ENTITIES)
    insert_cases(engine, scenario_cases())
    return engine


def flags(engine: Engine, mode: str = "calendario", **options: Any) -> pl.DataFrame:
    return family.entity_flags(
        engine,
        SETTINGS,
        period=Period.parse("2026-10", mode),
        dates=data_dates(engine),
        **options,
    )


def row(frame: pl.DataFrame, entity: str, month: int) -> dict[str, Any]:
    return frame.filter((pl.col("entidad_id") == entity) & (pl.col("mes") == month)).row(
        0, named=True
    )


def test_a_drop_is_flagged_in_calendar_days(history: Engine) -> None:
    assert data_dates(history).datos_al == date(2026, 11, 5)
    got = flags(history)
    assert got.schema == pl.Schema(EARLY_WARNING_SCHEMA)
    october = row(got, "EST", 202610)
    assert (october["n"], october["x"]) == (25, 5)
    assert october["p_media"] == pytest.approx(0.8)
    assert october["lic_3s"] == pytest.approx(0.56)
    assert october["lic_2s"] == pytest.approx(0.64)
    assert october["lsc_3s"] == pytest.approx(1.04)
    assert (october["senal"], october["estado_alerta"]) == (True, EN_DETERIORO)
    est = got.filter(pl.col("entidad_id") == "EST")
    # 2025-08 has no closure; 2025-09..2026-08 lack 12 earlier months; 2026-09 is the first
    # evaluated month (baseline 2025-09..2026-08), in control.
    assert est["mes"].to_list() == [add_months(202508, k) for k in range(15)]
    assert est["estado_alerta"].to_list() == [SIN_EVALUAR] * 13 + [EN_CONTROL, EN_DETERIORO]
    assert set(got.filter(pl.col("entidad_id") == "POCO")["estado_alerta"]) == {SIN_EVALUAR}


def test_the_index_and_so_the_flag_depend_on_the_day_count_mode(history: Engine) -> None:
    october = row(flags(history, "habiles"), "EST", 202610)
    assert (october["x"], october["n"]) == (25, 25)
    assert (october["senal"], october["estado_alerta"]) == (False, EN_CONTROL)


def test_a_month_that_contains_datos_al_is_not_evaluated(history: Engine) -> None:
    got = family.entity_flags(
        history, SETTINGS, period=Period.parse("2026-11"), dates=data_dates(history)
    )
    november = row(got, "EST", 202611)
    assert (november["evaluado"], november["estado_alerta"]) == (False, SIN_EVALUAR)
    # the earlier months do not depend on which month is asked for
    assert row(got, "EST", 202610)["estado_alerta"] == EN_DETERIORO


def test_filters_apply_and_no_data_gives_an_empty_frame(history: Engine) -> None:
    only_poco = flags(history, filters=CaseFilters(entity_ids=("POCO",)))
    assert set(only_poco["entidad_id"]) == {"POCO"}
    before = family.entity_flags(
        history, SETTINGS, period=Period.parse("2024-01"), dates=data_dates(history)
    )
    assert before.is_empty() and before.schema == pl.Schema(EARLY_WARNING_SCHEMA)


def test_summaries_and_cases_give_the_same_flags(
    history: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_summaries = flags(history)
    monkeypatch.setattr(monthly, "source_for", lambda *args, **kwargs: monthly.CASES)
    assert_frame_equal(flags(history), from_summaries)


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
@pytest.mark.parametrize("filters", [CaseFilters(), CaseFilters(entity_ids=("EST",))])
@pytest.mark.parametrize("source", ["summaries", "cases"])
def test_index_counts_are_the_monthly_trend_counts(
    history: Engine,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    filters: CaseFilters,
    source: str,
) -> None:
    """The flags read cerrados, en plazo and vencidos summed in the database instead of the
    monthly trend's day histogram: the same counts, grid of entities × months included."""
    if source == "cases":
        monkeypatch.setattr(monthly, "source_for", lambda *args, **kwargs: monthly.CASES)
    period = Period.parse("2026-11", mode)
    dates = data_dates(history)
    months = dates.months[0].through(period.month)
    trend = monthly.monthly_trend(
        history,
        SETTINGS,
        period=period,
        months=len(months),
        dates=dates,
        filters=filters,
        split_by="entity_id",
    )
    expected = trend.select(
        pl.col("grupo").alias("entidad_id"),
        pl.col("periodo").str.replace("-", "").cast(pl.Int64).alias("mes"),
        *(pl.col(c).cast(pl.Int64) for c in ("cerrados", "cerrados_en_plazo", "vencidos_fin_mes")),
    ).sort("entidad_id", "mes")
    got = family.index_counts(history, SETTINGS, months=months, mode=period.mode, filters=filters)
    assert expected.height > 0
    assert_frame_equal(got.sort("entidad_id", "mes"), expected)
