"""Property: every figure of `monthly_table` (SQL aggregation + metrics) equals the slow
reference computed case by case in plain Python, on SQLite and on PostgreSQL, in both modes."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from cac311.config import Settings
from tests.analytics_calls import monthly_table
from tests.conftest import empty_tables
from tests.db.cases_support import insert_cases, insert_entities
from tests.reference import RefCase, reference_table

ENTITIES = {
    "AAA": ("Entidad A", "ministerio", True),
    "BBB": ("Entidad B", "municipio", True),
    "CCC": ("Entidad C (inactiva)", "otro", False),
}
# Mid-November to March: crosses a year boundary, Panama's November and December holidays,
# New Year, 9 January and Carnival, with cases created at any minute of the day (late evening
# local time is the next day in UTC).
BASE = datetime(2025, 11, 10, 0, 0)
MONTHS = ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]

durations = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=600),  # same-day closures (minutes)
    st.integers(min_value=0, max_value=75 * 24 * 60),
    # near whole days, so day counts land exactly on the legal limits (10 and 30) often
    st.tuples(
        st.sampled_from([0, 1, 9, 10, 11, 14, 29, 30, 31, 42, 43, 44]), st.integers(-120, 120)
    ).map(lambda t: max(0, t[0] * 1440 + t[1])),
)
case_strategy = st.tuples(
    st.sampled_from(sorted(ENTITIES)),
    st.integers(min_value=0, max_value=110 * 24 * 60),  # created: minutes after BASE (UTC)
    durations,
    st.integers(min_value=0, max_value=7).map(lambda x: x == 0),  # anulado, one in eight
)


def _build(raw: list[tuple[str, int, int | None, bool]]) -> list[RefCase]:
    cases = []
    for i, (entity_id, created, duration, anulado) in enumerate(raw):
        created_at = BASE + timedelta(minutes=created)
        closed_at = created_at + timedelta(minutes=duration) if duration is not None else None
        status = "anulado" if anulado else ("cerrado" if closed_at else "abierto")
        cases.append(RefCase(f"C{i:03d}", entity_id, created_at, closed_at, status))
    return cases


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    raw=st.lists(case_strategy, min_size=0, max_size=60),
    legal_limit=st.sampled_from([10, 30]),
    ranking_min_n=st.sampled_from([1, 3, 20]),
)
def test_monthly_table_matches_reference(
    engine: Engine,
    raw: list[tuple[str, int, int | None, bool]],
    legal_limit: int,
    ranking_min_n: int,
) -> None:
    empty_tables(engine)
    insert_entities(engine, [(k, *v) for k, v in ENTITIES.items()])
    cases = _build(raw)
    insert_cases(
        engine,
        [
            {
                "case_id": c.case_id,
                "entity_id": c.entity_id,
                "created_at": c.created_at,
                "closed_at": c.closed_at,
                "status": c.status,
            }
            for c in cases
        ],
    )
    config = Settings(legal_limit_days=legal_limit, ranking_min_n=ranking_min_n)
    for month, mode in ((m, d) for m in MONTHS for d in ("calendario", "habiles")):
        fast = monthly_table(engine, config, month, mode).to_dicts()
        slow = reference_table(
            cases,
            ENTITIES,
            month,
            mode,
            legal_limit=legal_limit,
            ranking_min_n=ranking_min_n,
        )
        assert fast == slow, f"month={month} mode={mode}"
