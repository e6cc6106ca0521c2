"""Benchmark: `cac311 import cases` of a 1,000,000-row CSV vs `psql \\copy` of the same file.

Usage (PostgreSQL only; the database is emptied of cases/entities first):

    .venv/bin/python bench/bench_import.py postgresql+psycopg://postgres@HOST:5432/DB \
        [--rows N] [--repeat R] [--messy]

It writes a canonical cases CSV (naive local timestamps, 80 % closed, 60 entities). With
`--messy` the descriptive fields look like a real export instead (issue 13): provinces written
as Spanish names in any case (3 % unknown, 2 % HDX codes), channels with capitals, spaces and
slashes, `sla_days` 4 % invalid — every row is still accepted and ~9 % of them carry a warning,
so the normalisation and the warnings' COPY are timed. Then, R
times (default 3): empties `cases`, times `psql -c "\\copy plain_cases from FILE csv header"`
into an empty plain typed table with no indexes, then `import_file(...)` (mapping, validation,
quarantine, COPY into the indexed `cases` table, one transaction), then the same import again
(all rows unchanged). It reports the median of each time and the ratio of the medians (a 2-core
machine's timings vary by ±15 % from run to run; the median of three is steadier than one run).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
import sqlalchemy as sa

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.importer import import_file

PLAIN_DDL = (
    "create table plain_cases (case_id text, entity_id text, case_type text, created_at timestamp,"
    " closed_at timestamp, status text, category text, channel text, province text,"
    " district text, sla_days integer)"
)


PROVINCE_NAMES = (
    "Panamá", "PANAMA OESTE", "Chiriquí", "coclé", "Colón", "Ngäbe-Buglé", "Kuna Yala",
    "Veraguas", "Herrera", "Los Santos", "Marte", "PA08",
)  # fmt: skip
PROVINCE_WEIGHTS = (0.30, 0.15, 0.10, 0.08, 0.08, 0.06, 0.04, 0.06, 0.04, 0.04, 0.03, 0.02)
MESSY_CHANNELS = ("Mobile/Open311", "Integrated Agency", "Llamada", "WEB", "other department")


def _messy(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Descriptive fields as a real export writes them (see the module docstring)."""
    rows = frame.height
    province = rng.choice(len(PROVINCE_NAMES), rows, p=PROVINCE_WEIGHTS)
    return frame.with_columns(
        pl.Series("province", np.array(PROVINCE_NAMES)[province]),
        pl.Series("channel", rng.choice(MESSY_CHANNELS, rows)),
        pl.Series(
            "sla_days", rng.choice(["5", "10", "", "-1", "x"], rows, p=[0.4, 0.3, 0.26, 0.02, 0.02])
        ).replace("", None),
    )


def write_csv(path: Path, rows: int, seed: int = 311, *, messy: bool = False) -> None:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T08:00:00")
    created = start + rng.integers(0, 3 * 365 * 86_400, rows).astype("timedelta64[s]")
    duration = rng.gamma(2.0, 6.0 * 86_400, rows).astype("int64").astype("timedelta64[s]")
    closed = created + duration
    is_closed = rng.random(rows) < 0.8
    frame = pl.DataFrame(
        {
            "case_id": [f"C{i:08d}" for i in range(rows)],
            "entity_id": [f"E{n:02d}" for n in rng.integers(1, 61, rows)],
            "case_type": rng.choice(["queja", "reclamo", "solicitud", "consulta"], rows),
            "created_at": created.astype("datetime64[us]"),
            "closed_at": closed.astype("datetime64[us]"),
            "category": rng.choice(["Agua", "Aseo", "Calles", "Salud", "Luz"], rows),
            "channel": rng.choice(["llamada", "web", "app", "correo"], rows),
            "province": [f"PA-{n}" for n in rng.integers(1, 11, rows)],
        }
    ).with_columns(
        pl.when(pl.Series(is_closed)).then(pl.col("closed_at")).alias("closed_at"),
    )
    frame = frame.with_columns(
        pl.when(pl.col("closed_at").is_null())
        .then(pl.lit("abierto"))
        .otherwise(pl.lit("cerrado"))
        .alias("status"),
        pl.lit(None, dtype=pl.String).alias("district"),
        pl.lit(None, dtype=pl.Int32).alias("sla_days"),
    ).select(
        "case_id",
        "entity_id",
        "case_type",
        "created_at",
        "closed_at",
        "status",
        "category",
        "channel",
        "province",
        "district",
        "sla_days",
    )
    if messy:
        frame = _messy(frame, rng)
    frame.write_csv(path, datetime_format="%Y-%m-%d %H:%M:%S")


def _empty_tables(engine: sa.Engine, *, messy: bool = False) -> None:
    """Cases, transfers, quarantine and warnings truncated, as in a new database (a `delete`
    would leave a million dead rows for the next load's index builds to scan, or autovacuum to
    race). The plain table takes a messy file's invalid `sla_days` as text."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "truncate import_warnings, quarantine, transfers, cases,"
                " summary_received, summary_closed, summary_open, summary_values"
            )
        )
        conn.execute(sa.text("delete from import_batches where kind <> 'entities'"))
        conn.execute(sa.text("drop table if exists plain_cases"))
        ddl = PLAIN_DDL.replace("sla_days integer", "sla_days text") if messy else PLAIN_DDL
        conn.execute(sa.text(ddl))


def run_import_benchmark(
    url: str, rows: int = 1_000_000, repeat: int = 3, *, messy: bool = False
) -> dict[str, object]:
    """Time `\\copy` and the import of one file `repeat` times into emptied tables; medians."""
    engine = make_engine(url)
    prepare_database(engine, Settings())
    _empty_tables(engine, messy=messy)
    entities = "entity_id,name,sector\n" + "".join(
        f"E{n:02d},Entidad {n},ministerio\n" for n in range(1, 61)
    )
    copy_times: list[float] = []
    import_times: list[float] = []
    reimport_times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        csv_path = Path(tmp) / "cases.csv"
        entities_path = Path(tmp) / "entities.csv"
        entities_path.write_text(entities)
        import_file(engine, Settings(), "entities", entities_path)
        t0 = time.perf_counter()
        write_csv(csv_path, rows, messy=messy)
        generate_s = time.perf_counter() - t0
        size_mb = csv_path.stat().st_size / 1e6
        libpq = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        for _ in range(repeat):
            _empty_tables(engine, messy=messy)
            t0 = time.perf_counter()
            subprocess.run(
                ["psql", libpq, "-q", "-c", f"\\copy plain_cases from '{csv_path}' csv header"],
                check=True,
            )
            copy_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            first = import_file(engine, Settings(), "cases", csv_path, progress=False)
            import_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            second = import_file(engine, Settings(), "cases", csv_path, progress=False)
            reimport_times.append(time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with engine.begin() as conn:
        conn.execute(sa.text("drop table if exists plain_cases"))
    engine.dispose()
    copy_s = statistics.median(copy_times)
    import_s = statistics.median(import_times)
    return {
        "rows": rows,
        "messy": messy,
        "csv_mb": round(size_mb, 1),
        "generate_s": round(generate_s, 1),
        "repeat": repeat,
        "psql_copy_s": round(copy_s, 2),
        "import_s": round(import_s, 2),
        "ratio": round(import_s / copy_s, 2),
        "reimport_unchanged_s": round(statistics.median(reimport_times), 2),
        "psql_copy_runs_s": [round(t, 2) for t in copy_times],
        "import_runs_s": [round(t, 2) for t in import_times],
        "first": first.lines(),
        "second": second.lines(),
        "peak_rss_mb": round(peak_mb),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--messy", action="store_true", help="real-export descriptive fields")
    args = parser.parse_args()
    result = run_import_benchmark(args.url, args.rows, args.repeat, messy=args.messy)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
