"""`cac311 export publication` through `cac311.cli.main` on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from cac311.cli import main
from cac311.config import Settings
from cac311.export.publication import build_bundle
from tests import analytics_calls as calls
from tests.conftest import url_of
from tests.export.publication_data import MONTH, load_dataset

NAMES = [f"estadisticas_311_{MONTH}.csv", f"estadisticas_311_{MONTH}_excel.csv", "datapackage.json"]


@pytest.fixture
def dataset(engine: Engine) -> Engine:
    return load_dataset(engine)


def test_cli_writes_the_three_files(
    dataset: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pub"
    argv = ["export", "publication", "--month", MONTH, "--out", str(out)]
    code = main([*argv, "--dias", "habiles", "--database-url", url_of(dataset)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)
    printed = capsys.readouterr().out.splitlines()
    assert printed[:3] == [f"Escrito {out / name}" for name in NAMES]
    # The first final bundle of the month records its publication date (issue 15).
    assert printed[3].startswith("Publicación de 2026-10 registrada el ")
    assert len(printed) == 4
    expected = build_bundle(dataset, Settings(), period=calls.period(MONTH, "habiles"))
    for name in NAMES[:2]:
        assert (out / name).read_bytes() == expected.files[name]
    assert json.loads((out / NAMES[2]).read_text("utf-8"))["dias"] == "habiles"


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "Error: --month: Mes inválido: '2026-13' (use AAAA-MM, por ejemplo 2026-10)"),
        ("octubre", "Error: --month: Mes inválido: 'octubre' (use AAAA-MM, por ejemplo 2026-10)"),
        (
            "2026-11",
            "Error: El mes 2026-11 aún no está completo (datos al 10/11/2026); use "
            "--allow-partial para exportarlo marcado como parcial.",
        ),
    ],
)
def test_cli_refuses_with_one_line_and_exit_2(
    dataset: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    month: str,
    message: str,
) -> None:
    out = tmp_path / "pub"
    argv = ["export", "publication", "--month", month, "--out", str(out)]
    code = main(["--database-url", url_of(dataset), *argv])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.splitlines() == [message]
    assert captured.out == ""
    assert not out.exists()


def test_cli_allow_partial(dataset: Engine, tmp_path: Path) -> None:
    out = tmp_path / "pub"
    argv = ["export", "publication", "--month", "2026-11", "--out", str(out), "--allow-partial"]
    assert main([*argv, "--database-url", url_of(dataset)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "datapackage.json",
        "estadisticas_311_2026-11_parcial.csv",
        "estadisticas_311_2026-11_parcial_excel.csv",
    ]
