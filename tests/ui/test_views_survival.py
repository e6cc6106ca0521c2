"""View-model of the Kaplan–Meier figures (cac311.ui.views.survival) and the ranking CSV's
left join of them."""

from __future__ import annotations

import polars as pl

from cac311.ui.views.ranking import RANKING_EXPORT_COLUMNS, ranking_export
from cac311.ui.views.survival import (
    MEDIAN_TEXT,
    entity_figures,
    median_text,
    ranking_columns,
    window_text,
    with_ranking_columns,
)
from metrics import survival as km
from metrics.period import Period
from tests.ui.test_views_ranking import ranking_frame


def summary_frame() -> pl.DataFrame:
    rows = [
        ("A", 40, 30, 10, 75, km.ESTIMATED, 12.5, 81.3),
        ("B", 25, 8, 17, 64, km.NOT_REACHED, None, 28.0),
        ("E", 5, 5, 0, 9, km.INSUFFICIENT, None, None),
        ("Z", 30, 30, 0, 20, km.ESTIMATED, 4.0, 100.0),  # not in the ranking frame
    ]
    return pl.DataFrame(rows, schema=km.SUMMARY_SCHEMA, orient="row")


def test_window_text_names_the_three_months() -> None:
    assert window_text(Period.parse("2026-10")) == "agosto a octubre de 2026"
    assert window_text(Period.parse("2026-02")) == "diciembre de 2025 a febrero de 2026"
    assert window_text(Period.parse("2026-02"), months=1) == "febrero de 2026"


def test_median_text_per_status() -> None:
    assert median_text(km.ESTIMATED, 12.5, 75, 40) == "12.5 días"
    assert median_text(km.NOT_REACHED, None, 64, 25) == "no alcanzada (> 64 días)"
    assert median_text(km.INSUFFICIENT, None, 9, 5) == "insuficiente (n = 5)"
    assert median_text(None, None, None, None) == "—"


def test_ranking_columns_join_on_entidad_id_keeping_the_order() -> None:
    shown = with_ranking_columns(ranking_frame(), summary_frame())
    assert shown["entidad_id"].to_list() == ranking_frame()["entidad_id"].to_list()
    texts = dict(zip(shown["entidad_id"], shown[MEDIAN_TEXT], strict=True))
    assert texts == {
        "B": "no alcanzada (> 64 días)",
        "A": "12.5 días",
        "C": "—",  # no case received in the window
        "D": "—",
        "E": "insuficiente (n = 5)",
        "F": "—",
    }
    shares = dict(zip(shown["entidad_id"], shown["km_pct_cerrados_en_plazo"], strict=True))
    assert (shares["A"], shares["B"], shares["C"], shares["E"]) == (81.3, 28.0, None, None)
    assert ranking_columns(summary_frame()).columns == [
        "entidad_id",
        MEDIAN_TEXT,
        "km_pct_cerrados_en_plazo",
    ]


def test_ranking_export_carries_the_km_columns() -> None:
    period = Period.parse("2026-10", "habiles")
    plain = ranking_export(ranking_frame(), period)
    export = ranking_export(ranking_frame(), period, summary_frame())
    km_columns = [c for c in km.SUMMARY_SCHEMA if c != "entidad_id"]
    assert export.columns == [*RANKING_EXPORT_COLUMNS, *km_columns]
    assert export.select(RANKING_EXPORT_COLUMNS).equals(plain)
    row_a = export.filter(pl.col("entidad_id") == "A").row(0, named=True)
    assert (row_a["km_mediana_dias"], row_a["km_mediana_estado"]) == (12.5, km.ESTIMATED)
    assert export.filter(pl.col("entidad_id") == "C")["km_casos"].to_list() == [None]
    assert "Z" not in export["entidad_id"].to_list()


def test_entity_figures_present_and_absent() -> None:
    figures = entity_figures(summary_frame(), "A")
    assert (figures.casos, figures.cerrados, figures.abiertos) == (40, 30, 10)
    assert (figures.mediana_texto, figures.mediana_dias, figures.pct_en_plazo) == (
        "12.5 días",
        12.5,
        81.3,
    )
    absent = entity_figures(summary_frame(), "C")
    assert (absent.casos, absent.mediana_texto, absent.pct_en_plazo) == (0, "—", None)
