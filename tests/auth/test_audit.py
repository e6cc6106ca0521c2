from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest
from sqlalchemy.engine import Engine

from cac311.auth.audit import AUDIT_ACTIONS, AUDIT_SCHEMA, audit_entries, record


def test_record_and_read_newest_first(engine: Engine) -> None:
    record(engine, "a@aig.gob.pa", "export", "vencidos_MINSA.csv", now=datetime(2026, 11, 2))
    record(engine, "b@aig.gob.pa", "sign_in", None, now=datetime(2026, 11, 3))
    record(engine, "a@aig.gob.pa", "sign_out", "local", now=datetime(2026, 11, 1))
    log = audit_entries(engine, limit=2)
    expected = pl.DataFrame(
        {
            "at": [datetime(2026, 11, 3), datetime(2026, 11, 2)],
            "email": ["b@aig.gob.pa", "a@aig.gob.pa"],
            "action": ["sign_in", "export"],
            "detail": [None, "vencidos_MINSA.csv"],
        },
        schema=AUDIT_SCHEMA,
    )
    assert log.equals(expected)


def test_empty_log_has_typed_columns(engine: Engine) -> None:
    log = audit_entries(engine)
    assert log.height == 0
    assert dict(log.schema) == AUDIT_SCHEMA


def test_unknown_action_refused_and_long_detail_cut(engine: Engine) -> None:
    with pytest.raises(ValueError, match="unknown audit action"):
        record(engine, "a@aig.gob.pa", "delete_everything", None)
    record(engine, "a@aig.gob.pa", "export", "x" * 5000)
    assert audit_entries(engine)["detail"][0] == "x" * 1000
    assert set(AUDIT_ACTIONS) == {
        "sign_in",
        "sign_in_failed",
        "sign_out",
        "export",
        "locked",
        "import",
        "publish",
        "obligation_submit",
        "obligation_validate",
        "obligation_return",
        "session_expired",
        "session_revoked",
    }
