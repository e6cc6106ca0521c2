"""Docs as tests: every exported column and every metric definition is documented, and the pure
metrics package stays pure (no Streamlit, SQLAlchemy, I/O or clock)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cac311.config import PROJECT_ROOT
from metrics.definitions import DEFINITIONS_VERSION, METRIC_DEFINITIONS
from metrics.deltas import DELTA_SCHEMA
from metrics.publication import PUBLICATION_COLUMNS, RANKING_COLUMNS, TREND_COLUMNS

DOC = PROJECT_ROOT / "docs" / "metrics.md"
METRICS_DIR = PROJECT_ROOT / "src" / "metrics"
FORBIDDEN_IMPORTS = ("streamlit", "sqlalchemy", "psycopg", "requests")
FORBIDDEN_CALLS = ("now", "today", "utcnow", "open", "read_csv", "read_database", "time")


def documented_codes() -> set[str]:
    return set(re.findall(r"`([a-z_][a-z0-9_]*)`", DOC.read_text(encoding="utf-8")))


EXPORTED = sorted(
    set(PUBLICATION_COLUMNS) | set(RANKING_COLUMNS) | set(TREND_COLUMNS) | set(DELTA_SCHEMA)
)


@pytest.mark.parametrize("column", EXPORTED)
def test_exported_column_is_documented(column: str) -> None:
    assert column in documented_codes(), f"docs/metrics.md has no entry for `{column}`"


@pytest.mark.parametrize("code", sorted(METRIC_DEFINITIONS))
def test_definition_is_documented(code: str) -> None:
    assert code in documented_codes(), f"docs/metrics.md has no entry for `{code}`"


@pytest.mark.parametrize("column", PUBLICATION_COLUMNS)
def test_publication_column_has_a_definition(column: str) -> None:
    entry = METRIC_DEFINITIONS[column]
    assert entry.code == column
    assert entry.etiqueta and entry.definicion.endswith(".") and entry.unidad


def test_definitions_version_is_in_the_docs() -> None:
    assert re.fullmatch(r"\d{4}\.\d{2}-\d+", DEFINITIONS_VERSION)
    assert f"`{DEFINITIONS_VERSION}`" in DOC.read_text(encoding="utf-8")


def test_docs_answer_the_legal_question_and_the_index() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").replace("\n>", "\n").split())
    assert "es una pregunta legal que corresponde responder a la AIG" in text
    assert "calendario por defecto" in text
    assert "Por qué el índice cuenta los vencidos abiertos" in text


def _python_files() -> list[Path]:
    return sorted(METRICS_DIR.glob("*.py"))


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: p.name)
def test_metrics_module_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN_IMPORTS, f"{path.name} imports {name}"
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in FORBIDDEN_CALLS, f"{path.name} calls {called}() (I/O or clock)"


def test_importing_metrics_loads_neither_streamlit_nor_sqlalchemy() -> None:
    modules = ", ".join(f"metrics.{p.stem}" for p in _python_files() if p.stem != "__init__")
    code = (
        f"import sys, {modules}\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('streamlit', 'sqlalchemy')]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == ""
