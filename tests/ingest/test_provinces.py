"""Province names and codes → ISO 3166-2:PA, checked against the two real Panama lists in
../shared/data/panama (OCHA/HDX 2020 and the messy operator list) and the cases that must NOT
map (conflicting numberings, districts)."""

from __future__ import annotations

import csv
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cac311.ingest.kinds import PROVINCES
from cac311.ingest.provinces import PROVINCE_NAMES, province_code, province_codes
from tests.conftest import SHARED_DATA

PANAMA = SHARED_DATA / "panama"
# HDX P-codes are alphabetical; their ISO 3166-2:PA codes (SOURCE.md warns not to join on numbers).
HDX_TO_ISO = {
    "PA01": "PA-1",  # Bocas del Toro
    "PA02": "PA-4",  # Chiriquí
    "PA03": "PA-2",  # Coclé
    "PA04": "PA-3",  # Colón
    "PA05": "PA-5",  # Darién
    "PA06": "PA-EM",  # Emberá
    "PA07": "PA-6",  # Herrera
    "PA08": "PA-KY",  # Kuna Yala
    "PA09": "PA-7",  # Los Santos
    "PA10": "PA-NB",  # Ngöbe Buglé
    "PA11": "PA-10",  # Panamá Oeste
    "PA12": "PA-8",  # Panamá
    "PA13": "PA-9",  # Veraguas
}
OPERATOR_TO_ISO = {
    "BOCAS DEL TORO": "PA-1",
    "CHIRIQUI": "PA-4",
    "COCLE": "PA-2",
    "COLON": "PA-3",
    "COMARCA EMBERA-WOUNAAN": "PA-EM",
    "COMARCA KUNA YALA": "PA-KY",
    "COMARCA NGÃBE-BUGLE": "PA-NB",  # mojibake as found in the file (bytes C3 83)
    "DARIEN": "PA-5",
    "HERRERA": "PA-6",
    "LOS SANTOS": "PA-7",
    "PANAMA": "PA-8",
    "PANAMA OESTE": "PA-10",
    "VERAGUAS": "PA-9",
}


def test_every_hdx_province_and_comarca_maps_to_its_iso_code() -> None:
    with (PANAMA / "pan_admin1_provincias_comarcas_hdx2020.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 13
    assert {r["ADM1_ES"]: province_code(r["ADM1_ES"]) for r in rows} == {
        r["ADM1_ES"]: HDX_TO_ISO[r["ADM1_PCODE"]] for r in rows
    }


def test_every_province_of_the_messy_operator_list_maps() -> None:
    with (PANAMA / "pan_prov_dist_corr_osdealbooking_split.csv").open(encoding="utf-8") as fh:
        names = {r["provincia"] for r in csv.DictReader(fh)}
    assert names == set(OPERATOR_TO_ISO)
    assert {name: province_code(name) for name in names} == OPERATOR_TO_ISO


def test_the_districts_of_the_hdx_list_are_not_provinces() -> None:
    """A district in the province column is stored as missing, never guessed — except the
    districts that carry their province's own name (Panamá, Colón, ...)."""
    with (PANAMA / "pan_admin2_distritos_hdx2020.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    mapped = {r["ADM2_ES"] for r in rows if province_code(r["ADM2_ES"]) is not None}
    same_name_as_province = {r["ADM2_ES"] for r in rows if r["ADM2_ES"] == r["ADM1_ES"]}
    assert mapped == same_name_as_province
    # ... and those map to their own province.
    for row in rows:
        if row["ADM2_ES"] in same_name_as_province:
            assert province_code(row["ADM2_ES"]) == HDX_TO_ISO[row["ADM1_PCODE"]]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("PA-8", "PA-8"),
        ("pa-8", "PA-8"),
        (" PA - 10 ", "PA-10"),
        ("pa-nb", "PA-NB"),
        ("PA-NT", "PA-NT"),
        ("Panamá Oeste", "PA-10"),
        ("PANAMA OESTE", "PA-10"),
        ("panamá-oeste", "PA-10"),
        ("Provincia de Panamá Oeste", "PA-10"),
        ("Ngäbe-Buglé", "PA-NB"),
        ("Comarca Ngäbe Buglé", "PA-NB"),
        ("Comarca Indígena Ngöbe-Buglé", "PA-NB"),
        ("NgÃ¤be-BuglÃ©", "PA-NB"),  # UTF-8 read as Windows-1252
        ("Guna Yala", "PA-KY"),
        ("Kuna Yala", "PA-KY"),
        ("Comarca de San Blas", "PA-KY"),
        ("Emberá", "PA-EM"),
        ("Comarca Emberá-Wounaan", "PA-EM"),
        ("Naso Tjër Di", "PA-NT"),
        ("Bocas del Toro", "PA-1"),
        ("PanamÃ¡", "PA-8"),
        ("Chiriquí", "PA-4"),
    ],
)
def test_codes_names_and_variants(text: str, code: str) -> None:
    assert province_code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "8",  # INEC / ISO number without the country: which numbering?
        "PA08",  # HDX P-code of Kuna Yala, not ISO PA-8 (Panamá)
        "PA-08",
        "PA10",  # HDX Ngöbe Buglé vs ISO PA-10 Panamá Oeste
        "PA-99",
        "PA-",
        "Changuinola",  # a district
        "Kuna de Madungandí",  # a corregimiento-level comarca inside Panamá province
        "Chiriquí Grande",  # a district of Bocas del Toro
        "Comarca",
        "Provincia",
        "Panamá, Panamá",
        "desconocida",
        "",
    ],
)
def test_what_is_not_a_province(text: str) -> None:
    assert province_code(text) is None


def test_province_codes_maps_each_distinct_value_once() -> None:
    assert province_codes(["Coclé", None, "Coclé", "Marte", "PA-2"]) == {
        "Coclé": "PA-2",
        "Marte": None,
        "PA-2": "PA-2",
    }


def test_every_iso_code_has_names() -> None:
    assert set(PROVINCE_NAMES) == set(PROVINCES)


def _strip_accents(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


NAMES = [(name, code) for code, names in PROVINCE_NAMES.items() for name in names]


@given(
    pair=st.sampled_from(NAMES),
    upper=st.lists(st.booleans(), min_size=40, max_size=40),
    accents=st.booleans(),
    prefix=st.sampled_from(["", "Provincia de ", "Comarca ", "PROVINCIA ", "Comarca indígena "]),
    separator=st.sampled_from([" ", "-", "  ", " - "]),
)
def test_spelling_does_not_change_the_code(
    pair: tuple[str, str], upper: list[bool], accents: bool, prefix: str, separator: str
) -> None:
    """Any case, with or without accents, any qualifier or separator: the same code."""
    name, code = pair
    text = separator.join(name.replace("-", " ").split())
    assert len(text) <= len(upper)
    text = "".join(ch.upper() if up else ch.lower() for ch, up in zip(text, upper, strict=False))
    if not accents:
        text = _strip_accents(text)
    assert province_code(prefix + text) == code
