"""Users, lockout and demo-mode rule, on SQLite and PostgreSQL (fixture `engine`)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from cac311.auth import users
from cac311.auth.audit import audit_entries
from cac311.auth.identity import Identity
from cac311.errors import UserError
from tests.auth.helpers import PASSWORD, add_batch, add_entity

T0 = datetime(2026, 11, 28, 15, 0, 0)


def test_add_list_disable(engine: Engine) -> None:
    add_entity(engine, "MINSA", "Ministerio de Salud")
    users.add_user(engine, email=" Ana@AIG.gob.pa ", role="admin", password=PASSWORD)
    users.add_user(engine, email="enlace@minsa.gob.pa", role="enlace", entity_id="MINSA")

    ana = users.find_user(engine, "ana@aig.gob.pa")
    assert ana is not None
    assert (ana.email, ana.role, ana.entity_id, ana.active, ana.has_password) == (
        "ana@aig.gob.pa",
        "admin",
        None,
        True,
        True,
    )
    lines = users.list_lines(engine)
    assert len(lines) == 2
    assert lines[0].startswith("ana@aig.gob.pa\tadmin")
    assert "MINSA" in lines[1] and "solo OIDC" in lines[1] and "activo" in lines[1]

    users.disable_user(engine, email="enlace@minsa.gob.pa")
    assert "deshabilitado" in users.list_lines(engine)[1]
    assert users.active_identity(engine, "enlace@minsa.gob.pa", "oidc") is None
    assert users.active_identity(engine, "ana@aig.gob.pa", "oidc") == Identity(
        "ana@aig.gob.pa", "admin", None, "oidc"
    )


def test_list_without_users_says_how_to_create_one(engine: Engine) -> None:
    assert users.list_lines(engine) == [
        "No hay usuarios. Cree el primero con: cac311 users add --email CORREO "
        "--role admin --password-stdin"
    ]


@pytest.mark.parametrize(
    ("email", "role", "entity_id", "password", "message"),
    [
        ("x@aig.gob.pa", "jefe", None, PASSWORD, "Rol inválido"),
        ("x@aig.gob.pa", "enlace", None, PASSWORD, "necesita su entidad"),
        ("x@aig.gob.pa", "enlace", "NOEXISTE", PASSWORD, "No existe la entidad"),
        ("x@aig.gob.pa", "director", "MINSA", PASSWORD, "no use --entity"),
        ("no-es-correo", "admin", None, PASSWORD, "Correo electrónico inválido"),
        ("x@aig.gob.pa", "admin", None, "corta", "al menos 8"),
        ("dup@aig.gob.pa", "admin", None, PASSWORD, "Ya existe"),
    ],
)
def test_add_user_refusals(
    engine: Engine,
    *,
    email: str,
    role: str,
    entity_id: str | None,
    password: str,
    message: str,
) -> None:
    add_entity(engine, "MINSA")
    users.add_user(engine, email="dup@aig.gob.pa", role="admin", password=PASSWORD)
    with pytest.raises(UserError, match=message):
        users.add_user(engine, email=email, role=role, entity_id=entity_id, password=password)
    assert users.count_users(engine) == 1


def test_disable_unknown_user_refused(engine: Engine) -> None:
    with pytest.raises(UserError, match="No existe un usuario"):
        users.disable_user(engine, email="nadie@aig.gob.pa")


def test_correct_password_signs_in_and_is_audited(engine: Engine) -> None:
    add_entity(engine, "MINSA")
    users.add_user(engine, "e@minsa.gob.pa", "enlace", "MINSA", PASSWORD)
    result = users.attempt_sign_in(engine, "E@minsa.gob.pa", PASSWORD, T0)
    assert result.outcome == "ok"
    assert result.identity == Identity("e@minsa.gob.pa", "enlace", "MINSA", "local")
    log = audit_entries(engine, 10)
    assert log.select("email", "action").rows() == [("e@minsa.gob.pa", "sign_in")]
    assert log["at"][0] == T0


def test_wrong_password_is_refused_and_counted(engine: Engine) -> None:
    users.add_user(engine, "a@aig.gob.pa", "admin", None, PASSWORD)
    result = users.attempt_sign_in(engine, "a@aig.gob.pa", "mala-clave-1", T0)
    assert result.outcome == "invalid"
    assert result.identity is None
    user = users.find_user(engine, "a@aig.gob.pa")
    assert user is not None and user.failed_attempts == 1
    assert audit_entries(engine, 10)["action"].to_list() == ["sign_in_failed"]
    # A correct password resets the counter.
    assert users.attempt_sign_in(engine, "a@aig.gob.pa", PASSWORD, T0).outcome == "ok"
    user = users.find_user(engine, "a@aig.gob.pa")
    assert user is not None and user.failed_attempts == 0


def test_lock_after_five_failures_for_fifteen_minutes(engine: Engine) -> None:
    users.add_user(engine, "a@aig.gob.pa", "admin", None, PASSWORD)
    outcomes = [
        users.attempt_sign_in(engine, "a@aig.gob.pa", f"mala-{i}", T0 + timedelta(seconds=i))
        for i in range(5)
    ]
    assert [r.outcome for r in outcomes] == ["invalid"] * 4 + ["locked"]
    locked_at = T0 + timedelta(seconds=4)
    assert outcomes[-1].locked_until == locked_at + timedelta(minutes=15)

    # Still locked 14 minutes later, even with the right password; the lock is not extended.
    later = locked_at + timedelta(minutes=14, seconds=59)
    still = users.attempt_sign_in(engine, "a@aig.gob.pa", PASSWORD, later)
    assert still.outcome == "locked"
    assert still.identity is None
    assert still.locked_until == locked_at + timedelta(minutes=15)

    # Unlocked after 15 minutes.
    after = locked_at + timedelta(minutes=15, seconds=1)
    assert users.attempt_sign_in(engine, "a@aig.gob.pa", PASSWORD, after).outcome == "ok"
    actions = audit_entries(engine, 20)["action"].to_list()
    assert actions.count("sign_in_failed") == 5
    assert actions.count("locked") == 2  # the lock itself and the refused attempt
    assert actions[0] == "sign_in"


def test_failures_after_unlock_start_a_new_count(engine: Engine) -> None:
    users.add_user(engine, "a@aig.gob.pa", "admin", None, PASSWORD)
    for i in range(5):
        users.attempt_sign_in(engine, "a@aig.gob.pa", f"mala-{i}", T0)
    after = T0 + timedelta(minutes=16)
    assert users.attempt_sign_in(engine, "a@aig.gob.pa", "mala-x", after).outcome == "invalid"
    user = users.find_user(engine, "a@aig.gob.pa")
    assert user is not None and user.failed_attempts == 1


def test_disabled_user_refused(engine: Engine) -> None:
    users.add_user(engine, "d@aig.gob.pa", "director", None, PASSWORD)
    users.disable_user(engine, "d@aig.gob.pa")
    assert users.attempt_sign_in(engine, "d@aig.gob.pa", PASSWORD, T0).outcome == "disabled"
    # With a wrong password it gets the same answer as anyone else.
    assert users.attempt_sign_in(engine, "d@aig.gob.pa", "mala-clave", T0).outcome == "invalid"


def test_unknown_user_and_oidc_only_account_refused(engine: Engine) -> None:
    users.add_user(engine, "o@aig.gob.pa", "director", None, None)
    assert users.attempt_sign_in(engine, "nadie@aig.gob.pa", PASSWORD, T0).outcome == "invalid"
    assert users.attempt_sign_in(engine, "o@aig.gob.pa", "", T0).outcome == "invalid"
    assert users.attempt_sign_in(engine, "o@aig.gob.pa", PASSWORD, T0).outcome == "invalid"
    log = audit_entries(engine, 10)
    assert log["action"].to_list() == ["sign_in_failed"] * 3


@pytest.mark.parametrize(
    ("demo_batches", "real_batches", "with_user", "expected"),
    [
        (0, 0, False, False),  # empty database
        (1, 0, False, True),  # demo data only
        (2, 0, False, True),
        (1, 1, False, False),  # demo plus an import
        (0, 1, False, False),  # imported data only
        (1, 0, True, False),  # somebody created an account
    ],
)
def test_demo_only_database(
    engine: Engine, demo_batches: int, real_batches: int, with_user: bool, expected: bool
) -> None:
    for _ in range(demo_batches):
        add_batch(engine, is_demo=True)
    for _ in range(real_batches):
        add_batch(engine, is_demo=False)
    if with_user:
        users.add_user(engine, "a@aig.gob.pa", "admin", None, PASSWORD)
    assert users.is_demo_only_database(engine) is expected


def test_set_password_and_enable_clear_the_lock(engine: Engine) -> None:
    users.add_user(engine, "a@aig.gob.pa", "admin", None, PASSWORD)
    for i in range(5):
        users.attempt_sign_in(engine, "a@aig.gob.pa", f"mala-{i}", T0)
    users.disable_user(engine, "a@aig.gob.pa")
    users.set_password(engine, "a@aig.gob.pa", "otra-clave-larga")
    assert users.attempt_sign_in(engine, "a@aig.gob.pa", "otra-clave-larga", T0).outcome == (
        "disabled"
    )
    users.enable_user(engine, "a@aig.gob.pa")
    assert users.attempt_sign_in(engine, "a@aig.gob.pa", PASSWORD, T0).outcome == "invalid"
    assert users.attempt_sign_in(engine, "a@aig.gob.pa", "otra-clave-larga", T0).outcome == "ok"
    with pytest.raises(UserError, match="No existe un usuario"):
        users.set_password(engine, "nadie@aig.gob.pa", "otra-clave-larga")
    with pytest.raises(UserError, match="No existe un usuario"):
        users.enable_user(engine, "nadie@aig.gob.pa")
