"""The two CSV dialects of the publication bundle, on small hand-made frames (no database)."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from cac311.export.csv_formats import (
    OPEN_DATA,
    SPREADSHEET,
    format_number,
    guard_formula,
    write_csv,
)


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "entidad": ["Alcaldía", 'Sede "A"; norte, sur', "=1+1", None],
            "recibidos": [12345, 0, 7, None],
            "pct": [87.5, 100.0, 0.05, None],
        },
        schema={"entidad": pl.String, "recibidos": pl.Int64, "pct": pl.Float64},
    )


def test_open_data_bytes() -> None:
    expected = (
        "entidad,recibidos,pct\n"
        "Alcaldía,12345,87.5\n"
        '"Sede ""A""; norte, sur",0,100.0\n'
        "=1+1,7,0.1\n"
        ",,\n"
    ).encode()
    assert write_csv(frame(), OPEN_DATA) == expected


def test_spreadsheet_bytes() -> None:
    expected = (
        "\ufeffentidad;recibidos;pct\r\n"
        "Alcaldía;12345;87,5\r\n"
        '"Sede ""A""; norte, sur";0;100,0\r\n'
        "'=1+1;7;0,1\r\n"
        ";;\r\n"
    ).encode()
    assert write_csv(frame(), SPREADSHEET) == expected


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+5", "'+5"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ministerio = A", "Ministerio = A"),
        ("", ""),
        ("'ya", "'ya"),
    ],
)
def test_guard_formula(text: str, guarded: str) -> None:
    assert guard_formula(text) == guarded


def test_spreadsheet_cells_read_back_by_a_csv_reader() -> None:
    nasty = pl.DataFrame({"entidad": ["=cmd|' /C calc'!A0", "a\r\nb", "-2+3", "@x;y"]})
    text = write_csv(nasty, SPREADSHEET).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows == [["entidad"], ["'=cmd|' /C calc'!A0"], ["a\r\nb"], ["'-2+3"], ["'@x;y"]]
    open_text = write_csv(nasty, OPEN_DATA).decode("utf-8")
    open_rows = list(csv.reader(io.StringIO(open_text, newline="")))
    assert [row[0] for row in open_rows[1:]] == nasty["entidad"].to_list()


@pytest.mark.parametrize(
    ("value", "point", "comma"),
    [
        (0, "0", "0"),
        (1234567, "1234567", "1234567"),
        (87.5, "87.5", "87,5"),
        (100.0, "100.0", "100,0"),
        (2.25, "2.3", "2,3"),  # half away from zero on the shortest repr
        (0.05, "0.1", "0,1"),
        (1e-20, "0.0", "0,0"),
        (123456789.0, "123456789.0", "123456789,0"),  # no scientific notation, no grouping
        (-0.0, "0.0", "0,0"),
    ],
)
def test_format_number(value: float, point: str, comma: str) -> None:
    assert format_number(value) == point
    assert format_number(value, ",") == comma


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_format_number_refuses_non_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="cannot write"):
        format_number(bad)


def test_unsupported_column_type_is_refused() -> None:
    with pytest.raises(TypeError, match="expected text or number"):
        write_csv(pl.DataFrame({"ok": [True]}), OPEN_DATA)
