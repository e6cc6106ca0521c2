"""datapackage.json on a hand-made publication frame: frictionless accepts it, hashes match."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import frictionless
import polars as pl
import pytest
from frictionless.resources import TableResource

from cac311.export.csv_formats import OPEN_DATA, SPREADSHEET, write_csv
from cac311.export.datapackage import (
    CsvResource,
    PackageInfo,
    descriptor_bytes,
    package_descriptor,
    schema_fields,
)
from cac311.export.publication import PUBLICATION_COLUMNS
from metrics.definitions import DEFINITIONS_VERSION, METRIC_DEFINITIONS

SCHEMA = {
    "periodo": pl.String,
    "entidad_id": pl.String,
    "entidad": pl.String,
    "sector": pl.String,
    "recibidos": pl.Int64,
    "cerrados": pl.Int64,
    "cerrados_en_plazo": pl.Int64,
    "cerrados_fuera_de_plazo": pl.Int64,
    "pct_cerrados_en_plazo": pl.Float64,
    "abiertos_fin_mes": pl.Int64,
    "vencidos_fin_mes": pl.Int64,
    "indice_cumplimiento": pl.Float64,
    "mediana_dias": pl.Float64,
    "p90_dias": pl.Float64,
    "cohorte_en_plazo_pct": pl.Float64,
    "cohorte_madura": pl.String,
    "posicion": pl.Int64,
}
PANAMA = timezone(timedelta(hours=-5))


def table() -> pl.DataFrame:
    rows = [
        ("2026-10", "AAA", "=HYPERLINK(\"http://x\")", "ministerio",
         4, 4, 3, 1, 75.0, 2, 1, 60.0, 17.5, 38.3, 60.0, "no", 1),
        ("2026-10", "BBB", "Caja; sede", "otro",
         0, 0, 0, 0, None, 0, 0, None, None, None, None, "no", None),
        ("2026-10", "TOTAL", "Total nacional", None,
         4, 4, 3, 1, 75.0, 2, 1, 60.0, 17.5, 38.3, 60.0, "no", None),
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def bundle_dir(tmp_path: Path, frame: pl.DataFrame) -> dict[str, object]:
    resources = [
        CsvResource("estadisticas-311", "a.csv", "abierto", write_csv(frame, OPEN_DATA), OPEN_DATA),
        CsvResource("estadisticas-311-excel", "b.csv", "hoja", write_csv(frame, SPREADSHEET),
                    SPREADSHEET),
    ]  # fmt: skip
    info = PackageInfo(
        periodo="2026-10",
        datos_al=date(2026, 11, 10),
        generado=datetime(2026, 11, 12, 10, 0, tzinfo=PANAMA),
        dias="calendario",
        parcial=False,
        legal_limit_days=30,
        ranking_min_n=20,
    )
    descriptor = package_descriptor(info, resources, frame.schema)
    for resource in resources:
        (tmp_path / resource.path).write_bytes(resource.data)
    (tmp_path / "datapackage.json").write_bytes(descriptor_bytes(descriptor))
    return descriptor


def test_the_table_columns_are_the_spec_columns() -> None:
    assert tuple(SCHEMA) == PUBLICATION_COLUMNS


def test_frictionless_validates_both_resources(tmp_path: Path) -> None:
    descriptor = bundle_dir(tmp_path, table())
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldNumber", "type", "note"])
    assert len(report.tasks) == 2
    assert all(task.valid for task in report.tasks)
    assert [task.stats["rows"] for task in report.tasks] == [3, 3]
    for resource in descriptor["resources"]:  # type: ignore[attr-defined]
        data = (tmp_path / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)


def test_both_resources_read_back_to_the_same_values(tmp_path: Path) -> None:
    bundle_dir(tmp_path, table())
    package = frictionless.Package(str(tmp_path / "datapackage.json"))
    open_res = package.get_resource("estadisticas-311")
    sheet_res = package.get_resource("estadisticas-311-excel")
    assert isinstance(open_res, TableResource)
    assert isinstance(sheet_res, TableResource)
    open_rows, sheet_rows = open_res.read_rows(), sheet_res.read_rows()
    assert [float(row["indice_cumplimiento"] or -1) for row in open_rows] == [60.0, -1, 60.0]
    assert sheet_rows[0]["entidad"] == '\'=HYPERLINK("http://x")'
    for plain, sheet in zip(open_rows, sheet_rows, strict=True):
        numbers = [f for f in PUBLICATION_COLUMNS if SCHEMA[f] != pl.String]
        assert [plain[f] for f in numbers] == [sheet[f] for f in numbers]


def test_a_changed_file_fails_validation(tmp_path: Path) -> None:
    bundle_dir(tmp_path, table())
    path = tmp_path / "a.csv"
    path.write_bytes(path.read_bytes().replace(b"75.0", b"76.0"))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert "hash-count" in {error.type for error in report.tasks[0].errors}


def test_descriptor_metadata_and_fields(tmp_path: Path) -> None:
    descriptor = json.loads(json.dumps(bundle_dir(tmp_path, table())))
    assert {k: descriptor[k] for k in ("periodo", "datos_al", "generado", "dias", "parcial")} == {
        "periodo": "2026-10",
        "datos_al": "2026-11-10",
        "generado": "2026-11-12T10:00:00-05:00",
        "dias": "calendario",
        "parcial": False,
    }
    assert descriptor["version_definiciones"] == DEFINITIONS_VERSION
    open_res, sheet_res = descriptor["resources"]
    assert open_res["dialect"]["delimiter"] == ","
    assert sheet_res["dialect"]["delimiter"] == ";"
    assert sheet_res["dialect"]["lineTerminator"] == "\r\n"
    for resource, decimal in ((open_res, None), (sheet_res, ",")):
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == list(PUBLICATION_COLUMNS)
        assert [f["description"] for f in fields] == [
            METRIC_DEFINITIONS[name].definicion for name in PUBLICATION_COLUMNS
        ]
        types = {f["name"]: f["type"] for f in fields}
        assert types["recibidos"] == "integer"
        assert types["mediana_dias"] == "number"
        assert types["entidad"] == "string"
        assert {f.get("decimalChar") for f in fields if f["type"] == "number"} == {decimal}


def test_a_column_without_definition_is_refused() -> None:
    with pytest.raises(KeyError, match="no_definida"):
        schema_fields(pl.Schema({"no_definida": pl.Int64}), ".")


def test_generado_must_carry_an_offset(tmp_path: Path) -> None:
    info = PackageInfo("2026-10", date(2026, 11, 10), datetime(2026, 11, 12), "calendario",
                       False, 30, 20)  # fmt: skip
    with pytest.raises(ValueError, match="timezone-aware"):
        package_descriptor(info, [], pl.Schema(SCHEMA))
    aware = PackageInfo("2026-10", date(2026, 11, 10), datetime(2026, 11, 12, tzinfo=UTC),
                        "calendario", True, 30, 20)  # fmt: skip
    descriptor = package_descriptor(aware, [], pl.Schema(SCHEMA))
    assert descriptor["parcial"] is True
    assert descriptor["name"] == "estadisticas-311-2026-10-parcial"
    assert "parcial" in descriptor["title"]
