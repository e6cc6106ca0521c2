"""The real extracts in ../shared/data imported through the shipped profiles (SQLite and PG).

Accepted + quarantined = rows for every sample, and no case is lost to a descriptive field
(issue 13): the only reasons are those of the legal clock (docs/import.md states the shares).

Expected counts come from each folder's SOURCE.md: closed-before-created rows (LA 2017/2018),
Status=Closed without a closing date (LA 2020, NYC), Excel-mangled `M/D/YY H:MM` times (LA 2020,
NYC sample), the 01/01/1900 sentinel closures (NYC DOHMH).
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import PROJECT_ROOT, Settings
from cac311.ingest.importer import ImportReport, import_bytes, import_file
from tests.conftest import SHARED_DATA

MAPPINGS = PROJECT_ROOT / "mappings"
LA = SHARED_DATA / "la_myla311"
NYC = SHARED_DATA / "nyc_311"


def _import(engine: Engine, kind: str, path: Path, mapping: str | None = None) -> ImportReport:
    return import_file(
        engine, Settings(), kind, path, mapping_path=MAPPINGS / mapping if mapping else None
    )


def _scalar(engine: Engine, sql: str, **params: object) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def _la_entities(engine: Engine) -> None:
    report = _import(engine, "entities", MAPPINGS / "myla311_entities.csv")
    assert report.inserted == 6 and report.quarantined == 0


def _nyc_entities(engine: Engine) -> None:
    report = _import(engine, "entities", MAPPINGS / "nyc311_entities.csv")
    assert report.quarantined == 0 and report.inserted >= 20


def test_la_2017_closed_before_created(engine: Engine) -> None:
    _la_entities(engine)
    report = _import(
        engine, "cases", LA / "MyLA311_Service_Request_Data_2017_Subset.csv", "myla311.toml"
    )
    assert report.rows_read == 9_999
    assert dict(report.reasons) == {"cierre_antes_de_creacion": 12}
    assert report.inserted == 9_999 - 12
    assert report.inserted + report.quarantined == report.rows_read
    # All 12 are Street Lighting date-only closures (12:00:00 AM), as SOURCE.md says.
    rows = report.first_rejected(50)
    agencies = {json.loads(r)["Owner"] for r in rows["fila"]}
    assert agencies == {"BSL"}
    assert all("12:00:00 AM" in json.loads(r)["ClosedDate"] for r in rows["fila"])
    # The 5 Open rows without ClosedDate load as open cases; Cancelled loads as anulado.
    assert _scalar(engine, "select count(*) from cases where status = 'abierto'") == 5
    assert _scalar(engine, "select count(*) from cases where status = 'anulado'") == 246


def test_la_2018_whole_file_then_reimport_changes_nothing(engine: Engine) -> None:
    _la_entities(engine)
    path = LA / "MyLA311_2018_mini.csv"
    first = _import(engine, "cases", path, "myla311.toml")
    assert (first.rows_read, first.inserted, first.quarantined) == (10_000, 9_987, 13)
    assert dict(first.reasons) == {"cierre_antes_de_creacion": 13}
    with engine.connect() as conn:
        before = conn.execute(sa.text("select * from cases order by case_id")).all()
    second = _import(engine, "cases", path, "myla311.toml")
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 9_987)
    assert second.quarantined == 13
    with engine.connect() as conn:
        after = conn.execute(sa.text("select * from cases order by case_id")).all()
        batches = conn.execute(sa.text("select count(*) from import_batches")).scalar_one()
    assert after == before
    assert batches == 3  # entities + two imports of the same file
    # Naive LA times: 01/01/2018 12:00:09 AM Los Angeles = 08:00:09 UTC.
    assert _scalar(engine, "select min(created_at) from cases") in (
        datetime(2018, 1, 1, 8, 0, 9),
        "2018-01-01 08:00:09.000000",
    )
    # Agency codes are mapped to entity ids; no address ever reaches the database.
    assert (
        _scalar(engine, "select count(distinct entity_id) from cases where entity_id like 'LA-%'")
        == 6
    )
    raw = _scalar(engine, "select raw_row from quarantine order by quarantine_id limit 1")
    assert "Address" not in json.loads(str(raw)) and "Latitude" not in json.loads(str(raw))


def test_la_2020_excel_times_and_closed_without_date(engine: Engine) -> None:
    _la_entities(engine)
    report = _import(engine, "cases", LA / "MyLA311_2020_requests_seed.csv", "myla311.toml")
    # Every `M/D/YY H:MM` time parses (none unreadable); only the 18 Closed-without-date rows fail.
    assert dict(report.reasons) == {"estado_inconsistente": 18}
    assert report.inserted == 10_000 - 18
    first = report.first_rejected(18)
    assert all(json.loads(r)["status"] == "Closed" for r in first["fila"])
    assert all(json.loads(r)["closeddate"] == "" for r in first["fila"])
    # LASAN and BOS are the same agency: one entity (7,067 BOS + 56 LASAN rows in the file).
    sanitation_rejected = sum(json.loads(r)["owner"] in ("BOS", "LASAN") for r in first["fila"])
    la_san = _scalar(engine, "select count(*) from cases where entity_id = 'LA-SAN'")
    assert la_san == 7_067 + 56 - sanitation_rejected
    # Open + Pending without a date are open cases; created dates stay within 2020-01-01..03 local.
    assert _scalar(engine, "select count(*) from cases where status = 'abierto'") == 31
    assert str(_scalar(engine, "select min(created_on) from cases")) == "2020-01-01"
    assert str(_scalar(engine, "select max(created_on) from cases")) == "2020-01-03"


def test_nyc_sample_bom_crlf_status_mismatches(engine: Engine) -> None:
    _nyc_entities(engine)
    report = _import(engine, "cases", NYC / "311_sample_2018-10.csv", "nyc311.toml")
    assert report.rows_read == 6_765
    # 117 rows closed but Status != Closed, 2 Closed without date; none closed before created.
    assert dict(report.reasons) == {"estado_inconsistente": 119}
    assert report.inserted == 6_765 - 119
    open_cases = _scalar(engine, "select count(*) from cases where closed_at is null")
    assert open_cases == 4_324 - 2  # open snapshot, minus the 2 Closed-without-date rows
    assert _scalar(engine, "select count(*) from cases where channel = 'llamada'") > 3_000
    assert _scalar(engine, "select count(*) from cases where district is null") > 0  # Unspecified


def test_nyc_dohmh_sentinel_closures_are_missing(engine: Engine) -> None:
    _nyc_entities(engine)
    report = _import(engine, "cases", NYC / "311_DOHMH_illegal_animals.csv", "nyc311.toml")
    # 01/01/1900 closures are treated as "no date": the two Assigned rows load as open cases.
    assert (report.inserted, report.quarantined) == (5_895, 0)
    assert _scalar(engine, "select count(*) from cases where closed_at is null") == 3_431 + 2
    assert _scalar(engine, "select count(*) from cases where closed_at = created_at") == 1_729
    assert str(_scalar(engine, "select min(created_on) from cases")) == "2010-01-07"


def test_open311_georeport_profile(engine: Engine) -> None:
    entities = (
        "entity_id,name,sector\nMINSA,Ministerio de Salud,ministerio\n"
        "IDAAN,Instituto de Acueductos y Alcantarillados Nacionales,entidad_autonoma\n"
    )
    import_bytes(engine, Settings(), "entities", entities.encode(), "e.csv")
    georeport = (
        "service_request_id,status,status_notes,service_name,service_code,description,"
        "agency_responsible,service_notice,requested_datetime,updated_datetime,"
        "expected_datetime,address,address_id,zipcode,lat,long,media_url\n"
        "638344,closed,Duplicate request.,Sidewalk and Curb Issues,006,Crack in sidewalk,"
        "Ministerio de Salud,,2024-04-14T06:37:38-05:00,2024-04-16T10:00:00-05:00,,"
        "8TH AVE,545483,10001,40.7,-73.9,\n"
        "638349,open,,Water Leak,007,Leak,Instituto de Acueductos y Alcantarillados Nacionales,"
        ",2024-04-19T06:37:38Z,2024-04-19T08:00:00Z,,X,1,2,3,4,\n"
        "638350,open,,Water Leak,007,Leak,Alcaldía de Nowhere,,2024-04-19T06:37:38Z,,,X,1,2,3,4,\n"
    )
    report = import_bytes(
        engine,
        Settings(),
        "cases",
        georeport.encode(),
        "requests.csv",
        mapping_path=MAPPINGS / "open311_georeport_v2.toml",
    )
    assert (report.inserted, dict(report.reasons)) == (2, {"entidad_desconocida": 1})
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select case_id, entity_id, status, closed_at is null from cases order by case_id"
            )
        ).all()
    # Closed: updated_datetime is the closure; open: its update is ignored.
    assert [tuple(r) for r in rows] == [
        ("638344", "MINSA", "cerrado", False),
        ("638349", "IDAAN", "abierto", True),
    ]


# docs/import.md states these shares: every real sample through its shipped profile.
# (file, profile, rows, accepted, quarantine reasons)
REAL_SAMPLES = [
    (
        LA / "MyLA311_Service_Request_Data_2017_Subset.csv",
        "myla311",
        9_999,
        9_987,
        {"cierre_antes_de_creacion": 12},
    ),
    (LA / "MyLA311_2018_mini.csv", "myla311", 10_000, 9_987, {"cierre_antes_de_creacion": 13}),
    (LA / "MyLA311_2020_requests_seed.csv", "myla311", 10_000, 9_982, {"estado_inconsistente": 18}),
    (NYC / "311_sample_2018-10.csv", "nyc311", 6_765, 6_646, {"estado_inconsistente": 119}),
    (NYC / "311_DOHMH_illegal_animals.csv", "nyc311", 5_895, 5_895, {}),
]
# The only reasons that may drop a case (SPEC §6): a field the legal clock needs is unusable.
LEGAL_CLOCK_REASONS = {
    "columnas_incorrectas",
    "caracter_invalido",
    "id_faltante",
    "id_duplicado",
    "valor_faltante",
    "valor_demasiado_largo",
    "fecha_ilegible",
    "fecha_fuera_de_rango",
    "entidad_desconocida",
    "tipo_desconocido",
    "estado_invalido",
    "cierre_antes_de_creacion",
    "estado_inconsistente",
}


@pytest.mark.parametrize(
    ("path", "profile", "rows", "accepted", "reasons"),
    REAL_SAMPLES,
    ids=[p.name for p, *_ in REAL_SAMPLES],
)
def test_real_samples_lose_no_case_to_a_descriptive_field(
    engine: Engine,
    path: Path,
    *,
    profile: str,
    rows: int,
    accepted: int,
    reasons: dict[str, int],
) -> None:
    (_la_entities if profile == "myla311" else _nyc_entities)(engine)
    report = _import(engine, "cases", path, f"{profile}.toml")
    assert (report.rows_read, report.accepted, dict(report.reasons)) == (rows, accepted, reasons)
    assert report.accepted + report.quarantined == report.rows_read
    assert set(report.reasons) <= LEGAL_CLOCK_REASONS
    assert report.warned == 0
    assert _scalar(engine, "select count(*) from cases") == accepted


def test_nyc_raw_channels_and_boroughs_are_kept_as_written(engine: Engine) -> None:
    """Without the profile's channel and borough maps every case still loads: the raw
    channels are stored lower-cased, as written."""
    _nyc_entities(engine)
    text = (MAPPINGS / "nyc311.toml").read_text(encoding="utf-8")
    raw = text.split("[values.channel]")[0]  # drops [values.channel] and [values.district]
    report = import_bytes(
        engine,
        Settings(),
        "cases",
        (NYC / "311_sample_2018-10.csv").read_bytes(),
        "311_sample_2018-10.csv",
        mapping_text=raw,
    )
    assert (report.accepted, report.quarantined, report.warned) == (6_646, 119, 0)
    with engine.connect() as conn:
        channels = dict(
            conn.execute(sa.text("select channel, count(*) from cases group by channel")).all()
        )
        boroughs = set(conn.execute(sa.text("select distinct district from cases")).scalars())
    assert set(channels) == {"phone", "online", "mobile", "unknown", "other"}
    assert channels["phone"] == 3_702
    assert "Unspecified" in boroughs and "BROOKLYN" in boroughs


def test_panama_operator_province_names_all_map(engine: Engine) -> None:
    """The 736 rows of the messy operator list (upper case, no accents, `COMARCA NGÃBE-BUGLE`
    mojibake, placeholder districts) as cases: every province is recognised, every district kept
    as written, no case lost and no warning."""
    import_bytes(
        engine,
        Settings(),
        "entities",
        b"entity_id,name,sector\nMIVIOT,Vivienda,ministerio\n",
        "e.csv",
    )
    source = SHARED_DATA / "panama" / "pan_prov_dist_corr_osdealbooking_split.csv"
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    lines = ["case_id,entity_id,case_type,created_at,province,district,category"]
    for number, row in enumerate(rows):
        lines.append(
            f'P{number},MIVIOT,solicitud,2025-03-01 09:00,"{row["provincia"]}",'
            f'"{row["distrito"]}","{row["corregimiento"]}"'
        )
    report = import_bytes(engine, Settings(), "cases", "\n".join(lines).encode(), "panama.csv")
    assert (report.inserted, report.quarantined, report.warned) == (736, 0, 0)
    with engine.connect() as conn:
        provinces = dict(
            conn.execute(sa.text("select province, count(*) from cases group by province")).all()
        )
        districts = conn.execute(
            sa.text("select count(*) from cases where district = 'INVALIDO'")
        ).scalar_one()
    assert sum(provinces.values()) == 736 and None not in provinces
    assert provinces["PA-NB"] == 76 and provinces["PA-KY"] == 6 and provinces["PA-EM"] == 8
    assert provinces["PA-10"] == 64 and provinces["PA-8"] == 64
    assert districts == sum(r["distrito"] == "INVALIDO" for r in rows) > 0
