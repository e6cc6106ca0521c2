"""Every page starts with the guard: `ctx = page_setup(PAGE)` before anything else runs.

Streamlit runs a file in `pages/` directly on a deep link (STACK_NOTES §1), so the sign-in and
the role check only hold if each page file calls `page_setup` first — before any other
statement could draw something or read data. Checked on the source with `ast`, without running
the pages. Also: the files in `pages/` and the registry `cac311.ui.guard.PAGES` match one to one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cac311.ui import guard

PROJECT = Path(__file__).resolve().parents[1]
PAGE_FILES = ["app.py", *sorted(f"pages/{p.name}" for p in (PROJECT / "pages").glob("*.py"))]


def first_statement(module: ast.Module) -> ast.stmt | None:
    """The first statement that is not the docstring or an import."""
    for index, node in enumerate(module.body):
        is_docstring = (
            index == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        if is_docstring or isinstance(node, ast.Import | ast.ImportFrom):
            continue
        return node
    return None


def guard_imports(module: ast.Module) -> dict[str, str]:
    """Local name → name in `cac311.ui.guard` for `from cac311.ui.guard import ...`."""
    names: dict[str, str] = {}
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module == "cac311.ui.guard":
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
    return names


@pytest.mark.parametrize("path", PAGE_FILES)
def test_first_statement_is_the_page_guard(path: str) -> None:
    module = ast.parse((PROJECT / path).read_text(encoding="utf-8"), filename=path)
    statement = first_statement(module)
    assert statement is not None, f"{path} has no statement after its imports"
    where = f"{path}:{statement.lineno}: `{ast.unparse(statement).splitlines()[0][:60]}`"
    assert isinstance(statement, ast.Assign), f"{where}: expected `ctx = page_setup(PAGE)`"
    assert len(statement.targets) == 1, where
    [target] = statement.targets
    assert isinstance(target, ast.Name) and target.id == "ctx", (
        f"{where}: the first statement must be `ctx = page_setup(PAGE)`"
    )
    call = statement.value
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name), where
    imported = guard_imports(module)
    assert imported.get(call.func.id) == "page_setup", f"{where}: not guard.page_setup"
    assert len(call.args) == 1 and isinstance(call.args[0], ast.Name), where
    assert all(k.arg == "subtitle" for k in call.keywords), f"{where}: only subtitle= allowed"
    page_name = imported.get(call.args[0].id)
    assert page_name is not None, f"{where}: the page constant must come from cac311.ui.guard"
    page = getattr(guard, page_name, None)
    assert isinstance(page, guard.Page), f"{where}: {page_name} is not a guard.Page"
    assert page.path == path, f"{where}: {page_name} is the page of {page.path}, not of {path}"


def test_every_page_file_is_registered_and_every_registered_page_exists() -> None:
    registered = [page.path for page in guard.PAGES]
    assert len(set(registered)) == len(registered), "a page is registered twice"
    assert sorted(registered) == sorted(PAGE_FILES)
    assert registered[0] == "app.py", "Resumen (app.py) is the first entry of the menu"


def test_first_statement_detection_is_not_fooled() -> None:
    """The checker itself: a page that draws or reads before the guard is caught."""
    bad = ast.parse(
        '"""Doc."""\nimport streamlit as st\nst.title("x")\nctx = page_setup(RANKING)\n'
    )
    statement = first_statement(bad)
    assert isinstance(statement, ast.Expr)
    good = ast.parse(
        '"""Doc."""\nfrom __future__ import annotations\n'
        "from cac311.ui.guard import RANKING, page_setup\nctx = page_setup(RANKING)\n"
    )
    statement = first_statement(good)
    assert isinstance(statement, ast.Assign)
    assert guard_imports(good) == {"RANKING": "RANKING", "page_setup": "page_setup"}
