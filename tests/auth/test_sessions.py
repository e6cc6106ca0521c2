"""The server-side session store of local accounts, on SQLite and PostgreSQL (issue 18).

Clock-controlled: every call takes `now`, so idle and absolute expiry are checked at their
exact boundaries. Tokens must never be stored in clear, a token that was tampered with or never
issued opens nothing, and every way a session ends is audited exactly once.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.auth import sessions, users
from cac311.auth.audit import audit_entries, utc_now
from cac311.auth.sessions import USER_SESSIONS, SessionPolicy
from cac311.config import Settings
from tests.auth.helpers import PASSWORD

T0 = datetime(2026, 12, 1, 13, 0)
POLICY = SessionPolicy(idle=timedelta(hours=8), absolute=timedelta(hours=24))
ANA = "ana@aig.gob.pa"
BETO = "beto@aig.gob.pa"


@pytest.fixture
def accounts(engine: Engine) -> Engine:
    users.add_user(engine, ANA, "admin", None, PASSWORD)
    users.add_user(engine, BETO, "director", None, PASSWORD)
    return engine


def session_rows(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(sa.select(USER_SESSIONS)).mappings()]


def audit_of(engine: Engine, email: str) -> list[tuple[str, str]]:
    log = audit_entries(engine, 100).filter(pl.col("email") == email)
    return list(zip(log["action"].to_list(), log["detail"].to_list(), strict=True))


class NoDatabase:
    """An engine stand-in that fails the test if anything tries to use it."""

    def begin(self) -> None:
        raise AssertionError("a malformed token must be refused without a query")

    connect = begin


def test_default_policy_is_eight_hours_idle_and_one_day_absolute() -> None:
    assert SessionPolicy.from_settings(Settings()) == POLICY
    custom = Settings(session_minutes=30, session_max_hours=12)
    assert SessionPolicy.from_settings(custom) == SessionPolicy(
        timedelta(minutes=30), timedelta(hours=12)
    )


def test_open_session_gives_the_identity_and_stores_only_a_hash(accounts: Engine) -> None:
    token = sessions.open_session(accounts, "Ana@AIG.gob.pa", T0, POLICY)
    assert sessions.well_formed(token) and len(token) == 43
    check = sessions.check_session(accounts, token, T0 + timedelta(minutes=5), POLICY)
    assert check.identity is not None
    assert (check.identity.email, check.identity.role, check.identity.via) == (
        ANA,
        "admin",
        "local",
    )
    assert check.expires_at == T0 + timedelta(hours=24)
    [row] = session_rows(accounts)
    assert row["token_hash"] == sessions.digest(token)
    assert row["code_hash"] is None
    # The token appears nowhere in the database: not in the sessions, not in the audit log.
    everywhere = [str(value) for value in row.values()]
    everywhere += [str(v) for v in audit_entries(accounts, 100).to_dict(as_series=False).values()]
    assert not any(token in text for text in everywhere)


def test_tokens_are_unique_and_random(accounts: Engine) -> None:
    tokens = {sessions.open_session(accounts, ANA, T0, POLICY) for _ in range(20)}
    assert len(tokens) == 20
    assert len({sessions.digest(t) for t in tokens}) == 20


@pytest.mark.parametrize(
    "presented",
    [
        None,
        "",
        "abc",
        "x" * 42,
        "x" * 44,
        "' or 1=1 --" + "x" * 32,
        "é" * 43,
        "a" * 42 + "\n",
    ],
    ids=["none", "empty", "short", "42", "44", "sql", "non_ascii", "newline"],
)
def test_malformed_tokens_are_refused_without_a_query(presented: str | None) -> None:
    engine = NoDatabase()
    check = sessions.check_session(engine, presented, T0, POLICY)  # type: ignore[arg-type]
    assert check.identity is None and check.problem == "unknown"
    assert sessions.redeem_code(engine, presented, T0, POLICY) is None  # type: ignore[arg-type]
    assert not sessions.end_session(engine, presented, T0)  # type: ignore[arg-type]


def test_tampered_unknown_or_hashed_tokens_open_nothing(accounts: Engine) -> None:
    token = sessions.open_session(accounts, ANA, T0, POLICY)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for presented in (flipped, sessions.new_secret(), token.upper(), token[::-1]):
        if presented == token:
            continue
        check = sessions.check_session(accounts, presented, T0, POLICY)
        assert check.identity is None and check.problem == "unknown", presented
    # The stored hash itself is not a credential (wrong shape, and its hash matches nothing).
    stored = sessions.digest(token)
    assert sessions.check_session(accounts, stored, T0, POLICY).problem == "unknown"
    assert sessions.check_session(accounts, token, T0, POLICY).identity is not None


def test_idle_expiry_at_its_exact_boundary_audited_once(accounts: Engine) -> None:
    token = sessions.open_session(accounts, ANA, T0, POLICY)
    at_limit = sessions.check_session(accounts, token, T0 + POLICY.idle, POLICY)
    assert at_limit.identity is not None  # exactly 8 h idle: still valid, and touched
    later = T0 + POLICY.idle + POLICY.idle + timedelta(microseconds=1)
    expired = sessions.check_session(accounts, token, later, POLICY)
    assert expired.identity is None and expired.problem == "expired_idle"
    again = sessions.check_session(accounts, token, later + timedelta(hours=1), POLICY)
    assert again.problem == "expired_idle"
    assert audit_of(accounts, ANA).count(("session_expired", "sesión local: inactividad (480 min)"))
    assert [a for a, _ in audit_of(accounts, ANA)].count("session_expired") == 1
    [row] = session_rows(accounts)
    assert (row["ended_at"], row["end_reason"]) == (later, "expired_idle")


def test_activity_is_recorded_at_most_once_a_minute_and_extends_idle(accounts: Engine) -> None:
    token = sessions.open_session(accounts, ANA, T0, POLICY)
    sessions.check_session(accounts, token, T0 + timedelta(seconds=30), POLICY)
    assert session_rows(accounts)[0]["last_seen_at"] == T0  # not rewritten on every page run
    used = T0 + timedelta(minutes=2)
    sessions.check_session(accounts, token, used, POLICY)
    assert session_rows(accounts)[0]["last_seen_at"] == used
    check = sessions.check_session(accounts, token, used + POLICY.idle, POLICY)
    assert check.identity is not None


def test_absolute_expiry_even_when_used_all_day(accounts: Engine) -> None:
    token = sessions.open_session(accounts, ANA, T0, POLICY)
    for hour in range(1, 24):
        check = sessions.check_session(accounts, token, T0 + timedelta(hours=hour), POLICY)
        assert check.identity is not None, hour
    end = sessions.check_session(accounts, token, T0 + timedelta(hours=24), POLICY)
    assert end.identity is None and end.problem == "expired_absolute"
    assert audit_of(accounts, ANA)[0] == ("session_expired", "sesión local: duración máxima (24 h)")


def test_a_lower_limit_applies_to_sessions_already_open(accounts: Engine) -> None:
    token = sessions.open_session(accounts, ANA, T0, POLICY)
    shorter = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=24))
    check = sessions.check_session(accounts, token, T0 + timedelta(minutes=31), shorter)
    assert check.problem == "expired_idle"


def test_sign_out_ends_only_that_session(accounts: Engine) -> None:
    first = sessions.open_session(accounts, ANA, T0, POLICY)
    second = sessions.open_session(accounts, ANA, T0, POLICY)  # another browser
    assert sessions.end_session(accounts, first, T0 + timedelta(minutes=1))
    assert not sessions.end_session(accounts, first, T0 + timedelta(minutes=2))  # once
    assert sessions.check_session(accounts, first, T0, POLICY).problem == "ended"
    assert sessions.check_session(accounts, second, T0, POLICY).identity is not None
    assert audit_of(accounts, ANA).count(("sign_out", "local")) == 1


@pytest.mark.parametrize(
    ("change", "problem", "detail"),
    [
        (lambda e: users.disable_user(e, ANA), "disabled", "usuario deshabilitado"),
        (lambda e: users.set_password(e, ANA, "clave-nueva-123"), "revoked", "contraseña cambiada"),
    ],
    ids=["disable", "passwd"],
)
def test_disable_and_password_change_end_every_session_of_the_user(
    accounts: Engine, change: object, problem: str, detail: str
) -> None:
    now = utc_now()  # the CLI functions use the real clock
    mine = [sessions.open_session(accounts, ANA, now, POLICY) for _ in range(3)]
    theirs = sessions.open_session(accounts, BETO, now, POLICY)
    ended = change(accounts)  # type: ignore[operator]
    assert ended == 3
    for token in mine:
        check = sessions.check_session(accounts, token, now, POLICY)
        assert check.identity is None and check.problem == problem
    assert sessions.check_session(accounts, theirs, now, POLICY).identity is not None
    revoked = [d for a, d in audit_of(accounts, ANA) if a == "session_revoked"]
    assert revoked == [f"sesión local: {detail}"] * 3
    assert sessions.active_sessions(accounts, ANA, now, POLICY) == 0
    assert sessions.active_sessions(accounts, BETO, now, POLICY) == 1


def test_user_disabled_behind_the_back_of_the_cli_is_refused_at_next_check(
    accounts: Engine,
) -> None:
    token = sessions.open_session(accounts, ANA, T0, POLICY)
    with accounts.begin() as conn:  # e.g. an administrator's SQL, not `cac311 users disable`
        conn.execute(sa.text("update users set active = false where email = :e"), {"e": ANA})
    check = sessions.check_session(accounts, token, T0, POLICY)
    assert check.identity is None and check.problem == "disabled"
    assert audit_of(accounts, ANA)[0] == ("session_revoked", "sesión local: usuario deshabilitado")


def test_pending_code_is_single_use_short_lived_and_not_a_token(accounts: Engine) -> None:
    code = sessions.open_pending(accounts, ANA, T0, POLICY)
    [row] = session_rows(accounts)
    assert row["code_hash"] == sessions.digest(code) and row["token_hash"] is None
    assert sessions.check_session(accounts, code, T0, POLICY).problem == "unknown"
    redeemed = sessions.redeem_code(accounts, code, T0 + timedelta(seconds=59), POLICY)
    assert redeemed is not None
    assert redeemed.expires_at == T0 + POLICY.absolute
    assert sessions.redeem_code(accounts, code, T0 + timedelta(seconds=59), POLICY) is None
    [row] = session_rows(accounts)
    assert row["code_hash"] is None and row["token_hash"] == sessions.digest(redeemed.token)
    assert sessions.check_session(accounts, redeemed.token, T0, POLICY).identity is not None

    late = sessions.open_pending(accounts, ANA, T0, POLICY)
    assert sessions.redeem_code(accounts, late, T0 + sessions.EXCHANGE_WINDOW, POLICY) is None


def test_a_code_redeemed_concurrently_opens_exactly_one_session(accounts: Engine) -> None:
    code = sessions.open_pending(accounts, ANA, T0, POLICY)
    results: list[sessions.Redeemed | None] = []
    barrier = threading.Barrier(4)

    def redeem() -> None:
        barrier.wait()
        results.append(sessions.redeem_code(accounts, code, T0, POLICY))

    threads = [threading.Thread(target=redeem) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in results) == 1


def test_sweep_ends_stale_sessions_and_forgets_old_rows(accounts: Engine) -> None:
    idle = sessions.open_session(accounts, ANA, T0, POLICY)
    sessions.open_pending(accounts, BETO, T0, POLICY)  # never redeemed
    later = T0 + timedelta(hours=9)
    sessions.open_session(accounts, BETO, later, POLICY)  # any sign-in sweeps
    reasons = sorted(str(row["end_reason"]) for row in session_rows(accounts))
    assert reasons == ["None", "expired_idle", "unused"]
    assert sessions.check_session(accounts, idle, later, POLICY).problem == "expired_idle"
    assert [a for a, _ in audit_of(accounts, BETO)].count("session_expired") == 0
    much_later = later + sessions.RETENTION + POLICY.absolute
    sessions.open_session(accounts, ANA, much_later, POLICY)
    # Ended more than 30 days ago: gone (the audit log keeps them); Beto's ends now, Ana's opens.
    assert sorted(str(row["end_reason"]) for row in session_rows(accounts)) == [
        "None",
        "expired_absolute",
    ]
    assert [a for a, _ in audit_of(accounts, ANA)].count("session_expired") == 1
