"""Forgetting `cac311.ui.safe.md` fails here (issue 18, point 1).

A static scan (AST) of `app.py`, `pages/` and `src/cac311/` for the text Streamlit renders as
Markdown: the first argument of `markdown`, `caption`, `info`, `warning`, `error`, `success`,
`title`, `header`, `subheader`, `toast`, `write`, `metric`, the widgets and buttons,
`page_link`, `expander`, `tabs`, our own Markdown sinks (`_notice`, `url_choice`/`url_multi`
`label_text`/`help_text`), and every `help=` / `label=` keyword. In such an argument, each
`{…}` of an f-string (and each operand of `+`) must be visibly safe:

- a call of `md` (or of a formatter whose output is our own text: `fmt_*`, `month_long`,
  `metric_label`, `definition`, …), a constant, an UPPER_CASE name (a constant of ours),
- a value with a numeric/date format spec (`{n:,}`, `{d:%d/%m}`), a `len(…)` or `.height`,
- a name ending in `_md` (Markdown already built with `md`),
- or a line marked `# safe: <why>` after review.

Also: `md` never inside a `format_func` (plain text: its backslashes would show), and no value
right after a `:` in a Markdown f-string (it could complete a `:shortcode:` with our colon).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SCANNED = sorted(
    [PROJECT / "app.py", *(PROJECT / "pages").glob("*.py"), *(PROJECT / "src/cac311").rglob("*.py")]
)
MARKDOWN_METHODS = frozenset(
    {
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "title",
        "header",
        "subheader",
        "toast",
        "write",
        "metric",
        "page_link",
        "expander",
        "popover",
        "status",
        "button",
        "download_button",
        "link_button",
        "form_submit_button",
        "selectbox",
        "multiselect",
        "radio",
        "checkbox",
        "toggle",
        "text_input",
        "text_area",
        "number_input",
        "date_input",
        "slider",
        "file_uploader",
        "_notice",
    }
)
MARKDOWN_KEYWORDS = frozenset({"help", "label", "label_text", "help_text"})
SAFE_CALLS = frozenset(
    {
        "md",
        "fmt_int",
        "fmt_dec",
        "fmt_pct",
        "fmt_signed",
        "fmt_date",
        "fmt_metric",
        "fmt_delta",
        "month_long",
        "month_title",
        "datos_al_text",
        "metric_label",
        "metric_unit",
        "definition",
        "change_sentence",
        "len",
        "int",
        "round",
        "isoformat",
    }
)
SAFE_ATTRIBUTES = frozenset({"height", "width"})
TEXT_METHODS = frozenset({"lower", "upper", "capitalize", "strip"})
MARKER = "# safe:"


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(PROJECT)}:{self.line}: {self.what}"


def _name_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_constant_name(name: str | None) -> bool:
    return bool(name) and name.isupper() if name else False


def _safe_value(node: ast.expr, format_spec: ast.expr | None = None) -> bool:
    """True when an interpolated expression is visibly not imported text."""
    if format_spec is not None:
        return True  # `{n:,}`, `{d:%d/%m/%Y}`: numbers and dates
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call):
        return _safe_call(node)
    if isinstance(node, ast.Attribute) and node.attr in SAFE_ATTRIBUTES:
        return True
    if isinstance(node, ast.Subscript):  # CONSTANT_LABELS[code]: KeyError if unknown
        return _is_constant_name(_name_of(node.value))
    name = _name_of(node)
    return name is not None and (_is_constant_name(name) or name.endswith("_md"))


def _safe_call(node: ast.Call) -> bool:
    """A call whose result is visibly not imported text."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in TEXT_METHODS:
        return _safe_value(func.value)  # SAFE.lower(), SAFE.capitalize()
    if isinstance(func, ast.Attribute) and func.attr == "get":
        return _is_constant_name(_name_of(func.value))  # CONSTANT_LABELS.get(code, "")
    return _name_of(func) in SAFE_CALLS


def _interpolations(node: ast.expr) -> Iterator[tuple[ast.expr, ast.expr | None]]:
    """The values put into text by `node`: f-string fields and `+` operands (not descending
    into calls: a call's own result is judged as a whole)."""
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                yield part.value, part.format_spec
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for side in (node.left, node.right):
            if isinstance(side, ast.JoinedStr | ast.BinOp | ast.IfExp):
                yield from _interpolations(side)
            else:
                yield side, None
    elif isinstance(node, ast.IfExp):
        yield from _interpolations(node.body)
        yield from _interpolations(node.orelse)
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            yield from _interpolations(item)


def _colon_before_value(node: ast.expr) -> bool:
    """An f-string whose literal ends in ':' or '@' right before a `{…}`."""
    if not isinstance(node, ast.JoinedStr):
        return False
    parts = node.values
    return any(
        isinstance(a, ast.Constant)
        and isinstance(a.value, str)
        and a.value.endswith((":", "@"))
        and isinstance(b, ast.FormattedValue)
        for a, b in itertools.pairwise(parts)
    )


def _markdown_arguments(call: ast.Call) -> Iterator[ast.expr]:
    method = _name_of(call.func)
    if method in MARKDOWN_METHODS and call.args:
        yield call.args[0]
    for keyword in call.keywords:
        if keyword.arg in MARKDOWN_KEYWORDS:
            yield keyword.value
    if method == "tabs" and call.args:
        yield call.args[0]


def findings(path: Path) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    found: list[Finding] = []

    def marked(node: ast.AST) -> bool:
        first, last = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno
        return any(MARKER in lines[n - 1] for n in range(first, last + 1))

    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        for argument in _markdown_arguments(call):
            if _colon_before_value(argument) and not marked(argument):
                found.append(Finding(path, argument.lineno, "a value right after ':'"))
            for value, spec in _interpolations(argument):
                if not _safe_value(value, spec) and not marked(value):
                    shown = ast.unparse(value)
                    found.append(Finding(path, value.lineno, f"unescaped {{{shown}}}"))
        for keyword in call.keywords:
            if keyword.arg == "format_func":
                for inner in ast.walk(keyword.value):
                    if isinstance(inner, ast.Call) and _name_of(inner.func) == "md":
                        found.append(Finding(path, inner.lineno, "md() in a format_func"))
    return found


@pytest.mark.parametrize("path", SCANNED, ids=[str(p.relative_to(PROJECT)) for p in SCANNED])
def test_data_meets_markdown_only_through_md(path: Path) -> None:
    problems = findings(path)
    assert not problems, "wrap these values in cac311.ui.safe.md (or mark `# safe: why`):\n" + (
        "\n".join(map(str, problems))
    )


def test_the_charts_escape_with_plotly_text_not_md() -> None:
    for path in sorted((PROJECT / "src/cac311/ui/charts").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {_name_of(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert "md" not in called, f"{path.name}: Plotly needs plotly_text, not md"


BAD_PAGE = """
import streamlit as st
from cac311.ui.safe import md
st.subheader(f"{entity} — {md(name)}")
st.info("Su entidad: " + entity_id)
st.metric("x", 1, help=f"{detail}")
st.selectbox("E", codes, format_func=lambda c: md(c))
st.caption(f"ok {md(a)} {n:,} {len(rows)} {frame.height} {MONTH_TEXT} {who_md}")
st.warning(f"vetted {value}")  # safe: an integer count
st.markdown(f"emoji:{md(code)}")
"""


def test_the_guard_catches_what_it_should(tmp_path: Path) -> None:
    """The scan itself is tested: a page with each mistake, and the forms it must accept."""
    page = tmp_path / "bad.py"
    page.write_text(BAD_PAGE, encoding="utf-8")
    found = [f.what for f in findings(page)]
    assert found == [
        "unescaped {entity}",
        "unescaped {entity_id}",
        "unescaped {detail}",
        "md() in a format_func",
        "a value right after ':'",
    ], found
