"""Frame shaping of the Directorio y comunicados page (pure)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from cac311.ui.views.directory import (
    ENTITY_TABLE_SCHEMA,
    entity_state,
    entity_table,
    filter_entities,
    filter_states,
    freshness_counts,
    media_first,
    release_rows,
    release_total,
    stale_threshold,
)
from metrics.freshness import entity_freshness, item_freshness, stale_and_breaching

AS_OF = date(2026, 11, 15)
ENTITIES = pl.DataFrame(
    {
        "entidad_id": ["A", "B", "C", "D"],
        "entidad": ["Alfa", "Beta", "Gama", "Delta"],
        "sector": ["ministerio", "municipio", "ministerio", "otro"],
    }
)
REVIEWS = pl.DataFrame(
    [
        # A: every item fresh
        ("A", "directorio", date(2026, 11, 1)),
        ("A", "sla", date(2026, 10, 1)),
        ("A", "base_conocimiento", date(2026, 9, 1)),
        # B: directorio 100 days old (por vencer), others fresh
        ("B", "directorio", date(2026, 8, 7)),
        ("B", "sla", date(2026, 11, 1)),
        ("B", "base_conocimiento", date(2026, 11, 1)),
        # C: directorio 400 days old (vencido), sla missing (sin registro)
        ("C", "directorio", date(2025, 10, 11)),
        ("C", "base_conocimiento", date(2026, 11, 1)),
        # D: only a stale sla
        ("D", "sla", date(2025, 1, 1)),
        ("D", "directorio", date(2025, 5, 1)),
        ("D", "base_conocimiento", date(2025, 5, 1)),
    ],
    schema={"entidad_id": pl.String, "item": pl.String, "reviewed_on": pl.Date},
    orient="row",
)


@pytest.fixture
def items() -> pl.DataFrame:
    return item_freshness(ENTITIES, REVIEWS, AS_OF, 90, 180)


def test_filter_entities_by_entity_and_sector(items: pl.DataFrame) -> None:
    assert filter_entities(items).height == 12
    assert set(filter_entities(items, ["A", "D"])["entidad_id"]) == {"A", "D"}
    assert set(filter_entities(items, sectors=["ministerio"])["entidad_id"]) == {"A", "C"}
    assert filter_entities(items, ["A", "B"], ["ministerio"])["entidad_id"].unique().to_list() == [
        "A"
    ]


def test_filter_entities_without_a_sector_column_uses_the_entity_sectors() -> None:
    frame = pl.DataFrame({"entidad_id": ["A", "B", "C", "TOTAL"], "x": [1, 2, 3, 6]})
    assert filter_entities(frame, sectors=["municipio"], entity_sectors=ENTITIES)[
        "x"
    ].to_list() == [2]
    assert filter_entities(frame)["x"].to_list() == [1, 2, 3, 6]
    with pytest.raises(ValueError, match="sector"):
        filter_entities(frame, sectors=["municipio"])


def test_freshness_counts_has_every_state(items: pl.DataFrame) -> None:
    entities = entity_freshness(items)
    assert freshness_counts(entities) == {
        "al_dia": 1,
        "por_vencer": 1,
        "vencido": 1,
        "sin_registro": 1,
    }
    assert freshness_counts(entities.head(0)) == dict.fromkeys(
        ("al_dia", "por_vencer", "vencido", "sin_registro"), 0
    )
    with pytest.raises(ValueError, match="unknown"):
        freshness_counts(pl.DataFrame({"estado_general": ["roto"]}))


def test_entity_table_has_ages_and_states_worst_first(items: pl.DataFrame) -> None:
    table = entity_table(items, entity_freshness(items))
    assert dict(table.schema) == ENTITY_TABLE_SCHEMA
    assert table["entidad_id"].to_list() == ["C", "D", "B", "A"]
    row_c = table.row(0, named=True)
    assert row_c["estado_general"] == "sin_registro"
    assert row_c["edad_directorio"] == 400
    assert row_c["estado_directorio"] == "vencido"
    assert row_c["edad_sla"] is None
    assert row_c["estado_sla"] == "sin_registro"
    assert table.row(2, named=True)["edad_directorio"] == 100
    assert filter_states(table, ["al_dia", "por_vencer"])["entidad_id"].to_list() == ["B", "A"]
    assert filter_states(table, []).height == 4


def test_entity_state_of_one_entity(items: pl.DataFrame) -> None:
    entities = entity_freshness(items)
    assert entity_state(entities, "B") == "por_vencer"
    assert entity_state(entities, "C") == "sin_registro"
    assert entity_state(entities, "ZZZ") is None


def test_stale_threshold_matches_the_rule_of_stale_and_breaching(items: pl.DataFrame) -> None:
    entities = entity_freshness(items)
    breakdown = pl.DataFrame({"grupo": ["A", "C", "D"], "vencidos_fin_mes": [2, 8, 4]})
    # population A=2, B=0, C=8, D=4 → linear p75 of [0, 2, 4, 8] = 5.0
    assert stale_threshold(entities, breakdown) == 5.0
    stale = stale_and_breaching(
        entities,
        breakdown.rename({"grupo": "entidad_id"}).with_columns(
            pl.lit(50.0).alias("indice_cumplimiento")
        ),
    )
    assert stale["entidad_id"].to_list() == ["C"]
    assert stale_threshold(entities, breakdown.head(0)) == 1.0


SUMMARY = pl.DataFrame(
    {
        "entidad_id": ["A", "B", "C", "TOTAL"],
        "entidad": ["Alfa", "Beta", "Gama", "Total nacional"],
        "comunicados": [3, 2, 4, 9],
        "con_anticipacion": [3, 1, 2, 6],
        "pct_con_anticipacion": [100.0, 50.0, 50.0, 66.7],
        "mediana_anticipacion_horas": [10.0, -1.5, 0.5, 3.0],
    }
)


def test_release_rows_add_the_releases_without_anticipation_worst_first() -> None:
    rows = release_rows(SUMMARY)
    assert rows["entidad_id"].to_list() == ["C", "B", "A"]
    assert rows["sin_anticipacion"].to_list() == [2, 1, 0]
    assert media_first(rows)["entidad_id"].to_list() == ["C", "B"]


def test_release_total_is_the_national_row() -> None:
    assert release_total(SUMMARY) == {
        "comunicados": 9,
        "con_anticipacion": 6,
        "pct_con_anticipacion": 66.7,
        "mediana_anticipacion_horas": 3.0,
    }
    empty = release_total(SUMMARY.head(0))
    assert empty["comunicados"] == 0
    assert empty["pct_con_anticipacion"] is None
