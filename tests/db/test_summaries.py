"""The monthly summaries: which months a write touches, and that after any sequence of imports and
updates (real `import_bytes` files) the summaries equal the cases — row by row (`db check`) and
as the aggregates the figures are made of (summaries vs case-level queries), on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from cac311.analytics import monthly
from cac311.config import Settings
from cac311.db import summaries
from cac311.db.summaries import month_runs, summary_limit
from cac311.db.summary_changes import touched_months
from cac311.db.summary_check import check_summaries
from cac311.filters import CaseFilters
from cac311.ingest.importer import import_bytes
from metrics.period import DayMode, Month
from tests.conftest import empty_tables


def M(text: str) -> Month:  # noqa: N802 - reads like a literal
    return Month.parse(text)


def months(first: str, last: str) -> list[Month]:
    return M(first).through(M(last))


# --- which months a write touches (pure rule) ---------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "before", "after", "expected"),
    [
        # nothing changed, horizon still: nothing
        ([], "2026-04", "2026-04", []),
        # a case received and closed in February: February only
        ([(202602, 202602)], "2026-04", "2026-04", months("2026-02", "2026-02")),
        # open since January: every month end to the horizon
        ([(202601, None)], "2026-04", "2026-04", months("2026-01", "2026-04")),
        # closed in March after being open since January (old and new versions)
        ([(202601, None), (202601, 202603)], "2026-04", "2026-04", months("2026-01", "2026-04")),
        # moved from February to November of the year before: two separate runs
        ([(202602, 202602), (202511, 202511)], "2026-04", "2026-04", ["2025-11", "2026-02"]),
        # the horizon moves forward: every month after the old one, even with no changed case
        ([], "2026-04", "2026-06", months("2026-05", "2026-06")),
        # first write into an empty table: no old horizon, only the cases' own months
        ([(202603, 202603)], None, "2026-03", months("2026-03", "2026-03")),
        # the horizon moves back: nothing after the new one is recomputed (it is deleted)
        ([(202601, None)], "2026-06", "2026-03", months("2026-01", "2026-03")),
        # everything deleted / no case left
        ([(202601, None)], "2026-03", None, []),
    ],
)
def test_touched_months(
    pairs: list[tuple[int, int | None]],
    before: str | None,
    after: str | None,
    expected: list[Any],
) -> None:
    wanted = [m if isinstance(m, Month) else M(m) for m in expected]
    got = touched_months(pairs, M(before) if before else None, M(after) if after else None)
    assert got == wanted


def test_month_runs_group_consecutive_months() -> None:
    runs = month_runs([M("2026-03"), M("2025-12"), M("2026-01"), M("2026-05"), M("2026-01")])
    assert runs == [(M("2025-12"), M("2026-01")), (M("2026-03"), M("2026-03")), (M("2026-05"),) * 2]
    long = month_runs(months("2025-01", "2026-02"), longest=6)
    assert long == [
        (M("2025-01"), M("2025-06")),
        (M("2025-07"), M("2025-12")),
        (M("2026-01"), M("2026-02")),
    ]


# --- which months an import touches (through the real importer) ---------------------------------

ENTITIES = (
    "entity_id,name,sector\n"
    "AAA,Entidad A,ministerio\n"
    "BBB,Entidad B,municipio\n"
    "CCC,Entidad C,ministerio\n"
)
HEADER = "case_id,entity_id,case_type,created_at,closed_at,status,category,channel,province\n"


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    return (HEADER + "".join(",".join(r) + "\n" for r in rows)).encode()


def _import(engine: Engine, rows: list[tuple[str, ...]], config: Settings | None = None) -> None:
    import_bytes(engine, config or Settings(), "cases", _csv(rows), "casos.csv")


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[list[Month]]:
    """The months each refresh was asked to recompute (the refresh still runs)."""
    calls: list[list[Month]] = []
    real = summaries.refresh_summaries

    def spy(conn: sa.Connection, wanted: Any) -> None:
        wanted = list(wanted)
        calls.append(wanted)
        real(conn, wanted)

    monkeypatch.setattr(summaries, "refresh_summaries", spy)
    return calls


BASE_ROWS = [
    # open since January
    ("C1", "AAA", "queja", "2026-01-15 10:00", "", "", "agua", "web", "PA-8"),
    # received and closed in February
    ("C2", "BBB", "reclamo", "2026-02-03 10:00", "2026-02-20 10:00", "", "luz", "", ""),
    # the horizon: April
    ("C3", "AAA", "queja", "2026-04-10 10:00", "2026-04-11 10:00", "", "agua", "app", "PA-1"),
]


def _with(row_id: str, **changes: str) -> list[tuple[str, ...]]:
    columns = HEADER.strip().split(",")
    rows = []
    for row in BASE_ROWS:
        values = dict(zip(columns, row, strict=True))
        if values["case_id"] == row_id:
            values.update(changes)
        rows.append(tuple(values[c] for c in columns))
    return rows


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (BASE_ROWS, []),  # the same file again changes nothing
        (_with("C2", category="otra"), []),  # category is not in the summaries
        (_with("C1", closed_at="2026-03-02 10:00"), months("2026-01", "2026-04")),
        (_with("C2", entity_id="CCC"), months("2026-02", "2026-02")),
        (_with("C2", channel="web"), months("2026-02", "2026-02")),
        (_with("C2", status="anulado"), months("2026-02", "2026-02")),
        (_with("C2", created_at="2025-11-30 10:00"), months("2025-11", "2026-02")),
        (
            [*BASE_ROWS, ("C4", "BBB", "queja", "2026-06-01 10:00", "", "", "x", "web", "PA-8")],
            months("2026-05", "2026-06"),
        ),
    ],
    ids=[
        "same-file",
        "category-only",
        "open-case-closes",
        "entity-changes",
        "channel-changes",
        "annulled",
        "created-earlier",
        "horizon-moves",
    ],
)
def test_an_import_refreshes_exactly_the_months_it_touches(
    engine: Engine,
    recorded: list[list[Month]],
    rows: list[tuple[str, ...]],
    expected: list[Month],
) -> None:
    empty_tables(engine)
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    _import(engine, BASE_ROWS)
    assert recorded[-1] == months("2026-01", "2026-04")
    _import(engine, rows)
    assert recorded[-1] == expected
    assert check_summaries(engine).differences == []


# --- property: summaries == cases after random imports and updates -------------------------------

BASE = datetime(2025, 10, 20, 3, 0)
case_strategy = st.tuples(
    st.integers(0, 40),  # id from a small pool: later files update some earlier cases
    st.sampled_from(["AAA", "BBB", "CCC"]),
    st.sampled_from(["queja", "reclamo", "consulta"]),
    st.integers(0, 50 * 24 * 60),  # created: minutes after BASE (local), plus the file's days
    st.one_of(
        st.none(),
        st.integers(0, 600),
        st.integers(0, 80 * 24 * 60),
        st.sampled_from([29, 30, 31, 42]).map(lambda d: d * 1440),
    ),
    st.sampled_from(["", "", "", "anulado"]),
    st.sampled_from(["web", "llamada", ""]),
    st.sampled_from(["PA-8", "PA-1", ""]),
)
GROUPINGS = [None, *monthly.SUMMARY_GROUPS]
FILTER_CHOICES = [
    CaseFilters(),
    CaseFilters(sectors=("ministerio",)),
    CaseFilters(entity_ids=("AAA", "BBB")),
    CaseFilters(case_types=("queja",)),
    CaseFilters(sectors=("ministerio",), channels=("web",), provinces=("PA-8",)),
]


def _file(raw: list[tuple[Any, ...]], later: int) -> list[tuple[str, ...]]:
    """A cases file; `later`: days added to its creation times (a later file moves the horizon
    past open cases of earlier files it does not repeat, with months it has no case in)."""
    rows: dict[str, tuple[str, ...]] = {}
    for case, entity, case_type, created, duration, status, channel, province in raw:
        created_at = BASE + timedelta(minutes=created, days=later)
        closed = (
            "" if duration is None else f"{created_at + timedelta(minutes=duration):%Y-%m-%d %H:%M}"
        )
        rows.setdefault(
            f"P{case}",
            (
                f"P{case}",
                entity,
                case_type,
                f"{created_at:%Y-%m-%d %H:%M}",
                closed,
                status,
                "cat",
                channel,
                province,
            ),
        )
    return list(rows.values())


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def _same_aggregates(engine: Engine, config: Settings, question: tuple[Any, ...]) -> None:
    group_by, filters, mode = question
    with engine.connect() as conn:
        horizon = summaries.data_horizon(conn)
    if horizon is None:
        return
    first = M("2025-10")
    ask = {"first": first, "last": horizon, "mode": mode, "filters": filters, "group_by": group_by}
    source = monthly.source_for(engine, config.legal_limit_days, filters, group_by, horizon)
    assert source.summaries, "the summaries must answer this question"
    fast = monthly.aggregates(engine, config, **ask, source=source)
    slow = monthly.aggregates(engine, config, **ask, source=monthly.CASES)
    for name in ("received", "histogram", "open_ends"):
        (
            assert_frame_equal(
                _sorted(getattr(fast, name)), _sorted(getattr(slow, name)), check_dtypes=True
            ),
            f"{name} {question}",
        )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    files=st.lists(
        st.tuples(st.sampled_from([0, 35, 200]), st.lists(case_strategy, max_size=25)),
        min_size=1,
        max_size=3,
    ),
    questions=st.lists(
        st.tuples(
            st.sampled_from(GROUPINGS),
            st.sampled_from(FILTER_CHOICES),
            st.sampled_from(list(DayMode)),
        ),
        min_size=2,
        max_size=2,
    ),
    legal_limit=st.sampled_from([10, 30]),
)
def test_summaries_equal_the_cases_after_random_imports(
    engine: Engine,
    files: list[tuple[int, list[tuple[Any, ...]]]],
    questions: list[tuple[Any, ...]],
    legal_limit: int,
) -> None:
    empty_tables(engine)
    config = Settings(legal_limit_days=legal_limit)
    with engine.begin() as conn:
        summaries.rebuild_summaries(conn, legal_limit)
    import_bytes(engine, config, "entities", ENTITIES.encode(), "e.csv")
    for later, raw in files:
        _import(engine, _file(raw, later), config)
        result = check_summaries(engine)
        assert result.differences == []
    for question in questions:
        _same_aggregates(engine, config, question)
    with engine.begin() as conn:
        summaries.rebuild_summaries(conn, Settings().legal_limit_days)


# --- other write paths and the check itself ---------------------------------------------------


def test_db_check_reports_each_difference_and_exits_non_zero(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    from cac311.cli import main
    from tests.conftest import url_of

    empty_tables(engine)
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    _import(engine, BASE_ROWS)
    assert main(["db", "check", "--database-url", url_of(engine)]) == 0
    assert "iguales a los casos" in capsys.readouterr().out
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "update summary_received set recibidos = recibidos + 2"
                " where detalle = false and entity_id = 'BBB'"
            )
        )
        conn.execute(sa.text("delete from summary_open where detalle = true and entity_id = 'AAA'"))
    assert main(["db", "check", "--database-url", url_of(engine)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == (
        "summary_received 2026-02 BBB (total de la entidad): "
        "recibidos 3 en el resumen, 1 en los casos"
    )
    # C1 is open at the ends of January, February and March (closed... never; horizon April)
    open_lines = [line for line in lines if line.startswith("summary_open")]
    assert len(open_lines) == 4
    assert all("abiertos_fin_mes 0 en el resumen, 1 en los casos" in x for x in open_lines)
    assert len(lines) == 5


def test_the_demo_and_a_rule_change_keep_the_summaries_equal(engine: Engine) -> None:
    from cac311.db.setup import prepare_database
    from cac311.ingest.demo import generate_demo

    empty_tables(engine)
    generate_demo(engine, Settings(), cases=1500, seed=7, today=datetime(2026, 3, 10).date())
    assert check_summaries(engine).differences == []
    stricter = Settings(legal_limit_days=20)
    prepare_database(engine, stricter)
    assert summary_limit(engine) == 20
    assert check_summaries(engine).differences == []
    prepare_database(engine, Settings())
    assert summary_limit(engine) == 30


def test_the_summaries_group_allow_list_is_the_sql_fragment_s() -> None:
    import re

    from cac311.db.queries import load_fragment

    branches = re.findall(r"when :group_by = '(\w+)'", load_fragment("summary_group_key").body)
    assert branches == [*monthly.SUMMARY_GROUPS, "none"]
    assert "category" not in monthly.SUMMARY_GROUPS


def test_questions_the_summaries_cannot_answer_read_the_cases(engine: Engine) -> None:
    empty_tables(engine)
    import_bytes(engine, Settings(), "entities", ENTITIES.encode(), "e.csv")
    _import(engine, BASE_ROWS)
    april, may = M("2026-04"), M("2026-05")
    assert monthly.source_for(engine, 30, CaseFilters(), None, april).summaries
    assert not monthly.source_for(engine, 30, CaseFilters(), None, april).detalle
    assert monthly.source_for(engine, 30, CaseFilters(provinces=("PA-8",)), None, april).detalle
    assert monthly.source_for(engine, None, CaseFilters(), "channel", april).detalle
    assert monthly.source_for(engine, 20, CaseFilters(), None, april) == monthly.CASES
    assert monthly.source_for(engine, 30, CaseFilters(), "category", april) == monthly.CASES
    assert monthly.source_for(engine, 30, CaseFilters(), None, may) == monthly.CASES
