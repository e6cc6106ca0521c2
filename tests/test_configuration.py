"""Settings from the environment, the README's table of them, and the declared dependencies."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from cac311.cli import main
from cac311.config import Settings
from cac311.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_defaults_follow_the_spec() -> None:
    settings = Settings()
    assert (settings.legal_limit_days, settings.ranking_min_n, settings.timezone) == (
        30,
        20,
        "America/Panama",
    )
    assert (settings.freshness_al_dia_days, settings.freshness_por_vencer_days) == (90, 180)
    assert settings.extra_days_off == ()


def test_environment_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAC311_LIMITE_DIAS", "20")
    monkeypatch.setenv("CAC311_DIAS_LIBRES_EXTRA", "2026-12-24, 2026-01-02")
    monkeypatch.setenv("CAC311_TIMEZONE", "America/Bogota")
    settings = Settings.from_env()
    assert settings.legal_limit_days == 20
    assert settings.extra_days_off == (date(2026, 1, 2), date(2026, 12, 24))
    assert settings.timezone == "America/Bogota"
    assert Settings() != settings, "Settings() is the defaults alone, never the environment"


def test_one_spanish_line_per_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAC311_LIMITE_DIAS", "treinta")
    monkeypatch.setenv("CAC311_RANKING_MIN_N", "0")
    monkeypatch.setenv("CAC311_DIAS_LIBRES_EXTRA", "2026-13-01")
    monkeypatch.setenv("CAC311_TIMEZONE", "Marte/Olimpo")
    with pytest.raises(UserError) as raised:
        Settings.from_env()
    lines = str(raised.value).splitlines()
    assert len(lines) == 4
    assert sorted(line.split("=")[0].removeprefix("Variable de entorno ") for line in lines) == [
        "CAC311_DIAS_LIBRES_EXTRA",
        "CAC311_LIMITE_DIAS",
        "CAC311_RANKING_MIN_N",
        "CAC311_TIMEZONE",
    ]
    assert (
        "Variable de entorno CAC311_LIMITE_DIAS='treinta' inválida: debe ser un número entero."
        in lines
    )


def test_cli_stops_with_the_lines_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("CAC311_POR_VENCER_DESDE", "x")
    code = main(["db", "upgrade", "--database-url", f"sqlite:///{tmp_path / 'db.sqlite'}"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Error: Variable de entorno CAC311_POR_VENCER_DESDE='x' inválida")
    assert "Traceback" not in err


def test_readme_lists_every_variable_the_product_reads() -> None:
    table_names = set(re.findall(r"`((?:CAC311_|DATABASE_URL)[A-Z_]*)", README))
    assert set(Settings.variables()) <= table_names
    read_in_code = set()
    for path in (ROOT / "src").rglob("*.py"):
        read_in_code |= set(re.findall(r"environ\.get\(\s*\"([A-Z_0-9]+)\"", path.read_text()))
    assert read_in_code, "the scan found no environment reads at all"
    assert read_in_code <= table_names, read_in_code - table_names


def _locked() -> dict[str, str]:
    lock = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", lock, re.M)
    return {canonicalize_name(name): version for name, version in pins}


def test_every_declared_dependency_is_locked_at_an_allowed_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    assert len(declared) > 10
    locked = _locked()
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is declared but not in requirements.txt (bash dev.sh lock)"
        assert requirement.specifier.contains(locked[name]), (name, locked[name])
        assert requirement.specifier, f"{name} needs a lower bound"


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["export", "publication", "--out", "x"], "Error: faltan argumentos obligatorios: --month"),
        (["import", "nada", "f.csv"], "Error: kind: opción inválida: 'nada'"),
        (["demo", "--cases", "muchos"], "Error: --cases: número entero inválido: 'muchos'"),
        (
            ["export", "publication", "--month", "2026-10", "--out", "x", "--dias", "laborables"],
            "Error: --dias: Modo de días inválido: 'laborables' (use calendario o habiles)",
        ),
    ],
)
def test_command_line_refusals_are_one_spanish_line(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith(line), err
    assert len(err.splitlines()) == 1
