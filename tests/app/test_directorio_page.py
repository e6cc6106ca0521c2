"""Directorio y comunicados page (AppTest on the demo data): freshness counts and table, stale
and breaching entities, press-release anticipation — each equal to `cac311.analytics`."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.filters import CaseFilters
from cac311.ui.format import FRESHNESS_LABELS
from tests import analytics_calls as calls
from tests.app.conftest import DEMO_TODAY, PageRunner

PAGE = "pages/4_Directorio_y_comunicados.py"
MONTH = "2026-10"
DATOS_AL = DEMO_TODAY
STATE_METRICS = {state: f"Entidades: {text.lower()}" for state, text in FRESHNESS_LABELS.items()}


@pytest.fixture(scope="module")
def engine(demo_sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(demo_sqlite_url)
    yield engine
    engine.dispose()


def frame_with(at: AppTest, column: str) -> pl.DataFrame:
    """The one dataframe on the page that has `column`."""
    found = [pl.from_pandas(d.value) for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"expected one table with {column!r}, found {len(found)}"
    return found[0]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def clean(values: list[Any]) -> list[Any]:
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values]


def state_counts(entities: pl.DataFrame) -> dict[str, int]:
    counts = dict(entities["estado_general"].value_counts().iter_rows())
    return {state: int(counts.get(state, 0)) for state in FRESHNESS_LABELS}


@pytest.mark.parametrize("role", ["admin", "director", "enlace"])
def test_renders_for_every_role(open_page: PageRunner, role: str) -> None:
    at = open_page(PAGE, role=role, params={"mes": MONTH})
    assert not at.exception
    assert not at.error
    assert at.title[0].value == "Directorio y comunicados"
    assert sum(c.value.startswith("Datos al 15/11/2026") for c in at.caption) >= 3
    assert len(at.get("plotly_chart")) == 2  # freshness map, releases


def test_enlace_sees_the_state_of_their_entity(open_page: PageRunner, engine: Engine) -> None:
    at = open_page(PAGE, role="enlace", entity="MINSA", params={"mes": MONTH})
    assert not at.exception
    expected = calls.entity_freshness(engine, Settings(), DATOS_AL)
    state = expected.filter(pl.col("entidad_id") == "MINSA")["estado_general"][0]
    assert any(
        i.value == f"Su entidad (MINSA): estado general «{FRESHNESS_LABELS[state]}»."
        for i in at.info
    )


def test_freshness_counts_and_table_equal_entity_freshness(
    open_page: PageRunner, engine: Engine
) -> None:
    at = open_page(PAGE, params={"mes": MONTH})
    assert not at.exception
    expected = calls.entity_freshness(engine, Settings(), DATOS_AL)
    shown = metrics(at)
    for state, count in state_counts(expected).items():
        assert shown[STATE_METRICS[state]] == f"{count:,}"
    table = frame_with(at, "estado_general")
    assert table.height == expected.height
    labels = {code: text for code, text in FRESHNESS_LABELS.items()}
    joined = table.join(expected, on="entidad_id", suffix="_esperado")
    assert joined.height == expected.height
    for item in ("general", "directorio", "sla", "base_conocimiento"):
        assert joined[f"estado_{item}"].to_list() == [
            labels[s] for s in joined[f"estado_{item}_esperado"].to_list()
        ]
    items = calls.directory_freshness(engine, Settings(), DATOS_AL)
    ages = items.filter(pl.col("item") == "directorio").select("entidad_id", "edad_dias")
    both = table.join(ages, on="entidad_id")
    assert clean(both["edad_directorio"].to_list()) == clean(both["edad_dias"].to_list())
    # Worst first: every "Sin registro" row comes before any "Al día" row.
    order = table["estado_general"].to_list()
    assert order.index(FRESHNESS_LABELS["al_dia"]) > max(
        i for i, s in enumerate(order) if s == FRESHNESS_LABELS["sin_registro"]
    )


def test_sector_filter_applies_to_the_freshness_counts(
    open_page: PageRunner, engine: Engine
) -> None:
    at = open_page(PAGE, params={"mes": MONTH, "sector": "ministerio"})
    assert not at.exception
    expected = calls.entity_freshness(engine, Settings(), DATOS_AL).filter(
        pl.col("sector") == "ministerio"
    )
    assert expected.height > 0
    shown = metrics(at)
    for state, count in state_counts(expected).items():
        assert shown[STATE_METRICS[state]] == f"{count:,}"
    assert set(frame_with(at, "estado_general")["entidad_id"]) == set(expected["entidad_id"])


def test_state_filter_from_the_url(open_page: PageRunner, engine: Engine) -> None:
    at = open_page(PAGE, params={"mes": MONTH, "estado": ["vencido", "sin_registro"]})
    assert not at.exception
    expected = calls.entity_freshness(engine, Settings(), DATOS_AL).filter(
        pl.col("estado_general").is_in(["vencido", "sin_registro"])
    )
    table = frame_with(at, "estado_general")
    assert set(table["entidad_id"]) == set(expected["entidad_id"])
    # The counts stay those of every entity.
    assert metrics(at)[STATE_METRICS["al_dia"]] != "0"


def test_an_invalid_state_in_the_url_gives_a_notice(open_page: PageRunner) -> None:
    at = open_page(PAGE, params={"mes": MONTH, "estado": "caducado"})
    assert not at.exception
    assert any("«caducado»" in w.value for w in at.warning)
    assert frame_with(at, "estado_general").height > 0


def test_stale_and_breaching_table_equals_analytics(open_page: PageRunner, engine: Engine) -> None:
    at = open_page(PAGE, params={"mes": MONTH})
    assert not at.exception
    expected = calls.stale_and_breaching(engine, Settings(), MONTH, "calendario", DATOS_AL)
    assert expected.height > 0
    shown = frame_with(at, "vencidos_fin_mes")
    assert shown["entidad_id"].to_list() == expected["entidad_id"].to_list()
    assert shown["vencidos_fin_mes"].to_list() == expected["vencidos_fin_mes"].to_list()
    assert (
        clean(shown["indice_cumplimiento"].to_list()) == expected["indice_cumplimiento"].to_list()
    )
    population = (
        calls.breakdown(engine, Settings(), MONTH, "calendario", "entity_id")
        .rename({"grupo": "entidad_id"})
        .join(
            calls.entity_freshness(engine, Settings(), DATOS_AL).select("entidad_id"),
            on="entidad_id",
            how="right",
        )["vencidos_fin_mes"]
        .fill_null(0)
    )
    threshold = max(1.0, float(population.cast(pl.Float64).quantile(0.75, "linear") or 0))
    text = f"{threshold:,.0f}" if threshold.is_integer() else f"{threshold:,.1f}"
    assert any(f"al menos {text} casos vencidos" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("params", "filters"),
    [
        ({}, CaseFilters()),
        ({"sector": "ministerio"}, CaseFilters(sectors=("ministerio",))),
    ],
)
def test_press_release_table_equals_analytics(
    open_page: PageRunner,
    engine: Engine,
    params: dict[str, str],
    filters: CaseFilters,
) -> None:
    at = open_page(PAGE, params={"mes": MONTH, **params})
    assert not at.exception
    expected = calls.press_releases(engine, MONTH, filters)
    entities = expected.filter(pl.col("entidad_id") != "TOTAL")
    shown = frame_with(at, "comunicados")
    assert shown.height == entities.height
    joined = shown.join(entities, on="entidad_id", suffix="_esperado")
    assert joined.height == entities.height
    for column in ("comunicados", "con_anticipacion", "pct_con_anticipacion"):
        assert joined[column].to_list() == joined[f"{column}_esperado"].to_list()
    assert clean(joined["mediana_anticipacion_horas"].to_list()) == clean(
        joined["mediana_anticipacion_horas_esperado"].to_list()
    )
    assert (shown["sin_anticipacion"] == shown["comunicados"] - shown["con_anticipacion"]).all()
    total = expected.filter(pl.col("entidad_id") == "TOTAL").row(0, named=True)
    scope = "nacional" if not params else "con los filtros"
    shown_metrics = metrics(at)
    assert shown_metrics[f"Comunicados ({scope})"] == f"{total['comunicados']:,}"
    assert shown_metrics[f"% con anticipación ({scope})"] == (
        f"{total['pct_con_anticipacion']:.1f} %"
    )
    late = entities.filter(pl.col("con_anticipacion") < pl.col("comunicados"))
    if late.height:
        warning = next(w.value for w in at.warning if "sin anticipación" in w.value)
        for entity in late["entidad_id"].to_list():
            assert entity in warning


def test_no_releases_for_the_chosen_entity_is_said_plainly(
    open_page: PageRunner, engine: Engine
) -> None:
    with_releases = set(calls.press_releases(engine, MONTH)["entidad_id"])
    active = calls.entity_freshness(engine, Settings(), DATOS_AL)["entidad_id"].to_list()
    quiet = next(e for e in active if e not in with_releases)
    at = open_page(PAGE, params={"mes": MONTH, "entidad": quiet})
    assert not at.exception
    assert any("No se recibieron comunicados" in i.value for i in at.info)
    assert metrics(at)["Comunicados (con los filtros)"] == "0"
    assert not [d for d in at.dataframe if "comunicados" in d.value.columns]


def test_freshness_uses_datos_al_not_the_month(open_page: PageRunner) -> None:
    at = open_page(PAGE, params={"mes": "2025-03"})
    assert not at.exception
    assert any("Estado a la fecha de corte (15/11/2026)" in c.value for c in at.caption)
    assert frame_with(at, "estado_general").height > 0
