"""Frame shaping of the Tendencias page: month window, top groups by volume, plotted values."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from cac311.ui.views.trends import (
    RATE_KPIS,
    SPLITS,
    TREND_KPIS,
    group_order,
    has_partial_month,
    months_to_show,
    plotted_values,
    top_groups,
)
from metrics.publication import TREND_COLUMNS

MONTHS = ["2026-08", "2026-09", "2026-10"]


def trend(volumes: dict[str, list[int]], partial_last: bool = False) -> pl.DataFrame:
    """A monthly_trend-shaped frame: one row per group × month, `recibidos` as given."""
    rows = []
    for group, received in volumes.items():
        for index, (month, count) in enumerate(zip(MONTHS, received, strict=True)):
            rows.append(
                {
                    "periodo": month,
                    "grupo": group,
                    "recibidos": count,
                    "cerrados": count // 2,
                    "cerrados_en_plazo": count // 3,
                    "abiertos_fin_mes": count,
                    "vencidos_fin_mes": count // 4,
                    "pct_cerrados_en_plazo": float(count % 100),
                    "indice_cumplimiento": float(count % 90),
                    "mediana_dias": 5.0,
                    "p90_dias": 31.5,
                    "cohorte_en_plazo_pct": None if count == 0 else 80.0,
                    "cohorte_madura": "no" if index == len(MONTHS) - 1 else "si",
                    "parcial": partial_last and index == len(MONTHS) - 1,
                }
            )
    return pl.DataFrame(rows).select(TREND_COLUMNS)


def test_months_to_show_trims_the_window_to_the_first_month_with_data() -> None:
    available = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert months_to_show(available, "2026-10", 13) == 5
    assert months_to_show(available, "2026-08", 13) == 3
    assert months_to_show(available, "2026-10", 2) == 2
    assert months_to_show(available, "2026-06", 37) == 1


def test_months_to_show_keeps_the_window_for_an_unknown_month_and_rejects_zero() -> None:
    assert months_to_show(["2026-10"], "2027-01", 13) == 13
    with pytest.raises(ValueError, match="at least 1"):
        months_to_show(["2026-10"], "2026-10", 0)


def test_group_order_is_by_total_received_then_code() -> None:
    frame = trend({"b": [1, 1, 1], "a": [2, 0, 1], "c": [10, 0, 0]})
    assert group_order(frame) == ["c", "a", "b"]
    assert group_order(frame.head(0)) == []


def test_top_groups_keeps_the_largest_and_says_how_many_there_were() -> None:
    volumes = {f"g{i:02d}": [i, i, i] for i in range(12)}
    result = top_groups(trend(volumes), limit=10)
    assert result.total_groups == 12
    assert result.truncated
    assert result.groups == tuple(f"g{i:02d}" for i in range(11, 1, -1))
    assert result.frame["grupo"].unique(maintain_order=True).to_list() == list(result.groups)
    assert result.frame.height == 10 * len(MONTHS)
    # Rows of a kept group are the untouched input rows.
    kept = result.frame.filter(pl.col("grupo") == "g05")
    assert_frame_equal(kept, trend(volumes).filter(pl.col("grupo") == "g05"))


def test_top_groups_with_few_groups_is_not_truncated() -> None:
    result = top_groups(trend({"a": [1, 2, 3], "b": [0, 0, 1]}))
    assert not result.truncated
    assert result.groups == ("a", "b")
    with pytest.raises(ValueError, match="limit"):
        top_groups(trend({"a": [1, 2, 3]}), limit=0)


def test_plotted_values_lists_each_plotted_point_with_its_label() -> None:
    frame = top_groups(trend({"queja": [5, 6, 7], "consulta": [9, 9, 9]})).frame
    values = plotted_values(frame, "indice_cumplimiento", {"queja": "Queja"})
    assert values.columns == [
        "periodo",
        "grupo",
        "nombre",
        "indice_cumplimiento",
        "recibidos",
        "parcial",
        "cohorte_madura",
    ]
    assert values["grupo"].to_list() == ["consulta"] * 3 + ["queja"] * 3
    assert values["nombre"].to_list() == ["consulta"] * 3 + ["Queja"] * 3
    assert values["indice_cumplimiento"].to_list() == frame["indice_cumplimiento"].to_list()


def test_plotted_values_appends_the_total_line_and_does_not_repeat_recibidos() -> None:
    frame = trend({"a": [1, 2, 3]})
    total = trend({"Total": [4, 5, 6]}, partial_last=True)
    values = plotted_values(frame, "recibidos", {}, total=total, total_label="Total nacional")
    assert values.columns == [
        "periodo",
        "grupo",
        "nombre",
        "recibidos",
        "parcial",
        "cohorte_madura",
    ]
    assert values["nombre"].to_list()[-3:] == ["Total nacional"] * 3
    assert values["recibidos"].to_list() == [1, 2, 3, 4, 5, 6]
    assert values["parcial"].to_list() == [False, False, False, False, False, True]


def test_plotted_values_rejects_an_unknown_kpi_and_handles_an_empty_frame() -> None:
    with pytest.raises(ValueError, match="KPI"):
        plotted_values(trend({"a": [1, 2, 3]}), "score", {})
    assert plotted_values(trend({"a": [1, 2, 3]}).head(0), "cerrados", {}).height == 0


def test_partial_month_and_option_tables() -> None:
    assert has_partial_month(trend({"a": [1, 2, 3]}, partial_last=True))
    assert not has_partial_month(trend({"a": [1, 2, 3]}))
    assert not has_partial_month(trend({"a": [1, 2, 3]}).head(0))
    assert set(RATE_KPIS) < set(TREND_KPIS)
    assert set(SPLITS.values()) == {None, "case_type", "channel", "province", "sector", "entity_id"}
