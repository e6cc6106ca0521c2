"""Imported text is never markup: the one place where a value from data meets a renderer.

THE RULE (docs/security.md, "Imported text is never markup"). Any value that comes from data —
entity ids and names, categories, channels, districts, release ids and titles, import file
names, quarantine details and raw rows, user e-mails, audit details, enlace submissions, URL
parameters echoed back — goes through ONE of these functions at the place it meets a renderer:

- `md(value)` — anything Streamlit reads as Markdown: the body of `st.markdown`, `caption`,
  `info`, `warning`, `error`, `success`, `title`, `header`, `subheader`, `toast`; the label of
  a metric, widget, tab, expander, `st.page_link` or button; every `help=` tooltip.
- `plotly_text(value)` — any string of a Plotly figure: title, axis title, legend `name`,
  `x`/`y` categories, `text`, `ticktext`, `customdata` shown by a `hovertemplate` (the chart
  helpers `charts.style.texts` / `category_ticks` apply it to a whole column).
- `plain(value)` — a plain-text slot: a selectbox/multiselect/radio `format_func`, `st.text`,
  `st.code` (no escaping there: a backslash would show).
- `file_part(value)` — a value inside a download file name.

Cells of `st.dataframe` are plain text already: `widgets.data_table` only drops their bidi
controls (`table_cells`); the exports (CSV, publication, audit log) always get the values
exactly as stored.

    from cac311.ui.safe import md
    st.subheader(f"{md(entity_id)} — {md(name, limit=120)}")

What each function guarantees, in every context above, for ANY input string:

- `md`: the browser shows the characters of the value and creates no element from it — no
  link, emphasis, heading, list, table, code, HTML, KaTeX formula, colour/badge directive,
  Material icon, emoji, Streamlit logo or typographic replacement (`->` stays `->`). Every ASCII
  punctuation character is backslash-escaped (CommonMark escapes, also honoured by Streamlit's
  `$…$` math, `:colour[…]` directives and the `:material/…:` source rewrite), and an invisible
  WORD JOINER (U+2060) is put where Streamlit would otherwise rewrite the text after parsing
  (`:shortcode:`, `:material_x:`, `http://`, `www.`, `a@b.c` autolinks, `->`/`--`/`>=` arrows).
- `plotly_text`: `& < >` (and `$`, `{`) become character references, so Plotly's pseudo-HTML
  (`<b>`, `<a href>`, `<br>`, `<span style>`, MathJax `$…$`, `%{…}` templates) shows them as
  characters.
- all of them (display only): line breaks, tabs and other control characters become one space
  (runs of spaces one, none at either end),
  the invisible bidirectional controls (U+202A–E, U+2066–9, U+200E/F, U+061C) are dropped so a
  value can never reverse or re-order the text around it, a value with right-to-left letters is
  isolated (FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE), and `limit=` cuts it to that many
  characters with "…". Zero-width (non-)joiners and spaces are kept: they are part of the text.

Forgetting the helper fails a test: `tests/ui/test_safe_guard.py` scans `app.py`, `pages/` and
`src/cac311/` for Streamlit Markdown calls whose f-string interpolates anything that is not a
helper call, a formatter or an UPPER_CASE constant (mark a vetted exception with
`# safe: <why>` on that line), and `tests/app/test_hostile_data.py` renders every page for every
role on a database full of hostile values.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

import polars as pl

ELLIPSIS: Final = "…"
EMPTY: Final = "—"
WORD_JOINER: Final = "\u2060"
FSI: Final = "\u2068"  # FIRST STRONG ISOLATE
PDI: Final = "\u2069"  # POP DIRECTIONAL ISOLATE
# Display lengths (characters) for the usual slots: a header or sentence, an option label or a
# chart label. Long enough for every entity name the demo or AIG's lists hold.
LONG: Final = 160
SHORT: Final = 60

# Explicit bidirectional formatting characters: embeddings, overrides, isolates and marks (the
# pattern is also valid for Polars' regex engine: `table_cells`).
BIDI_CONTROLS: Final = "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
_BIDI_CONTROLS: Final = re.compile(BIDI_CONTROLS)
# C0/C1 control characters (line breaks and tabs included): one space each run.
_CONTROLS: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES: Final = re.compile(r"[ \u00a0]{2,}")
# Every ASCII punctuation character may be backslash-escaped in CommonMark (spec §2.4).
_PUNCTUATION: Final = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# Rewrites Streamlit applies to the parsed TEXT (escapes no longer visible there), and the
# character after which a WORD JOINER breaks each of them:
#   `:name:` emoji, `:material_x:` icons, `:streamlit:` logo, `https://` autolinks → after ":"
#   `www.` autolinks → between "www" and "."; `a@b.c` e-mail autolinks → after "@"
#   `->` `<-` `<->` `--` `>=` `<=` `~=` arrows → between the two characters.
_BREAK_AFTER: Final = re.compile(r"(\\[:@])(?!\s)|(\\[-<>~])(?=\\[->=])")
_WWW_DOT: Final = re.compile(r"(?i)(?<=w)(?=\\\.)")
_FILE_UNSAFE: Final = re.compile(r"[^\w.\-]+")


def _text(value: object) -> str:
    return EMPTY if value is None else str(value)


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def plain(value: object, *, limit: int | None = None) -> str:
    """`value` as one line of display text: controls → space, bidi controls dropped, RTL
    isolated, cut to `limit` characters with "…". For plain-text slots (`format_func`)."""
    text = _BIDI_CONTROLS.sub("", _text(value))
    text = _SPACES.sub(" ", _CONTROLS.sub(" ", text)).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return f"{FSI}{text}{PDI}" if _has_rtl(text) else text


def table_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame for `st.dataframe`: its text cells without bidi controls (a cell is text already,
    but an override would still reverse what it shows: "\u202eodacifilpmoc" reads
    "complicado"). Nothing else changes, nothing is cut; exports keep the stored values."""
    return frame.with_columns(pl.col(pl.String).str.replace_all(BIDI_CONTROLS, ""))


def md(value: object, *, limit: int | None = None) -> str:
    """`value` for a Streamlit Markdown slot: shown exactly as its characters, never as markup
    (see the module docstring); `limit` cuts it for display."""
    escaped = _PUNCTUATION.sub(r"\\\1", plain(value, limit=limit))
    escaped = _BREAK_AFTER.sub(lambda m: (m.group(1) or m.group(2)) + WORD_JOINER, escaped)
    return _WWW_DOT.sub(WORD_JOINER, escaped)


def plotly_text(value: object, *, limit: int | None = None) -> str:
    """`value` for any string of a Plotly figure: its pseudo-HTML, MathJax and templates show
    as characters."""
    text = plain(value, limit=limit)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("$", "&#36;")
        .replace("{", "&#123;")
    )


def file_part(value: object, *, limit: int = 40) -> str:
    """`value` as part of a download file name: letters, digits, `.`, `-` and `_` only (any
    other run becomes `_`), no leading dot, at most `limit` characters; "x" when nothing is
    left."""
    text = unicodedata.normalize("NFKC", _text(value))
    text = _FILE_UNSAFE.sub("_", text).strip("._")[:limit].strip("._")
    return text or "x"
