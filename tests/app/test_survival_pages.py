"""Kaplan–Meier figures on the Entidad and Ranking pages (demo data, datos al 15/11/2026): the
shown values are those of `cac311.analytics.survival`, in both day modes."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from cac311.analytics import survival
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.filters import NO_FILTERS, CaseFilters
from cac311.ui.charts.survival import TITLE
from cac311.ui.format import fmt_pct
from cac311.ui.views.survival import MEDIAN_TEXT, median_text, ranking_columns
from metrics import survival as km
from tests import analytics_calls as calls
from tests.app.conftest import DEMO_TODAY, PageRunner

ENTIDAD = "pages/2_Entidad.py"
RANKING = "pages/1_Ranking.py"
MONTH = "2026-10"  # the pages' default month
OTHER = "MOP"  # many open cases in the demo


def expected_summary(url: str, mode: str, filters: CaseFilters = NO_FILTERS) -> pl.DataFrame:
    engine = make_engine(url)
    try:
        return survival.survival_by_entity(
            engine,
            Settings(),
            period=calls.period(MONTH, mode),
            datos_al=DEMO_TODAY,
            filters=filters,
        )
    finally:
        engine.dispose()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
def test_entidad_shows_the_curve_median_and_share(
    open_page: PageRunner, demo_sqlite_url: str, mode: str
) -> None:
    at = open_page(ENTIDAD, role="admin", params={"e": OTHER, "dias": mode})
    assert not at.exception and not at.error
    summary = expected_summary(demo_sqlite_url, mode).filter(pl.col("entidad_id") == OTHER)
    row = summary.row(0, named=True)
    assert row["km_abiertos"] > 0, "demo premise: the cohort has open (censored) cases"
    assert row["km_mediana_estado"] == km.ESTIMATED
    shown = metrics(at)
    assert shown["Mediana estimada (incluye abiertos)"] == median_text(
        row["km_mediana_estado"], row["km_mediana_dias"], row["km_max_dias"], row["km_casos"]
    )
    assert shown["Cerrados en 30 días (estimado, incluye abiertos)"] == fmt_pct(
        row["km_pct_cerrados_en_plazo"]
    )
    assert any("Tiempo hasta el cierre (incluye abiertos)" in m.value for m in at.markdown)
    caption = next(c.value for c in at.caption if c.value.startswith("Cohorte:"))
    assert f"{row['km_casos']:,} casos recibidos de agosto a octubre de 2026" in caption
    assert f"{row['km_abiertos']:,} abiertos al {date(2026, 11, 15):%d/%m/%Y}" in caption
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    assert titles.count(TITLE) == 1


def test_ranking_table_and_export_carry_the_km_columns(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(RANKING, role="director")
    assert not at.exception
    ranked: pd.DataFrame = next(df.value for df in at.dataframe if "posicion" in df.value.columns)
    expected = ranking_columns(expected_summary(demo_sqlite_url, "calendario"))
    by_entity = {r[0]: r[1:] for r in expected.rows()}
    assert by_entity, "the demo has cohorts"
    for entity, text, share in zip(
        ranked["entidad_id"],
        ranked[MEDIAN_TEXT],
        ranked["km_pct_cerrados_en_plazo"],
        strict=True,
    ):
        want_text, want_share = by_entity.get(entity, ("—", None))
        assert text == want_text
        assert (pd.isna(share) and want_share is None) or share == pytest.approx(want_share)
    assert any("agosto a octubre de 2026" in c.value for c in at.caption)
    assert "Descargar ranking (CSV)" in [b.proto.label for b in at.get("download_button")]


def test_ranking_shows_not_reached_and_insufficient_where_they_apply(
    open_page: PageRunner, demo_sqlite_url: str
) -> None:
    at = open_page(RANKING, role="admin")
    texts = set()
    for df in at.dataframe:
        if MEDIAN_TEXT in df.value.columns:
            texts |= set(df.value[MEDIAN_TEXT])
    states = set(expected_summary(demo_sqlite_url, "calendario")["km_mediana_estado"])
    if km.INSUFFICIENT in states:
        assert any(t.startswith("insuficiente (n = ") for t in texts)
    if km.NOT_REACHED in states:
        assert any(t.startswith("no alcanzada (> ") for t in texts)
    assert any(t.endswith(" días") and t[0].isdigit() for t in texts)
