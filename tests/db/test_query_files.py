"""Every SQL file in queries/ (all engineers' files) has the header and declares exactly the
`:params` it uses; comments hold no `:name` (whole-line comments are stripped before the text
is sent, a trailing comment is not, and a header may be copied into a console)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cac311.config import QUERIES_DIR
from cac311.db.queries import PARAM_RE, all_query_files, parse_query_file

FILES = all_query_files()


def _id(path: Path) -> str:
    return str(path.relative_to(QUERIES_DIR))


def test_there_are_query_files() -> None:
    assert FILES, "queries/ holds no .sql file"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_header_comes_first(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 3
    assert re.match(r"^-- name: \S+$", lines[0]), lines[0]
    assert re.match(r"^-- grain: \S.*$", lines[1]), lines[1]
    assert re.match(r"^-- params: \S.*$", lines[2]), lines[2]
    assert lines[0].removeprefix("-- name: ") == path.stem


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_declared_params_equal_used_params(path: Path) -> None:
    query = parse_query_file(path)
    assert query.used_params == query.declared_params, (
        f"used {sorted(query.used_params)} vs declared {sorted(query.declared_params)}"
    )


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_comments_hold_no_bind_parameters(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        comment = line.partition("--")[2] if "--" in line else ""
        assert not PARAM_RE.findall(comment), (
            f"line {number}: ':name' in a comment would be bound by the driver: {line!r}"
        )


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_values_are_never_formatted_into_the_text(path: Path) -> None:
    body = path.read_text(encoding="utf-8")
    assert not re.search(r"\{[a-z_]*\}|%\(|%s|\?", body), "only :named parameters are allowed"


def test_comment_lines_are_not_sent_to_the_database(tmp_path: Path) -> None:
    path = tmp_path / "demo__comment.sql"
    path.write_text(
        "-- name: demo__comment\n-- grain: one row\n-- params: :n\n-- uses :n, not :other\n"
        "select :n as n\n",
        encoding="utf-8",
    )
    query = parse_query_file(path)
    assert query.declared_params == {"n"}
    assert query.used_params == {"n"}
    assert "--" not in query.body
    assert query.body.strip() == "select :n as n"
