from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.monthly import FIGURE_SCHEMA, cohort_is_mature, collapse_groups, monthly_figures

OCT = 202610


def received(rows: list[tuple[str, int, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "grupo": pl.String,
            "mes": pl.Int64,
            "recibidos": pl.Int64,
            "cohorte_en_plazo": pl.Int64,
        },
        orient="row",
    )


def histogram(rows: list[tuple[str, int, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"grupo": pl.String, "mes": pl.Int64, "dias": pl.Int64, "casos": pl.Int64},
        orient="row",
    )


def open_ends(rows: list[tuple[str, int, int, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "grupo": pl.String,
            "mes": pl.Int64,
            "abiertos_fin_mes": pl.Int64,
            "vencidos_fin_mes": pl.Int64,
        },
        orient="row",
    )


def keys(*groups: str, mes: int = OCT) -> pl.DataFrame:
    return pl.DataFrame({"grupo": list(groups), "mes": [mes] * len(groups)})


def expected(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FIGURE_SCHEMA, orient="row")


def test_monthly_figures_by_hand() -> None:
    # A: 3 received (2 of them closed on time so far); closed in Oct: days 0, 0, 31, 40;
    # 5 open at E of which 1 overdue. B: nothing at all (an active entity without cases).
    got = monthly_figures(
        keys("A", "B"),
        received([("A", OCT, 3, 2)]),
        histogram([("A", OCT, 0, 2), ("A", OCT, 31, 1), ("A", OCT, 40, 1)]),
        open_ends([("A", OCT, 5, 1)]),
        legal_limit=30,
    )
    want = expected(
        [
            # grupo, mes, recibidos, cerrados, en_plazo, fuera, pct, abiertos, vencidos,
            # indice = 2/(4+1), mediana (0,0,31,40) = 15.5, p90: h=2.7 → 31+0.7·9 = 37.3,
            # cohorte_recibidos, cohorte_en_plazo, cohorte pct = 2/3
            ("A", OCT, 3, 4, 2, 2, 50.0, 5, 1, 40.0, 15.5, 37.3, 3, 2, 66.7),
            ("B", OCT, 0, 0, 0, 0, None, 0, 0, None, None, None, 0, 0, None),
        ]
    )
    assert_frame_equal(got, want)


def test_legal_limit_is_inclusive() -> None:
    got = monthly_figures(
        keys("A"),
        received([]),
        histogram([("A", OCT, 30, 1), ("A", OCT, 31, 1)]),
        open_ends([]),
        legal_limit=30,
    )
    assert got.select("cerrados_en_plazo", "cerrados_fuera_de_plazo").row(0) == (1, 1)


def test_index_counts_overdue_open_cases_as_failures() -> None:
    # Everything closed was on time, but 3 cases are overdue and still open: not 100 %.
    got = monthly_figures(
        keys("A"),
        received([]),
        histogram([("A", OCT, 5, 1)]),
        open_ends([("A", OCT, 3, 3)]),
        legal_limit=30,
    )
    assert got.select("pct_cerrados_en_plazo", "indice_cumplimiento").row(0) == (100.0, 25.0)


def test_index_with_only_overdue_cases_is_zero_not_empty() -> None:
    got = monthly_figures(
        keys("A"), received([]), histogram([]), open_ends([("A", OCT, 2, 2)]), legal_limit=30
    )
    assert got.select("pct_cerrados_en_plazo", "indice_cumplimiento").row(0) == (None, 0.0)


def test_national_row_is_computed_over_all_cases_not_from_entity_rows() -> None:
    # A closes 1 case in 0 days, B closes 3 in 10 days: the national median is 10, not the
    # mean of the medians (5), and the national índice is 4/5, not the mean of 100 % and 75 %.
    inputs = (
        received([("A", OCT, 1, 1), ("B", OCT, 3, 3)]),
        histogram([("A", OCT, 0, 1), ("B", OCT, 10, 3)]),
        open_ends([("B", OCT, 1, 1)]),
    )
    got = monthly_figures(keys("TOTAL"), *collapse_groups(*inputs, "TOTAL"), legal_limit=30)
    want = expected([("TOTAL", OCT, 4, 4, 4, 0, 100.0, 1, 1, 80.0, 10.0, 10.0, 4, 4, 100.0)])
    assert_frame_equal(got, want)


def test_months_without_activity_are_zero_rows() -> None:
    got = monthly_figures(
        keys("A", mes=202609).vstack(keys("A")),
        received([("A", OCT, 1, 0)]),
        histogram([]),
        open_ends([]),
        legal_limit=30,
    )
    assert got["mes"].to_list() == [202609, OCT]
    assert got["recibidos"].to_list() == [0, 1]
    assert got["cohorte_en_plazo_pct"].to_list() == [None, 0.0]


@pytest.mark.parametrize(
    ("end_ordinal", "datos_al_ordinal", "mature"),
    [(100, 130, True), (100, 129, False), (100, None, False), (100, 90, False)],
)
def test_cohort_is_mature(end_ordinal: int, datos_al_ordinal: int | None, mature: bool) -> None:
    assert cohort_is_mature(end_ordinal, datos_al_ordinal, 30) is mature
