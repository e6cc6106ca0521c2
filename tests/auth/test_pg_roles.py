"""The PostgreSQL roles of docs/security.md do what the document says.

Runs the SQL between `<!-- roles-sql:begin -->` and `<!-- roles-sql:end -->` (role names made
unique for this run, database name replaced by the test database), then connects as each role.
PostgreSQL only: SQLite has no roles (its read-only mode is tested with the engine).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.auth import sessions, users
from cac311.auth.audit import audit_entries, record
from cac311.db.engine import make_engine
from tests.auth.helpers import PASSWORD, add_entity
from tests.conftest import empty_tables

SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
T0 = datetime(2026, 11, 28, 15, 0)


def documented_roles_sql() -> str:
    text = SECURITY_DOC.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- roles-sql:begin -->\s*```sql\n(.*?)```\s*<!-- roles-sql:end -->", text, re.S
    )
    assert block, "docs/security.md lost its roles-sql block"
    return block.group(1)


def statements(sql: str) -> list[str]:
    without_comments = re.sub(r"--[^\n]*", "", sql)
    return [part.strip() for part in without_comments.split(";") if part.strip()]


@pytest.fixture
def roles(pg_engine_session: Engine) -> Iterator[dict[str, Engine]]:
    """{"lector": engine, "acceso": engine} connected as freshly created roles."""
    owner = pg_engine_session
    empty_tables(owner)
    suffix = secrets.token_hex(4)
    names = {"lector": f"cac311_lector_{suffix}", "acceso": f"cac311_acceso_{suffix}"}
    database = owner.url.database
    assert database not in (None, "postgres", "template1"), "role SQL runs only on a test database"
    sql = documented_roles_sql()
    for kind, name in names.items():
        sql = re.sub(rf"\bcac311_{kind}\b", name, sql)
    sql = re.sub(r"\bdatabase tablero\b", f'database "{database}"', sql)
    with owner.begin() as conn:
        for statement in statements(sql):
            conn.exec_driver_sql(statement)
    engines = {
        kind: make_engine(owner.url.set(username=name, password=None).render_as_string(False))
        for kind, name in names.items()
    }
    yield engines
    for engine in engines.values():
        engine.dispose()
    with owner.begin() as conn:
        for name in names.values():
            conn.exec_driver_sql(f"drop owned by {name}")
            conn.exec_driver_sql(f"drop role {name}")


def refused(engine: Engine, sql: str, match: str) -> None:
    with pytest.raises(sa.exc.DBAPIError, match=match), engine.begin() as conn:
        conn.execute(sa.text(sql))


def test_reader_can_only_select(roles: dict[str, Engine], pg_engine_session: Engine) -> None:
    add_entity(pg_engine_session, "MINSA")
    reader = roles["lector"]
    with reader.connect() as conn:
        assert conn.execute(sa.text("select count(*) from entities")).scalar_one() == 1
        assert conn.execute(sa.text("show default_transaction_read_only")).scalar_one() == "on"
    refused(
        reader,
        "insert into entities (entity_id, name, sector) values ('X', 'x', 'otro')",
        "read-only transaction",
    )
    refused(reader, "update entities set name = 'x'", "read-only transaction")
    # Even after switching the transaction to read-write it has no write privilege.
    with pytest.raises(sa.exc.DBAPIError, match="permission denied"), reader.begin() as conn:
        conn.execute(sa.text("set transaction read write"))
        conn.execute(sa.text("delete from entities"))
    refused(reader, "select password_hash from users", "permission denied")


def test_sign_in_role_can_count_failures_and_audit_but_nothing_else(
    roles: dict[str, Engine], pg_engine_session: Engine
) -> None:
    users.add_user(pg_engine_session, "a@aig.gob.pa", "admin", None, PASSWORD)
    access = roles["acceso"]
    assert not users.is_demo_only_database(access)
    for i in range(5):
        users.attempt_sign_in(access, "a@aig.gob.pa", f"mala-{i}", T0)
    assert users.attempt_sign_in(access, "a@aig.gob.pa", PASSWORD, T0).outcome == "locked"
    record(access, "a@aig.gob.pa", "export", "vencidos.csv")
    assert audit_entries(access, 1)["action"].to_list() == ["export"]

    refused(access, "update users set active = false", "permission denied")
    refused(access, "update users set role = 'admin'", "permission denied")
    refused(
        access,
        "insert into users (email, role, created_at) values ('x@y.pa', 'admin', now())",
        "permission denied",
    )
    refused(access, "delete from audit_log", "permission denied")
    refused(access, "update audit_log set detail = 'x'", "permission denied")
    refused(access, "select count(*) from cases", "permission denied")


def test_sign_in_role_writes_the_obligations_and_nothing_more(
    roles: dict[str, Engine], pg_engine_session: Engine
) -> None:
    """The documented grants let the whole obligation cycle run on the sign-in role, and keep
    it (and the reader) away from everything else."""
    from cac311.config import Settings
    from cac311.obligations import figures, store
    from cac311.obligations.attachments import check_attachment
    from tests.obligations.support import build_world, csv_bytes, key

    world = build_world(pg_engine_session)
    access, reader = roles["acceso"], roles["lector"]
    sent = store.submit_review(
        access, world.enlace_minsa, Settings(), item="sla", sin_cambios=False,
        description="Cambios", attachment=check_attachment("sla.csv", csv_bytes()),
        request_key=key(), now=T0,
    )  # fmt: skip
    store.decide(access, world.asesor_minsa, "review", sent.submission_id, "devolver", reason="r")
    fixed = store.submit_review(
        access, world.enlace_minsa, Settings(), item="sla", sin_cambios=True, description=None,
        attachment=None, request_key=key(), replaces_id=sent.submission_id, now=T0,
    )  # fmt: skip
    assert store.decide(
        access, world.asesor_minsa, "review", fixed.submission_id, "validar"
    ).changed
    release = store.submit_release(
        access, world.enlace_minsa, Settings(), title="Nota", media_at_local=datetime(2026, 11, 12),
        body="Texto", attachment=None, request_key=key(), now=T0,
    )  # fmt: skip
    assert release.created
    attachment = store.fetch_attachment(access, world.asesor_minsa, 1, "asesor")
    assert attachment.content == csv_bytes()

    # The reader lists the submissions (file names included) but never reads a file's bytes.
    clock = figures.LocalClock(T0.date(), "America/Panama")
    assert figures.submissions(reader, ["MINSA"], clock).height == 3
    refused(reader, "select content from obligation_attachments", "permission denied")

    refused(access, "delete from obligation_reviews", "permission denied")
    refused(access, "update obligation_reviews set entity_id = 'MEF'", "permission denied")
    refused(access, "update obligation_releases set media_at = now()", "permission denied")
    refused(access, "update obligation_attachments set entity_id = 'MEF'", "permission denied")
    refused(
        access,
        "insert into directory_reviews (entity_id, item, reviewed_at, reviewed_on)"
        " values ('MINSA', 'sla', now(), current_date)",
        "permission denied",
    )
    refused(access, "insert into user_entities values (1, 'MEF')", "permission denied")
    refused(access, "select count(*) from press_releases", "permission denied")


def test_sign_in_role_runs_the_whole_session_lifecycle_and_reader_sees_no_session(
    roles: dict[str, Engine], pg_engine_session: Engine
) -> None:
    users.add_user(pg_engine_session, "a@aig.gob.pa", "admin", None, PASSWORD)
    users.add_user(pg_engine_session, "b@aig.gob.pa", "director", None, PASSWORD)
    access = roles["acceso"]
    policy = sessions.SessionPolicy()
    code = sessions.open_pending(access, "a@aig.gob.pa", T0, policy)
    redeemed = sessions.redeem_code(access, code, T0, policy)
    assert redeemed is not None
    later = T0 + timedelta(minutes=5)
    assert sessions.check_session(access, redeemed.token, later, policy).identity is not None
    assert sessions.end_session(access, redeemed.token, later)
    idle = sessions.open_session(access, "b@aig.gob.pa", T0, policy)
    much_later = T0 + sessions.RETENTION + timedelta(days=2)
    sessions.open_session(access, "a@aig.gob.pa", much_later, policy)  # sweeps and purges
    assert sessions.check_session(access, idle, much_later, policy).problem == "expired_absolute"
    # The signed-out session ended over 30 days ago: its row was deleted.
    assert sessions.check_session(access, redeemed.token, much_later, policy).problem == "unknown"
    assert audit_entries(access, 10)["action"].to_list()[:2] == ["session_expired", "sign_out"]

    refused(access, "update user_sessions set user_id = 1", "permission denied")
    refused(access, "update users set active = true", "permission denied")
    refused(roles["lector"], "select token_hash from user_sessions", "permission denied")
