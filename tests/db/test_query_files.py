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


def test_the_group_by_allow_list_is_the_sql_fragment_s() -> None:
    from cac311.analytics.monthly import GROUP_BY_COLUMNS
    from cac311.db.queries import load_fragment

    branches = re.findall(r"when :group_by = '(\w+)'", load_fragment("group_key").body)
    assert branches == [*GROUP_BY_COLUMNS, "none"]


def test_a_fragment_is_expanded_and_its_params_declared(tmp_path: Path) -> None:
    (tmp_path / "include").mkdir()
    (tmp_path / "include" / "only_open.sql").write_text(
        "-- name: only_open\n-- grain: a where clause\n-- params: status\n"
        "-- nothing here is sent\nwhere t.status = :status\n",
        encoding="utf-8",
    )
    path = tmp_path / "demo__include.sql"
    path.write_text(
        "-- name: demo__include\n-- grain: one row\n-- params: n, @only_open\n"
        "select :n as n from t\n    -- include: only_open\n",
        encoding="utf-8",
    )
    query = parse_query_file(path, tmp_path)
    assert query.declared_params == {"n", "status"} == query.used_params
    assert query.body.splitlines() == ["select :n as n from t", "where t.status = :status"]


def test_a_fragment_not_named_in_the_header_is_refused(tmp_path: Path) -> None:
    (tmp_path / "include").mkdir()
    (tmp_path / "include" / "x.sql").write_text(
        "-- name: x\n-- grain: g\n-- params: none\nwhere true\n", encoding="utf-8"
    )
    path = tmp_path / "demo__hidden.sql"
    path.write_text(
        "-- name: demo__hidden\n-- grain: one row\n-- params: none\nselect 1\n-- include: x\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="fragments"):
        parse_query_file(path, tmp_path)


def test_no_query_repeats_the_filter_block_instead_of_including_it() -> None:
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        if path.parent.name != "include":
            assert ":all_case_types" not in text, f"{_id(path)}: use -- include: filtered_cases"
