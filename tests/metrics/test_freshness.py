"""Directory freshness per item and per entity, and the stale-and-breaching list (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.freshness import (
    ENTITY_FRESHNESS_SCHEMA,
    ITEM_FRESHNESS_SCHEMA,
    STALE_SCHEMA,
    breaching_threshold,
    entity_freshness,
    item_freshness,
    stale_and_breaching,
)

AS_OF = date(2025, 11, 30)
ENTITIES = pl.DataFrame(
    {
        "entidad_id": ["MINSA", "ATTT"],
        "entidad": ["Ministerio de Salud", "ATTT"],
        "sector": ["ministerio", "entidad_autonoma"],
    }
)
REVIEW_SCHEMA = {"entidad_id": pl.String, "item": pl.String, "reviewed_on": pl.Date}


def reviews(rows: list[tuple[str, str, date]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=REVIEW_SCHEMA, orient="row")


def one_item_status(age_days: int) -> tuple[int | None, str]:
    frame = item_freshness(
        ENTITIES.head(1),
        reviews([("MINSA", "directorio", AS_OF - timedelta(days=age_days))]),
        AS_OF,
        90,
        180,
    )
    row = frame.filter(pl.col("item") == "directorio").row(0, named=True)
    return row["edad_dias"], row["estado"]


@pytest.mark.parametrize(
    ("age", "estado"),
    [
        (0, "al_dia"),
        (90, "al_dia"),
        (91, "por_vencer"),
        (180, "por_vencer"),
        (181, "vencido"),
        (2000, "vencido"),
    ],
)
def test_status_thresholds(age: int, estado: str) -> None:
    assert one_item_status(age) == (age, estado)


def test_every_entity_gets_all_three_items_and_the_latest_known_review_counts() -> None:
    frame = item_freshness(
        ENTITIES,
        reviews(
            [
                ("MINSA", "directorio", date(2025, 1, 10)),
                ("MINSA", "directorio", date(2025, 10, 1)),
                # reviewed after as_of: not known yet on as_of
                ("MINSA", "sla", date(2025, 12, 5)),
                ("MINSA", "sla", date(2025, 5, 1)),
                # an entity outside the population is ignored
                ("GONE", "directorio", date(2025, 11, 1)),
            ]
        ),
        AS_OF,
        90,
        180,
    )
    expected = pl.DataFrame(
        {
            "entidad_id": ["ATTT"] * 3 + ["MINSA"] * 3,
            "entidad": ["ATTT"] * 3 + ["Ministerio de Salud"] * 3,
            "sector": ["entidad_autonoma"] * 3 + ["ministerio"] * 3,
            "item": ["directorio", "sla", "base_conocimiento"] * 2,
            "ultima_revision": [None, None, None, date(2025, 10, 1), date(2025, 5, 1), None],
            "edad_dias": [None, None, None, 60, 213, None],
            "estado": ["sin_registro"] * 3 + ["al_dia", "vencido", "sin_registro"],
        },
        schema=ITEM_FRESHNESS_SCHEMA,
    )
    assert_frame_equal(frame, expected)


def test_as_of_before_any_review_is_sin_registro_everywhere() -> None:
    frame = item_freshness(
        ENTITIES, reviews([("MINSA", "sla", date(2025, 6, 1))]), date(2020, 1, 1), 90, 180
    )
    assert frame.height == 6
    assert set(frame["estado"].to_list()) == {"sin_registro"}


@pytest.mark.parametrize(
    ("estados", "general"),
    [
        (("al_dia", "al_dia", "al_dia"), "al_dia"),
        (("al_dia", "por_vencer", "al_dia"), "por_vencer"),
        (("vencido", "por_vencer", "al_dia"), "vencido"),
        (("vencido", "sin_registro", "al_dia"), "sin_registro"),
        (("al_dia", "al_dia", "sin_registro"), "sin_registro"),
    ],
)
def test_overall_status_is_the_worst_item(estados: tuple[str, str, str], general: str) -> None:
    items = pl.DataFrame(
        {
            "entidad_id": ["MINSA"] * 3,
            "entidad": ["Ministerio de Salud"] * 3,
            "sector": ["ministerio"] * 3,
            "item": ["directorio", "sla", "base_conocimiento"],
            "ultima_revision": [None, None, None],
            "edad_dias": [None, None, None],
            "estado": list(estados),
        },
        schema=ITEM_FRESHNESS_SCHEMA,
    )
    expected = pl.DataFrame(
        {
            "entidad_id": ["MINSA"],
            "entidad": ["Ministerio de Salud"],
            "sector": ["ministerio"],
            "estado_general": [general],
            "estado_directorio": [estados[0]],
            "estado_sla": [estados[1]],
            "estado_base_conocimiento": [estados[2]],
        },
        schema=ENTITY_FRESHNESS_SCHEMA,
    )
    assert_frame_equal(entity_freshness(items), expected)


@pytest.mark.parametrize(
    ("vencidos", "threshold"),
    [
        ([], 1.0),
        ([0, 0, 0, 0], 1.0),
        ([0, 2, 4, 10], 5.5),
        ([3], 3.0),
    ],
)
def test_breaching_threshold(vencidos: list[int], threshold: float) -> None:
    assert breaching_threshold(pl.Series(vencidos, dtype=pl.Int64)) == threshold


def test_stale_and_breaching_needs_both_a_stale_directory_and_high_breaches() -> None:
    entities = pl.DataFrame(
        {
            "entidad_id": ["A", "B", "C", "D", "E"],
            "entidad": ["a", "b", "c", "d", "e"],
            "sector": ["otro"] * 5,
            "estado_general": ["vencido", "sin_registro", "al_dia", "vencido", "vencido"],
            "estado_directorio": ["vencido", "sin_registro", "al_dia", "vencido", "por_vencer"],
            "estado_sla": ["al_dia"] * 5,
            "estado_base_conocimiento": ["al_dia"] * 5,
        },
        schema=ENTITY_FRESHNESS_SCHEMA,
    )
    # Linear p75 of [1, 6, 30, 40, 50] is 40: A is stale but not high, C high but fresh, E neither.
    figures = pl.DataFrame(
        {
            "entidad_id": ["A", "B", "C", "D", "E"],
            "vencidos_fin_mes": [6, 40, 50, 1, 30],
            "indice_cumplimiento": [80.0, 12.5, 50.0, None, 70.0],
        },
        schema={
            "entidad_id": pl.String,
            "vencidos_fin_mes": pl.Int64,
            "indice_cumplimiento": pl.Float64,
        },
    )
    expected = pl.DataFrame(
        {
            "entidad_id": ["B"],
            "entidad": ["b"],
            "estado_directorio": ["sin_registro"],
            "vencidos_fin_mes": [40],
            "indice_cumplimiento": [12.5],
        },
        schema=STALE_SCHEMA,
    )
    assert_frame_equal(stale_and_breaching(entities, figures), expected)


def test_entity_without_activity_counts_as_zero_vencidos() -> None:
    entities = pl.DataFrame(
        {
            "entidad_id": ["A", "B"],
            "entidad": ["a", "b"],
            "sector": ["otro"] * 2,
            "estado_general": ["sin_registro"] * 2,
            "estado_directorio": ["sin_registro"] * 2,
            "estado_sla": ["sin_registro"] * 2,
            "estado_base_conocimiento": ["sin_registro"] * 2,
        },
        schema=ENTITY_FRESHNESS_SCHEMA,
    )
    figures = pl.DataFrame(
        {"entidad_id": ["A"], "vencidos_fin_mes": [2], "indice_cumplimiento": [50.0]}
    )
    result = stale_and_breaching(entities, figures)
    assert result["entidad_id"].to_list() == ["A"]
