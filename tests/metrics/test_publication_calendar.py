"""The publication calendar's due-date and status rules, against dates counted by hand.

Panama public holidays used below (holidays package, country PA): 2026-11-03 (Separación),
2026-11-05 (Colón), 2026-11-10 (Grito de Los Santos), 2027-01-01 (Año Nuevo); 2027-01-09 (Mártires)
falls on a Saturday and is not moved.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.daycount import WorkingCalendar
from metrics.period import Month
from metrics.publication_calendar import (
    CALENDAR_SCHEMA,
    due_date,
    on_time_share,
    publication_calendar,
    publication_status,
    status_text,
    working_days_late,
)

CALENDAR = WorkingCalendar()


@pytest.mark.parametrize(
    ("month", "working_days", "expected", "why"),
    [
        # E = Wed 30/09; October has no holiday: 1, 2, 5, 6, 7, 8, 9 → Fri 09/10.
        (202609, 7, date(2026, 10, 9), "plain weeks"),
        # E = Sat 31/10: Mon 2 (1), Tue 3 holiday, Wed 4 (2), Thu 5 holiday, Fri 6 (3), Mon 9 (4),
        # Tue 10 holiday, Wed 11 (5), Thu 12 (6), Fri 13 (7).
        (202610, 7, date(2026, 11, 13), "three November holidays"),
        # E = Thu 31/12: Fri 1 holiday; Mon 4 .. Fri 8 (1..5); Sat 9 is Mártires, a weekend
        # anyway; Mon 11 (6), Tue 12 (7).
        (202612, 7, date(2027, 1, 12), "New Year and a Saturday holiday"),
        (202610, 1, date(2026, 11, 2), "N = 1: the first working day after E"),
        # E = Sat 28/02/2026; March 2026 has no holiday: Mon 2 .. Fri 6 (1..5), Mon 9, Tue 10.
        (202602, 7, date(2026, 3, 10), "E on a Saturday"),
    ],
)
def test_due_date_by_hand(month: int, working_days: int, expected: date, why: str) -> None:
    assert due_date(Month(month), working_days, CALENDAR) == expected, why


def test_decreed_days_off_move_the_due_date() -> None:
    # Declaring Mon 02/11/2026 a day off pushes the 7th working day after 31/10 to Mon 16/11.
    decreed = WorkingCalendar([date(2026, 11, 2)])
    assert due_date(Month(202610), 7, decreed) == date(2026, 11, 16)


def test_due_date_needs_a_positive_count() -> None:
    with pytest.raises(ValueError):
        due_date(Month(202610), 0, CALENDAR)


@pytest.mark.parametrize(
    ("published_on", "expected"),
    [
        (date(2026, 11, 13), 0),  # on the due date (Friday)
        (date(2026, 11, 1), 0),  # early
        (date(2026, 11, 16), 1),  # the next Monday
        (date(2026, 11, 14), 1),  # Saturday: counts as Monday, never "0 days late"
        (date(2026, 11, 15), 1),  # Sunday: same
        (date(2026, 11, 20), 5),  # a week later
        (date(2026, 11, 28), 11),  # Saturday 28 (a holiday too) counts as Monday 30
    ],
)
def test_working_days_late(published_on: date, expected: int) -> None:
    assert working_days_late(date(2026, 11, 13), published_on, CALENDAR) == expected


@pytest.mark.parametrize(
    ("published_on", "as_of", "expected"),
    [
        (date(2026, 11, 13), date(2026, 12, 1), "a_tiempo"),
        (date(2026, 11, 14), date(2026, 12, 1), "tarde"),
        (None, date(2026, 11, 13), "pendiente"),  # the due date itself is still on time
        (None, date(2026, 11, 14), "vencida"),
        (date(2026, 11, 2), date(2026, 11, 3), "a_tiempo"),  # decided before the due date
    ],
)
def test_publication_status(published_on: date | None, as_of: date, expected: str) -> None:
    assert publication_status(date(2026, 11, 13), published_on, as_of) == expected


@pytest.mark.parametrize(
    ("status", "late", "text"),
    [
        ("a_tiempo", None, "a tiempo"),
        ("tarde", 1, "tarde 1 día hábil"),
        ("tarde", 4, "tarde 4 días hábiles"),
        ("pendiente", None, "pendiente"),
        ("vencida", None, "vencida"),
    ],
)
def test_status_text(status: str, late: int | None, text: str) -> None:
    assert status_text(status, late) == text


def test_calendar_frame_and_on_time_share() -> None:
    published = {
        "2026-08": date(2026, 9, 9),  # E = Mon 31/08; due: Sep 1,2,3,4,7,8,9 → Wed 09/09
        "2026-09": date(2026, 10, 13),  # due Fri 09/10 → Tue 13/10 is 2 working days late
    }
    got = publication_calendar(
        Month(202610), 4, published, as_of=date(2026, 11, 20), working_days=7, calendar=CALENDAR
    )
    expected = pl.DataFrame(
        [
            ("2026-10", date(2026, 11, 13), None, "vencida", None),
            ("2026-09", date(2026, 10, 9), date(2026, 10, 13), "tarde", 2),
            ("2026-08", date(2026, 9, 9), date(2026, 9, 9), "a_tiempo", None),
            # E = Fri 31/07; due Aug 3,4,5,6,7,10,11 → Tue 11/08; never published.
            ("2026-07", date(2026, 8, 11), None, "vencida", None),
        ],
        schema=CALENDAR_SCHEMA,
        orient="row",
    )
    assert_frame_equal(got, expected)
    assert on_time_share(got) == 25.0  # 1 a tiempo of 4 decided


def test_pending_months_are_left_out_of_the_share() -> None:
    got = publication_calendar(
        Month(202610), 2, {}, as_of=date(2026, 11, 5), working_days=7, calendar=CALENDAR
    )
    assert got["estado_publicacion"].to_list() == ["pendiente", "vencida"]
    assert on_time_share(got) == 0.0
    nothing_decided = publication_calendar(
        Month(202610), 1, {}, as_of=date(2026, 11, 5), working_days=7, calendar=CALENDAR
    )
    assert on_time_share(nothing_decided) is None


def test_on_time_share_rounds_half_away() -> None:
    frame = pl.DataFrame(
        {"estado_publicacion": ["a_tiempo", "a_tiempo", "tarde", "a_tiempo", "vencida", "a_tiempo"]}
        | {"periodo": [f"2026-0{i}" for i in range(1, 7)]}
    )
    assert on_time_share(frame) == 66.7  # 4/6
