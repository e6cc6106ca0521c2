"""Property: the transfer figures (SQL aggregates + metrics.transfers) equal the slow reference
computed case by case (tests/transfers_reference.py), on SQLite and on PostgreSQL, in both
day-count modes, with chains that connect, bounce or break."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from cac311.analytics import transfers
from cac311.analytics.dates import data_dates
from cac311.config import Settings
from tests.analytics_calls import period
from tests.conftest import empty_tables
from tests.db.cases_support import insert_cases, insert_entities
from tests.db.transfers_support import insert_transfers
from tests.transfers_reference import (
    RefTransfer,
    RefTransferCase,
    reference_back_and_forth,
    reference_broken,
    reference_entity_figures,
)

ENTITIES = ["AAA", "BBB", "CCC"]
BASE = datetime(2025, 11, 10, 0, 0)  # crosses Panama's November and December holidays
MONTHS = [
    (date(2025, 11, 1), "2025-11"),
    (date(2025, 12, 1), "2025-12"),
    (date(2026, 1, 1), "2026-01"),
]

transfer_strategy = st.tuples(
    st.sampled_from(ENTITIES),
    st.sampled_from(ENTITIES),
    # minutes after creation; near whole days so days left land on K often
    st.one_of(
        st.integers(min_value=0, max_value=45 * 1440),
        st.tuples(st.integers(5, 32), st.integers(-90, 90)).map(
            lambda t: max(0, t[0] * 1440 + t[1])
        ),
    ),
)
case_strategy = st.tuples(
    st.sampled_from(ENTITIES),
    st.integers(min_value=0, max_value=60 * 1440),  # created: minutes after BASE (UTC)
    st.one_of(st.none(), st.integers(min_value=0, max_value=70 * 1440)),  # duration
    st.integers(min_value=0, max_value=9).map(lambda x: x == 0),  # anulado
    st.lists(transfer_strategy, max_size=3),
)


def _build(raw: list) -> list[RefTransferCase]:
    cases = []
    for i, (entity, created, duration, anulado, moves) in enumerate(raw):
        created_at = BASE + timedelta(minutes=created)
        closed_at = created_at + timedelta(minutes=duration) if duration is not None else None
        status = "anulado" if anulado else ("cerrado" if closed_at else "abierto")
        seen = set()
        chain = []
        for origin, destination, after in moves:
            key = (origin, destination, after)
            if origin == destination or key in seen:
                continue  # the import quarantines both
            seen.add(key)
            chain.append(RefTransfer(origin, destination, created_at + timedelta(minutes=after)))
        cases.append(
            RefTransferCase(f"C{i:03d}", entity, created_at, closed_at, status, tuple(chain))
        )
    return cases


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    raw=st.lists(case_strategy, min_size=1, max_size=25),
    legal_limit=st.sampled_from([10, 30]),
    min_left=st.sampled_from([1, 5]),
)
def test_transfer_figures_match_reference(
    engine: Engine, raw: list, legal_limit: int, min_left: int
) -> None:
    empty_tables(engine)
    insert_entities(engine, [(e, f"Entidad {e}", "ministerio", True) for e in ENTITIES])
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
    insert_transfers(
        engine,
        [(c.case_id, t.origin, t.destination, t.at) for c in cases for t in c.transfers],
    )
    datos_al = data_dates(engine).datos_al
    assert datos_al is not None
    config = Settings(legal_limit_days=legal_limit, transfer_min_days_left=min_left)
    for first, month in MONTHS:
        chosen = period(month)
        last = chosen.month.last_day
        for mode in ("calendario", "habiles"):
            fast = transfers.entity_figures(
                engine, config, period=period(month, mode), datos_al=datos_al
            ).to_dicts()
            slow = reference_entity_figures(
                cases, first, last, mode, limit=legal_limit, min_left=min_left, datos_al=datos_al
            )
            assert fast == slow, f"month={month} mode={mode}"
        back = transfers.back_and_forth(engine, period=chosen)
        assert sorted(back.select("case_id", "devuelto_por", "devuelto_a").rows()) == (
            reference_back_and_forth(cases, first, last)
        )
    assert transfers.broken_chains(engine)["case_id"].to_list() == reference_broken(cases)
