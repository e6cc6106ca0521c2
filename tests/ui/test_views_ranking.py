"""View-models of the Ranking and Entidad pages (cac311.ui.views.ranking / .entity)."""

from __future__ import annotations

import polars as pl
import pytest

from cac311.ui.views.entity import (
    activity_span,
    default_entity,
    entity_options,
    filter_case_list,
    kpi_value,
    most_overdue_entity,
    sla_figures,
    trim_before,
)
from cac311.ui.views.labels import relabel
from cac311.ui.views.ranking import (
    NEW,
    OWN_MARK,
    RANKED_VIEW_COLUMNS,
    RANKING_EXPORT_COLUMNS,
    UNRANKED_VIEW_COLUMNS,
    change_sentence,
    change_text,
    funnel_n_max,
    national_rate,
    position_summary,
    ranked_view,
    ranking_export,
    sector_peers,
    sectors_present,
    unranked_view,
)
from metrics.period import Month, Period
from metrics.publication import RANKING_COLUMNS


def ranking_frame() -> pl.DataFrame:
    """A ranking frame as `cac311.analytics.ranking` returns it: ranked first, then unranked."""
    rows = [
        # entidad_id, sector, posicion, anterior, cambio, indice, score, n, s, cerrados, vencidos
        ("B", "ministerio", 1, 3, 2, 95.0, 0.80, 40, 38, 40, 0),
        ("A", "municipio", 2, 2, 0, 90.0, 0.75, 30, 27, 28, 2),
        ("C", "ministerio", 3, 1, -2, 70.0, 0.55, 50, 35, 45, 5),
        ("D", "municipio", 4, None, None, 60.0, 0.40, 25, 15, 20, 5),
        ("E", "ministerio", None, None, None, 100.0, 0.57, 5, 5, 5, 0),
        ("F", None, None, 2, None, 50.0, 0.20, 12, 6, 8, 4),
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "entidad_id": pl.String,
            "sector": pl.String,
            "posicion": pl.Int64,
            "posicion_anterior": pl.Int64,
            "cambio_posicion": pl.Int64,
            "indice_cumplimiento": pl.Float64,
            "score": pl.Float64,
            "n": pl.Int64,
            "cerrados_en_plazo": pl.Int64,
            "cerrados": pl.Int64,
            "vencidos_fin_mes": pl.Int64,
        },
        orient="row",
    )
    return frame.with_columns(
        pl.concat_str(pl.lit("Entidad "), pl.col("entidad_id")).alias("entidad"),
        pl.lit(5.0).alias("mediana_dias"),
        pl.lit(20.0).alias("p90_dias"),
        pl.col("posicion").is_not_null().alias("clasificada"),
    ).select(RANKING_COLUMNS)


@pytest.mark.parametrize(
    ("posicion", "anterior", "cambio", "expected"),
    [
        (1, 3, 2, "▲2"),
        (3, 1, -2, "▼2"),
        (2, 2, 0, "="),
        (4, None, None, NEW),
        (None, 2, None, None),
        (None, None, None, None),
    ],
)
def test_change_text(
    posicion: int | None, anterior: int | None, cambio: int | None, expected: str | None
) -> None:
    assert change_text(posicion, anterior, cambio) == expected


def test_change_sentence_in_words() -> None:
    assert change_sentence("▲1") == "subió 1 lugar respecto al mes anterior"
    assert change_sentence("▼3") == "bajó 3 lugares respecto al mes anterior"
    assert change_sentence("=") == "misma posición que el mes anterior"
    assert change_sentence(NEW) == "no clasificó el mes anterior"
    assert change_sentence(None) == ""


def test_ranked_view_keeps_only_ranked_rows_by_position_with_arrows() -> None:
    view = ranked_view(ranking_frame(), own_entity="A")
    assert view.columns == list(RANKED_VIEW_COLUMNS)
    assert view["entidad_id"].to_list() == ["B", "A", "C", "D"]
    assert view["posicion"].to_list() == [1, 2, 3, 4]
    assert view["cambio"].to_list() == ["▲2", "=", "▼2", NEW]
    assert view["su_entidad"].to_list() == ["", OWN_MARK, "", ""]


def test_ranked_view_without_own_entity_marks_nothing() -> None:
    assert set(ranked_view(ranking_frame())["su_entidad"].to_list()) == {""}


def test_unranked_view_lists_small_entities_separately_largest_n_first() -> None:
    view = unranked_view(ranking_frame(), own_entity="E")
    assert view.columns == list(UNRANKED_VIEW_COLUMNS)
    assert view["entidad_id"].to_list() == ["F", "E"]
    assert view["su_entidad"].to_list() == ["", OWN_MARK]
    # no entity is lost between the two views
    both = set(ranked_view(ranking_frame())["entidad_id"]) | set(view["entidad_id"])
    assert both == set(ranking_frame()["entidad_id"])


def test_sector_peers_keep_the_national_position() -> None:
    peers = sector_peers(ranking_frame(), "ministerio")
    assert peers["entidad_id"].to_list() == ["B", "C"]
    assert peers["posicion"].to_list() == [1, 3]


def test_sectors_present_by_best_position() -> None:
    assert sectors_present(ranking_frame()) == ["ministerio", "municipio"]
    assert sectors_present(ranking_frame().filter(pl.col("posicion").is_null())) == []


def test_ranking_export_columns_and_order() -> None:
    export = ranking_export(ranking_frame(), Period.parse("2026-10", "habiles"))
    assert export.columns == list(RANKING_EXPORT_COLUMNS)
    assert export["entidad_id"].to_list() == ["B", "A", "C", "D", "E", "F"]
    assert set(export["periodo"].to_list()) == {"2026-10"}
    assert set(export["modo_dias"].to_list()) == {"habiles"}


def test_position_summary_ranked_unranked_and_absent() -> None:
    frame = ranking_frame()
    ranked = position_summary(frame, "C")
    assert (ranked.posicion, ranked.clasificadas, ranked.cambio, ranked.n) == (3, 4, "▼2", 50)
    assert ranked.in_table
    small = position_summary(frame, "E")
    assert small.in_table and small.posicion is None and small.n == 5 and small.cambio is None
    absent = position_summary(frame, "ZZ")
    assert not absent.in_table and absent.posicion is None and absent.clasificadas == 4


def test_national_rate_over_the_entities_shown() -> None:
    frame = ranking_frame()
    expected = 100 * (38 + 27 + 35 + 15 + 5 + 6) / (40 + 30 + 50 + 25 + 5 + 12)
    assert national_rate(frame) == pytest.approx(expected)
    assert national_rate(frame.clear()) is None


def test_funnel_n_max() -> None:
    assert funnel_n_max(ranking_frame(), 20) == 55
    assert funnel_n_max(ranking_frame(), 100) == 100
    assert funnel_n_max(ranking_frame().clear(), 0) == 1


def test_most_overdue_entity_ignores_total_and_breaks_ties_by_code() -> None:
    table = pl.DataFrame(
        {
            "entidad_id": ["X", "W", "Y", "TOTAL"],
            "vencidos_fin_mes": [7, 7, 3, 17],
        }
    )
    assert most_overdue_entity(table) == "W"
    assert most_overdue_entity(table.with_columns(pl.lit(0).alias("vencidos_fin_mes"))) is None


def test_default_entity_precedence() -> None:
    options = ["A", "B", "C"]
    assert default_entity(options, "B", ("C",), "A") == "B"
    assert default_entity(options, None, ("C", "A"), "A") == "C"
    assert default_entity(options, None, (), "A") == "A"
    assert default_entity(options, "ZZ", ("QQ",), None) == "A"
    with pytest.raises(ValueError, match="no entity"):
        default_entity([], None, (), None)


def test_entity_options_follow_the_sector_filter_and_keep_the_own_entity() -> None:
    entities = [("A", "a", "ministerio"), ("B", "b", "municipio"), ("C", "c", "ministerio")]
    assert entity_options(entities, (), None) == ["A", "B", "C"]
    assert entity_options(entities, ("ministerio",), None) == ["A", "C"]
    assert entity_options(entities, ("ministerio",), "B") == ["B", "A", "C"]
    assert entity_options(entities, ("ministerio",), "A") == ["A", "C"]
    assert entity_options(entities, ("otro",), None) == ["A", "B", "C"]


def test_activity_span_and_trim_before() -> None:
    trend = pl.DataFrame(
        {
            "periodo": ["2026-08", "2026-09", "2026-10"],
            "recibidos": [0, 2, 0],
            "cerrados": [0, 1, 0],
            "abiertos_fin_mes": [0, 1, 0],
        }
    )
    span = activity_span(trend, Month.parse("2026-10"))
    assert span.any_activity and not span.month_activity and span.first_month == "2026-09"
    assert activity_span(trend, Month.parse("2026-09")).month_activity
    idle = activity_span(trend.filter(pl.col("periodo") != "2026-09"), Month.parse("2026-10"))
    assert not idle.any_activity and idle.first_month is None
    assert trim_before(trend, Month.parse("2026-09"))["periodo"].to_list() == ["2026-09", "2026-10"]
    assert trim_before(trend, None).height == 3


def test_relabel_replaces_codes_keeps_unknown_and_names_missing() -> None:
    frame = pl.DataFrame({"tipo": ["queja", "otro", None], "n": [1, 2, 3]})
    shown = relabel(frame, {"tipo": {"queja": "Queja"}, "ausente": {"a": "b"}})
    assert shown["tipo"].to_list() == ["Queja", "otro", "(sin dato)"]
    assert shown["n"].to_list() == [1, 2, 3]


def test_kpi_value_and_sla_figures() -> None:
    deltas = pl.DataFrame({"kpi": ["cerrados", "mediana_dias"], "valor": [40.0, None]})
    assert kpi_value(deltas, "cerrados") == 40.0
    assert kpi_value(deltas, "mediana_dias") is None
    assert kpi_value(deltas, "recibidos") is None
    sla = pl.DataFrame(
        {
            "entidad_id": ["MOP"],
            "cerrados_con_sla": [40],
            "dentro_sla": [15],
            "pct_dentro_sla": [37.5],
        }
    )
    mop = sla_figures(sla, "MOP")
    assert (mop.cerrados_con_sla, mop.dentro_sla, mop.pct_dentro_sla) == (40, 15, 37.5)
    none = sla_figures(sla, "AIG")
    assert (none.cerrados_con_sla, none.dentro_sla, none.pct_dentro_sla) == (0, 0, None)


def test_filter_case_list_by_type_channel_province() -> None:
    cases = pl.DataFrame(
        {
            "case_id": ["1", "2", "3", "4"],
            "case_type": ["queja", "queja", "reclamo", None],
            "channel": ["web", "app", "web", "web"],
            "province": ["PA-8", "PA-8", "PA-8", "PA-4"],
        }
    )
    assert filter_case_list(cases)["case_id"].to_list() == ["1", "2", "3", "4"]
    assert filter_case_list(cases, ("queja",))["case_id"].to_list() == ["1", "2"]
    assert filter_case_list(cases, ("queja",), ("web",))["case_id"].to_list() == ["1"]
    assert filter_case_list(cases, (), (), ("PA-4",))["case_id"].to_list() == ["4"]
