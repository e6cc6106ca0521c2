"""`cac311 import` through `cac311.cli.main`: report lines, or exit 2 with one line on error."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.cli import main
from cac311.config import PROJECT_ROOT
from tests.conftest import SHARED_DATA, url_of


def test_cli_imports_with_profile_and_prints_report(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = url_of(engine)
    entities = PROJECT_ROOT / "mappings" / "myla311_entities.csv"
    assert main(["import", "entities", str(entities), "--database-url", url]) == 0
    capsys.readouterr()
    cases = SHARED_DATA / "la_myla311" / "MyLA311_2018_mini.csv"
    code = main(["--database-url", url, "import", "cases", str(cases), "--mapping", "myla311"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[:3] == ["Insertados: 9987", "Actualizados: 0", "Sin cambios: 0"]
    assert out[3].startswith("En cuarentena: 13 (")
    assert "[cierre_antes_de_creacion]: 13" in out[3]
    assert out[4] == "Avisos: 0"  # the profile maps no province or sla_days


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (b"case_id,entity_id\nA1,MINSA\n", [], "Falta la columna obligatoria «case_type»"),
        (
            "case_id,entity_id,case_type,created_at\nA1,MINSA,queja,Atención\n".encode("cp1252"),
            [],
            "--encoding cp1252",
        ),
        (
            b"case_id,entity_id,case_type,created_at\n",
            ["--timezone", "Mars/Olympus"],
            "Zona horaria",
        ),
        (b"case_id,entity_id,case_type,created_at\n", ["--mapping", "nope.toml"], "perfil"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    content: bytes,
    extra: list[str],
    message: str,
) -> None:
    path = tmp_path / "casos.csv"
    path.write_bytes(content)
    code = main(["import", "cases", str(path), "--database-url", url_of(engine), *extra])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from import_batches")).scalar_one() == 0
