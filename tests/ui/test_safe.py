"""`cac311.ui.safe`: imported text is never markup (issue 18, point 1).

`md` is checked against a reference CommonMark renderer (markdown-it-py) for the paragraph it
becomes, and against the rewrites Streamlit's own renderer applies to the parsed text (copied
from Streamlit 1.67's frontend: emoji, Material icons, the logo, GFM autolinks, arrows) and
to the source (math detection, directives). The real browser check is
`tests/e2e/test_hostile_data.py`.
"""

from __future__ import annotations

import html
import re

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from polars.testing import assert_frame_equal

from cac311.ui.safe import (
    ELLIPSIS,
    EMPTY,
    FSI,
    PDI,
    WORD_JOINER,
    file_part,
    md,
    plain,
    plotly_text,
    table_cells,
)
from tests.hostile import CORPUS

# CommonMark plus the GFM table and strikethrough rules Streamlit's renderer also has.
RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

# What Streamlit 1.67's Markdown renderer rewrites in a TEXT node, after parsing (JavaScript
# `\w` is ASCII: re.ASCII).
TEXT_REWRITES = {
    "material icon": re.compile(r":material_(\w+):", re.ASCII),
    "streamlit logo": re.compile(r":streamlit:"),
    "emoji": re.compile(r":\+1:|:-1:|:[\w-]+:", re.ASCII),
    "url autolink": re.compile(r"https?://", re.IGNORECASE),
    "www autolink": re.compile(r"www(?=\.)", re.IGNORECASE),
    "e-mail autolink": re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.ASCII),
    "arrow": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}
# ... and in the SOURCE, before parsing: math is rendered when an unescaped `$` pair is found
# (escaped `\$`, `\\` and backquotes are removed first), directives start at an unescaped `:`,
# and `:material/` is rewritten to `:material_`.
ESCAPED_PAIRS = re.compile(r"\\[\\$`]")
UNESCAPED = re.compile(r"(?<!\\)(?:\\\\)*[$:<`*_\[]")

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    max_size=80,
)
markup_heavy = st.lists(
    st.sampled_from(
        [*"*_`[]()<>!#$:%&@~|-=+.\\/ \nabwAZ09", "www.", "http://", "\u202e", "material_", "ا"]
    ),
    max_size=40,
).map("".join)


def rendered_text(source: str) -> str:
    """The paragraph markdown-it makes of `source`, as its text; fails if it made any tag."""
    out = RENDERER.render(source).strip()
    if not out:
        return ""
    assert out.startswith("<p>") and out.endswith("</p>"), out
    inner = out[3:-4]
    assert "<" not in inner, f"an element was created: {out}"
    return html.unescape(inner)


def shown(value: str) -> str:
    """What a reader sees of `md(value)`: `plain(value)` without the invisible marks `md`
    adds (a word joiner of the value itself is invisible too)."""
    return plain(value).replace(FSI, "").replace(PDI, "").replace(WORD_JOINER, "")


def check_md(value: str) -> None:
    source = md(value)
    text = rendered_text(source).replace(WORD_JOINER, "")
    # markdown-it trims a paragraph's leading/trailing spaces, like the browser does.
    assert text.replace(FSI, "").replace(PDI, "") == shown(value).strip(" \t")
    node_text = rendered_text(source)
    for name, pattern in TEXT_REWRITES.items():
        assert not pattern.search(node_text), f"{name} rewrite on {node_text!r}"
    assert "$" not in ESCAPED_PAIRS.sub("_", source), "math would be rendered"
    assert not UNESCAPED.search(source), source
    assert ":material/" not in source


@pytest.mark.parametrize("value", CORPUS.values(), ids=CORPUS.keys())
def test_md_shows_every_hostile_value_as_its_characters(value: str) -> None:
    check_md(value)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_md_shows_any_text_as_its_characters(value: str) -> None:
    check_md(value)


@settings(max_examples=400, deadline=None)
@given(markup_heavy)
def test_md_shows_markup_heavy_text_as_its_characters(value: str) -> None:
    check_md(value)


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_md_values_inside_a_sentence_stay_inside(before: str, value: str) -> None:
    """A value between our own words cannot open emphasis or a link that swallows them."""
    assume(plain(value) and plain(before))
    source = f"Su entidad, **{md(value)}**, ocupa la posición {md(before)}."
    out = RENDERER.render(source)
    assert out.count("<strong>") == 1 and "<a " not in out and "<em>" not in out


def test_md_is_the_identity_on_ordinary_codes() -> None:
    for value in ("MINSA", "Ministerio de Salud", "octubre de 2026", "Enlace · MOP"):
        assert md(value) == value
    assert md(None) == EMPTY


def test_limit_cuts_with_an_ellipsis_for_display() -> None:
    assert plain("x" * 300, limit=10) == "x" * 9 + ELLIPSIS
    assert len(plain("y" * 300, limit=160)) == 160
    assert plain("corto", limit=10) == "corto"
    assert md("a*b" * 50, limit=6) == r"a\*ba\*…"


def test_plain_drops_bidi_controls_and_isolates_right_to_left_text() -> None:
    assert plain("MIN\u202eSA\u202c") == "MINSA"
    assert plain("\u2067abc\u2069 \u200f") == "abc"
    arabic = "وزارة الصحة"
    assert plain(arabic) == f"{FSI}{arabic}{PDI}"
    assert plain("MIN\u200bSA\u200d") == "MIN\u200bSA\u200d", "zero-width text is kept"


def test_plain_puts_one_line_for_any_control_run() -> None:
    assert plain("a\r\n\n\tb\x00c\x85d\u2028e") == "a b c d e"
    assert plain("a    b") == "a b"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_plotly_text_leaves_no_markup_and_round_trips(value: str) -> None:
    text = plotly_text(value)
    assert not set("<>${") & set(text)
    assert re.fullmatch(r"(?:[^&]|&(?:amp|lt|gt|#36|#123);)*", text), text
    assert html.unescape(text) == plain(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("MINSA", "MINSA"),
        ("../../etc/passwd", "etc_passwd"),
        ("<b>x</b>:red[y]", "b_x_b_red_y"),
        ("Alcaldía de Panamá", "Alcaldía_de_Panamá"),
        ("\u202eexe.txt", "exe.txt"),
        ("...", "x"),
        (None, "x"),
    ],
)
def test_file_part_keeps_a_file_name_a_name(value: str | None, expected: str) -> None:
    assert file_part(value) == expected


@settings(max_examples=300, deadline=None)
@given(texts)
def test_file_part_never_leaves_a_separator_or_a_hidden_name(value: str) -> None:
    part = file_part(value)
    assert re.fullmatch(r"[\w.\-]{1,40}", part) and not part.startswith(".")
    assert "/" not in part and "\\" not in part


def test_table_cells_only_drop_bidi_controls_from_text_columns() -> None:
    frame = pl.DataFrame(
        {"entidad": ["\u202eodacifilpmoc\u202c", "**x** <b>", None], "n": [1, 2, 3]}
    )
    expected = pl.DataFrame({"entidad": ["odacifilpmoc", "**x** <b>", None], "n": [1, 2, 3]})
    assert_frame_equal(table_cells(frame), expected)
