"""`cac311 users add|list|disable` through `cac311.cli.main`."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.engine import Engine

from cac311.auth import users
from cac311.auth.audit import utc_now
from cac311.cli import main
from tests.auth.helpers import PASSWORD, add_entity
from tests.conftest import url_of


def test_users_add_with_password_stdin_list_and_disable(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_entity(engine, "MINSA")
    url = url_of(engine)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["users", "add", "--email", "jefa@aig.gob.pa", "--role", "admin", "--password-stdin"]
    assert main([*args, "--database-url", url]) == 0
    assert "jefa@aig.gob.pa" in capsys.readouterr().out
    assert users.attempt_sign_in(engine, "jefa@aig.gob.pa", PASSWORD, utc_now()).outcome == "ok"

    assert (
        main(
            [
                "--database-url",
                url,
                "users",
                "add",
                "--email",
                "e@minsa.gob.pa",
                "--role",
                "enlace",
                "--entity",
                "MINSA",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["--database-url", url, "users", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in out] == ["e@minsa.gob.pa", "jefa@aig.gob.pa"]

    assert main(["--database-url", url, "users", "disable", "--email", "e@minsa.gob.pa"]) == 0
    record = users.find_user(engine, "e@minsa.gob.pa")
    assert record is not None and not record.active


def test_users_add_refusal_is_one_line_exit_2(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "--database-url",
            url_of(engine),
            "users",
            "add",
            "--email",
            "e@x.gob.pa",
            "--role",
            "enlace",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == ["Error: Un enlace necesita su entidad: use --entity ID."]
    assert users.count_users(engine) == 0


def test_password_stdin_too_short_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("abc\n"))
    code = main(
        [
            "--database-url",
            url_of(engine),
            "users",
            "add",
            "--email",
            "a@aig.gob.pa",
            "--role",
            "admin",
            "--password-stdin",
        ]
    )
    assert code == 2
    assert "al menos 8" in capsys.readouterr().err
    assert users.count_users(engine) == 0


def test_users_add_asesor_with_several_entities(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    for entity in ("MINSA", "MEF"):
        add_entity(engine, entity)
    url = url_of(engine)
    base = ["--database-url", url, "users", "add", "--email", "calidad@aig.gob.pa"]
    assert main([*base, "--role", "asesor", "--entity", "MINSA", "--entity", "MEF"]) == 0
    record = users.find_user(engine, "calidad@aig.gob.pa")
    assert record is not None
    assert (record.role, record.entity_id, record.entity_ids) == ("asesor", None, ("MEF", "MINSA"))
    identity = record.identity("oidc")  # the OIDC mapping is this same table
    assert identity.own_entities == ("MEF", "MINSA")
    assert identity.can_see_cases_of("MEF") and not identity.can_see_cases_of("MOP")
    capsys.readouterr()
    assert main(["--database-url", url, "users", "list"]) == 0
    assert "asesor (Asesor de Calidad)\tMEF, MINSA" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("role", "entities", "message"),
    [
        ("asesor", [], "Un asesor necesita al menos una entidad asignada: use --entity ID."),
        ("asesor", ["MINSA", "NOEXISTE"], "No existe la entidad 'NOEXISTE'; impórtela antes"),
        (
            "enlace",
            ["MINSA", "MEF"],
            "Un enlace pertenece a una sola entidad: use --entity una vez.",
        ),
        ("director", ["MINSA"], "El rol director ve todas las entidades; no use --entity."),
    ],
)
def test_users_add_entity_rules(
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
    role: str,
    entities: list[str],
    message: str,
) -> None:
    for entity in ("MINSA", "MEF"):
        add_entity(engine, entity)
    args = ["--database-url", url_of(engine), "users", "add", "--email", "x@aig.gob.pa"]
    args += ["--role", role]
    for entity in entities:
        args += ["--entity", entity]
    assert main(args) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"Error: {message}")
    assert users.count_users(engine) == 0
