"""The summaries a first load computes in Polars (`cac311.db.summary_frames`) equal the rows the
SQL row queries give (the reference of `cac311 db check`), whatever the batches, on random cases,
on both databases; and the demo and the direct import path leave summaries the check accepts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from cac311.db.summaries import data_horizon
from cac311.db.summary_check import check_summaries
from cac311.db.summary_frames import SummaryBuilder, write_built
from tests.conftest import empty_tables
from tests.db.cases_support import case_rows, insert_cases, insert_entities

ENTITIES = [
    ("AAA", "Entidad A", "ministerio", True),
    ("BBB", "Entidad B", "municipio", True),
]
BASE = datetime(2025, 11, 20, 4, 0)

case_strategy = st.tuples(
    st.sampled_from(["AAA", "BBB"]),
    st.sampled_from(["queja", "reclamo"]),
    st.sampled_from(["web", "llamada", None]),
    st.sampled_from(["PA-8", None]),
    st.integers(0, 120 * 24 * 60),
    st.one_of(
        st.none(),
        st.integers(0, 900),
        st.integers(0, 90 * 24 * 60),
        st.sampled_from([10, 29, 30, 31]).map(lambda d: d * 1440),
    ),
    st.integers(0, 9).map(lambda x: x == 0),
)


def _cases(raw: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    cases = []
    for i, (entity, case_type, channel, province, created, duration, anulado) in enumerate(raw):
        created_at = BASE + timedelta(minutes=created)
        closed_at = None if duration is None else created_at + timedelta(minutes=duration)
        status = "anulado" if anulado else ("cerrado" if closed_at else "abierto")
        cases.append(
            {
                "case_id": f"F{i:03d}",
                "entity_id": entity,
                "case_type": case_type,
                "channel": channel,
                "province": province,
                "created_at": created_at,
                "closed_at": closed_at,
                "status": status,
            }
        )
    return cases


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    raw=st.lists(case_strategy, min_size=0, max_size=60),
    batch=st.integers(1, 25),
    legal_limit=st.sampled_from([10, 30]),
)
def test_polars_summaries_equal_the_sql_rows(
    engine: Engine, raw: list[tuple[Any, ...]], batch: int, legal_limit: int
) -> None:
    empty_tables(engine)
    insert_entities(engine, ENTITIES)
    cases = _cases(raw)
    insert_cases(engine, cases)  # summaries refreshed by the SQL path
    rows = case_rows(cases)
    builder = SummaryBuilder(legal_limit)
    for offset in range(0, rows.height, batch):
        builder.add(rows.slice(offset, batch))
    with engine.begin() as conn:
        conn.execute(
            sa.text("update app_settings set value = :v where key = 'resumenes_limite_dias'"),
            {"v": str(legal_limit)},
        )
        write_built(conn, builder, data_horizon(conn))
    try:
        assert check_summaries(engine).differences == []
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "update app_settings set value = '30' where key = 'resumenes_limite_dias'"
            )
