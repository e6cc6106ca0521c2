"""Province of a case: an ISO 3166-2:PA code from the code itself or a Spanish name.

Accepted (SPEC §6, issue 13), case-insensitive and with or without accents:

- the ISO 3166-2:PA codes `PA-1` … `PA-10`, `PA-EM`, `PA-KY`, `PA-NB`, `PA-NT` (spaces around
  the hyphen are ignored: `pa - 8`);
- the names of the ten provinces and the four province-level comarcas, with common variants:
  an optional leading "Provincia (de)" / "Comarca (de)" / "Comarca indígena", hyphens or spaces
  ("Ngäbe-Buglé", "Ngöbe Buglé", "Ngabe Bugle"), older names ("Kuna Yala", "San Blas"), the
  short names ("Emberá", "Naso") and the mojibake of a UTF-8 file read as Windows-1252
  ("NgÃ¤be-BuglÃ©", "COMARCA NGÃBE-BUGLE").

Not accepted, on purpose: bare numbers and OCHA/HDX P-codes (`8`, `PA08`, `PA-08`). The
province numbers of INEC (13 = Panamá Oeste, 10 = Guna Yala) and the alphabetical HDX P-codes
(PA08 = Kuna Yala, PA10 = Ngöbe Buglé) disagree with the ISO numbers (PA-8 = Panamá,
PA-10 = Panamá Oeste), so such a value cannot be read safely. Districts and corregimientos are
not provinces ("Changuinola", "Kuna de Madungandí"). Anything not accepted is stored as missing
and reported as a warning (`descriptive.py`); the case itself is always imported.

`province_codes` maps each DISTINCT value of a batch once (a handful of values for a million
rows), so the per-row cost is one hash lookup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cac311.ingest.kinds import PROVINCES

# Name keys: accents removed, lower case, only letters and digits (see `name_key`).
PROVINCE_NAMES: dict[str, tuple[str, ...]] = {
    "PA-1": ("Bocas del Toro", "Bocas"),
    "PA-2": ("Coclé",),
    "PA-3": ("Colón",),
    "PA-4": ("Chiriquí",),
    "PA-5": ("Darién",),
    "PA-6": ("Herrera",),
    "PA-7": ("Los Santos",),
    "PA-8": ("Panamá",),
    "PA-9": ("Veraguas",),
    "PA-10": ("Panamá Oeste",),
    "PA-EM": ("Emberá", "Emberá-Wounaan", "Emberá Wounaan", "Emberá-Wounan", "Emberá-Wunaan"),
    "PA-KY": ("Guna Yala", "Kuna Yala", "Gunayala", "San Blas"),
    "PA-NB": ("Ngäbe-Buglé", "Ngöbe-Buglé", "Ngäbe", "Ngöbe"),
    "PA-NT": ("Naso Tjër Di", "Naso", "Naso Tjerdi"),
}
# Leading words that qualify a name without changing it ("Provincia de Coclé", "Comarca
# Indígena Ngäbe-Buglé").
QUALIFIERS = frozenset({"provincia", "prov", "comarca", "indigena", "de", "del"})
WORD_RE = re.compile(r"[a-z0-9]+")
MOJIBAKE_MARKS = ("Ã", "Â")


def _repair_mojibake(text: str) -> str:
    """UTF-8 text that was decoded as Windows-1252 ("PanamÃ¡") back to what was written."""
    if not any(mark in text for mark in MOJIBAKE_MARKS):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", _repair_mojibake(text).casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return WORD_RE.findall(plain)


def name_key(text: str) -> str:
    """Comparison key of a province name: no accents, lower case, letters and digits only,
    leading qualifiers dropped ("Comarca Ngäbe-Buglé" → "ngabebugle")."""
    words = _words(text)
    while len(words) > 1 and words[0] in QUALIFIERS:
        words = words[1:]
    return "".join(words)


NAME_KEYS: dict[str, str] = {
    name_key(name): code for code, names in PROVINCE_NAMES.items() for name in names
}
ISO_CODES = frozenset(PROVINCES)


def province_code(text: str) -> str | None:
    """The ISO 3166-2:PA code of a province written as its code or its name; None otherwise."""
    compact = "".join(text.split()).upper()
    if compact in ISO_CODES:
        return compact
    return NAME_KEYS.get(name_key(text))


def province_codes(values: Iterable[str | None]) -> dict[str, str | None]:
    """`province_code` of each distinct non-null value (for `replace_strict`)."""
    return {value: province_code(value) for value in set(values) if value is not None}
