"""The publication bundle end to end on SQLite and PostgreSQL (dataset: `publication_data`).

The golden CSVs in `golden/` were written BY HAND from the computations in `publication_data`'s
docstring (SPEC §3) before the code produced them; datapackage.json was generated once and
reviewed (hashes checked with `sha256sum`, sizes with `wc -c`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import frictionless
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy.engine import Engine

from cac311.errors import UserError
from cac311.export.csv_formats import FORMULA_TRIGGERS
from cac311.export.publication import PUBLICATION_COLUMNS, build_bundle, write_bundle
from tests import analytics_calls as calls
from tests.db.cases_support import insert_cases, utc
from tests.export.publication_data import GENERATED_AT, MONTH, SETTINGS, load_dataset

GOLDEN = Path(__file__).parent / "golden"
OPEN_NAME = f"estadisticas_311_{MONTH}.csv"
SHEET_NAME = f"estadisticas_311_{MONTH}_excel.csv"
NAMES = [OPEN_NAME, SHEET_NAME, "datapackage.json"]


@pytest.fixture
def dataset(engine: Engine) -> Engine:
    return load_dataset(engine)


def test_golden_files_byte_for_byte(dataset: Engine, tmp_path: Path) -> None:
    out = tmp_path / "nueva" / "carpeta"
    paths = write_bundle(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, "calendario"),
        out_dir=out,
        generated_at=GENERATED_AT,
    )
    assert paths == [out / name for name in NAMES]
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)  # no temporary left
    for name in NAMES:
        assert (out / name).read_bytes() == (GOLDEN / name).read_bytes(), name


def test_written_bytes_are_the_bundle_bytes_and_stable(dataset: Engine, tmp_path: Path) -> None:
    bundle = build_bundle(
        dataset, SETTINGS, period=calls.period(MONTH, "calendario"), generated_at=GENERATED_AT
    )
    write_bundle(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, "calendario"),
        out_dir=tmp_path,
        generated_at=GENERATED_AT,
    )
    assert list(bundle.files) == NAMES
    for name, data in bundle.files.items():
        assert (tmp_path / name).read_bytes() == data
    again = build_bundle(
        dataset, SETTINGS, period=calls.period(MONTH, "calendario"), generated_at=GENERATED_AT
    )
    assert again.files == bundle.files
    assert again.zip_bytes() == bundle.zip_bytes()
    with zipfile.ZipFile(io.BytesIO(bundle.zip_bytes())) as archive:
        assert archive.namelist() == NAMES
        assert all(archive.read(name) == bundle.files[name] for name in NAMES)
    assert bundle.zip_name == f"estadisticas_311_{MONTH}.zip"
    assert_frame_equal(bundle.table, calls.monthly_table(dataset, SETTINGS, MONTH, "calendario"))


def test_bundle_validates_with_frictionless(dataset: Engine, tmp_path: Path) -> None:
    write_bundle(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, "habiles"),
        out_dir=tmp_path,
        generated_at=GENERATED_AT,
    )
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldNumber", "type", "note"])
    assert len(report.tasks) == 2
    assert all(task.valid and task.stats["rows"] == 6 for task in report.tasks)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text("utf-8"))
    assert descriptor["dias"] == "habiles"
    assert [r["path"] for r in descriptor["resources"]] == NAMES[:2]
    for resource in descriptor["resources"]:
        data = (tmp_path / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)


def _cells(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_formula_injection_is_neutralised_only_in_the_spreadsheet(dataset: Engine) -> None:
    files = build_bundle(
        dataset, SETTINGS, period=calls.period(MONTH, "calendario"), generated_at=GENERATED_AT
    ).files
    open_rows = {row[1]: row for row in _cells(files[OPEN_NAME], ",")}
    sheet_rows = {row[1]: row for row in _cells(files[SHEET_NAME], ";")}
    assert open_rows["ZZZ"][2] == '=HYPERLINK("http://x")'
    assert sheet_rows["ZZZ"][2] == '\'=HYPERLINK("http://x")'
    for row in sheet_rows.values():
        assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in row)


@pytest.mark.parametrize("mode", ["calendario", "habiles"])
def test_csv_numbers_equal_monthly_table(dataset: Engine, mode: str) -> None:
    expected = calls.monthly_table(dataset, SETTINGS, MONTH, mode)
    files = build_bundle(
        dataset, SETTINGS, period=calls.period(MONTH, mode), generated_at=GENERATED_AT
    ).files
    schema = dict(expected.schema)
    from_open = pl.read_csv(io.BytesIO(files[OPEN_NAME]), schema=schema)
    assert_frame_equal(from_open, expected)
    sheet = files[SHEET_NAME].decode("utf-8-sig").replace(",", ".").replace("'=", "=")
    from_sheet = pl.read_csv(io.StringIO(sheet), separator=";", schema=schema)
    assert_frame_equal(from_sheet.drop("entidad"), expected.drop("entidad"))


def test_csv_bytes_identical_on_sqlite_and_postgresql(
    sqlite_template: Path, pg_engine_session: Engine, tmp_path: Path
) -> None:
    import shutil

    from cac311.db.engine import make_engine
    from tests.conftest import empty_tables

    path = tmp_path / "copy.sqlite"
    shutil.copyfile(sqlite_template, path)
    sqlite = load_dataset(make_engine(f"sqlite:///{path}"))
    empty_tables(pg_engine_session)
    postgres = load_dataset(pg_engine_session)
    for mode in ("calendario", "habiles"):
        lite = build_bundle(
            sqlite, SETTINGS, period=calls.period(MONTH, mode), generated_at=GENERATED_AT
        )
        pg = build_bundle(
            postgres, SETTINGS, period=calls.period(MONTH, mode), generated_at=GENERATED_AT
        )
        assert lite.files == pg.files, mode
    sqlite.dispose()


def test_incomplete_month_is_refused(dataset: Engine, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(UserError, match=r"2026-11 aún no está completo \(datos al 10/11/2026\)"):
        write_bundle(dataset, SETTINGS, period=calls.period("2026-11", "calendario"), out_dir=out)
    assert not out.exists()  # nothing half-written


def test_incomplete_month_allowed_and_marked_partial(dataset: Engine, tmp_path: Path) -> None:
    paths = write_bundle(
        dataset,
        SETTINGS,
        period=calls.period("2026-11", "calendario"),
        out_dir=tmp_path,
        allow_partial=True,
        generated_at=GENERATED_AT,
    )
    assert [p.name for p in paths] == [
        "estadisticas_311_2026-11_parcial.csv",
        "estadisticas_311_2026-11_parcial_excel.csv",
        "datapackage.json",
    ]
    descriptor = json.loads(paths[2].read_text("utf-8"))
    assert descriptor["parcial"] is True
    assert descriptor["datos_al"] == "2026-11-10"
    assert "parcial" in descriptor["title"]
    assert [r["path"] for r in descriptor["resources"]] == [p.name for p in paths[:2]]
    assert frictionless.validate(str(paths[2])).valid
    rows = _cells(paths[0].read_bytes(), ",")
    assert rows[0] == list(PUBLICATION_COLUMNS)
    total = dict(zip(rows[0], rows[-1], strict=True))
    # November up to datos_al: received A10 (11-01 00:30 local); Z1 is anulado. A7 closed 11-08.
    assert (total["entidad_id"], total["recibidos"], total["cerrados"]) == ("TOTAL", "1", "1")


def test_complete_month_with_allow_partial_is_not_partial(dataset: Engine) -> None:
    bundle = build_bundle(
        dataset,
        SETTINGS,
        period=calls.period(MONTH, "calendario"),
        allow_partial=True,
        generated_at=GENERATED_AT,
    )
    assert not bundle.parcial
    assert list(bundle.files) == NAMES


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-05", "No hay datos del mes 2026-05: los datos disponibles van de 2026-06 a 2026-11"),
        ("2026-12", "No hay datos del mes 2026-12"),
    ],
)
def test_bad_or_dataless_month(dataset: Engine, month: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        build_bundle(
            dataset, SETTINGS, period=calls.period(month, "calendario"), allow_partial=True
        )


def test_empty_database_is_a_clear_error(engine: Engine) -> None:
    with pytest.raises(UserError, match="no tiene casos"):
        build_bundle(engine, SETTINGS, period=calls.period(MONTH, "calendario"))


def test_output_path_that_is_a_file(dataset: Engine, tmp_path: Path) -> None:
    target = tmp_path / "archivo"
    target.write_text("x")
    with pytest.raises(UserError, match="no es una carpeta"):
        write_bundle(dataset, SETTINGS, period=calls.period(MONTH, "calendario"), out_dir=target)


def test_generated_at_defaults_to_now_in_panama(dataset: Engine) -> None:
    bundle = build_bundle(dataset, SETTINGS, period=calls.period(MONTH, "calendario"))
    descriptor = json.loads(bundle.files["datapackage.json"])
    assert descriptor["generado"].endswith("-05:00")
    assert bundle.files[OPEN_NAME] == (GOLDEN / OPEN_NAME).read_bytes()


def test_cases_after_the_month_do_not_change_its_numbers(dataset: Engine) -> None:
    before = build_bundle(
        dataset, SETTINGS, period=calls.period(MONTH, "calendario"), generated_at=GENERATED_AT
    )
    insert_cases(
        dataset,
        [{"case_id": "N1", "entity_id": "CSS", "created_at": utc("2026-11-20 08:00")}],
    )
    after = build_bundle(
        dataset, SETTINGS, period=calls.period(MONTH, "calendario"), generated_at=GENERATED_AT
    )
    # Same figures: only datos_al moves, and cohorte_madura stays "no" (20 days < 30).
    assert after.files[OPEN_NAME] == before.files[OPEN_NAME]
    assert after.datos_al.isoformat() == "2026-11-20"
