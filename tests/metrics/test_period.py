"""The typed period: a month and a day-count mode, parsed once where text enters the product."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.period import DayMode, Month, Period


@pytest.mark.parametrize("text", ["2026-13", "octubre", "2026-1", "26-10", "", "2026-10-01"])
def test_a_malformed_month_is_refused_in_spanish(text: str) -> None:
    with pytest.raises(ValueError, match="Mes inválido"):
        Month.parse(text)


def test_month_bounds_order_and_text() -> None:
    february = Month.parse(" 2028-02 ")
    assert (february.first_day, february.last_day) == (date(2028, 2, 1), date(2028, 2, 29))
    assert str(february) == "2028-02" and february.yyyymm == 202802
    assert february.shift(-2) == Month.parse("2027-12") < february < february.shift(11)
    assert [str(m) for m in Month.parse("2026-11").through(Month.parse("2027-01"))] == [
        "2026-11",
        "2026-12",
        "2027-01",
    ]
    assert Month.parse("2026-11").through(Month.parse("2026-10")) == []
    assert Month.of(date(2026, 10, 31)) == Month.parse("2026-10")


def test_a_month_is_complete_when_its_last_day_is_on_or_before_datos_al() -> None:
    october = Month.parse("2026-10")
    assert october.is_complete(date(2026, 10, 31))
    assert not october.is_complete(date(2026, 10, 30))
    assert not october.is_complete(None)


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("calendario", DayMode.CALENDARIO),
        ("habiles", DayMode.HABILES),
        ("Hábiles", DayMode.HABILES),
        (" HABILES ", DayMode.HABILES),
        ("calendar", DayMode.CALENDARIO),
    ],
)
def test_day_modes_and_their_spellings(text: str, mode: DayMode) -> None:
    assert DayMode.parse(text) is mode


@pytest.mark.parametrize("text", ["laborables", "", "dias"])
def test_an_unknown_mode_is_refused_never_guessed(text: str) -> None:
    with pytest.raises(ValueError, match="Modo de días inválido"):
        DayMode.parse(text)


def test_a_period_is_hashable_and_shifts_its_month_only() -> None:
    period = Period.parse("2026-01", "habiles")
    assert period.shift(-1) == Period(Month.parse("2025-12"), DayMode.HABILES)
    assert len({period, Period.parse("2026-01", "hábiles")}) == 1
    assert f"{period.mode}" == "habiles"
