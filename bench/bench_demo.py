"""Time `cac311 demo`: how long `generate_demo` takes to fill an empty database with N cases.

    python bench/bench_demo.py --database-url URL --cases 1000000 [--seed 311] [--reset]

Prints one line and writes bench/results/demo_<dialect>_<cases>.json (machine, versions, total
seconds and the generate/write split logged by the generator). The database must be empty, or
hold only earlier demo data and `--reset` must be given (then its data tables are emptied first;
refused when it has users or any imported batch).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo, is_database_empty

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEMO_TABLES = ("transfers", "directory_reviews", "press_releases", "cases", "entities")


class PhaseCollector(logging.Handler):
    """Keeps the generator's 'generated in X s, written in Y s' figures."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.phases: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("demo: generated") and isinstance(record.args, tuple):
            generated, written = (float(str(value)) for value in record.args)
            self.phases = {"generate_s": generated, "write_s": written}


def reset_demo_data(engine: Engine) -> None:
    """Empty the data tables, only when everything in them came from the demo generator."""
    with engine.begin() as conn:
        non_demo = conn.execute(
            sa.text("select count(*) from import_batches where not is_demo")
        ).scalar_one()
        users = conn.execute(sa.text("select count(*) from users")).scalar_one()
        if non_demo or users:
            sys.exit("--reset rechazado: la base tiene datos importados o usuarios.")
        summaries = ("summary_received", "summary_closed", "summary_open", "summary_values")
        for table in (*summaries, *DEMO_TABLES, "quarantine", "import_batches"):
            conn.execute(sa.text(f"delete from {table}"))  # noqa: S608 - fixed table names


def machine() -> dict[str, object]:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": model or platform.processor(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "polars": version("polars"),
        "load_avg_1m_before": os.getloadavg()[0],
    }


def server_version(engine: Engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return str(conn.execute(sa.text("show server_version")).scalar_one())
        return "sqlite " + str(conn.execute(sa.text("select sqlite_version()")).scalar_one())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=311)
    parser.add_argument("--reset", action="store_true", help="empty earlier demo data first")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING)
    collector = PhaseCollector()
    demo_log = logging.getLogger("cac311.ingest.demo")
    demo_log.addHandler(collector)
    demo_log.setLevel(logging.INFO)

    engine = make_engine(args.database_url)
    settings = Settings.from_env()
    prepare_database(engine, settings)
    if args.reset:
        reset_demo_data(engine)
    if not is_database_empty(engine):
        sys.exit(
            "La base de datos no está vacía (use --reset si solo tiene datos de demostración)."
        )

    info = machine()
    started = time.perf_counter()
    summary = generate_demo(engine, settings, cases=args.cases, seed=args.seed)
    total = time.perf_counter() - started
    result = {
        "benchmark": "demo",
        "dialect": engine.dialect.name,
        "server": server_version(engine),
        "cases": args.cases,
        "seed": args.seed,
        "total_s": round(total, 2),
        **{key: round(value, 2) for key, value in collector.phases.items()},
        "summary": str(summary),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
    }
    engine.dispose()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"demo_{result['dialect']}_{args.cases}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"demo {result['dialect']} {args.cases} casos: {total:.1f} s "
        f"(generar {collector.phases.get('generate_s', float('nan')):.1f} s, "
        f"escribir {collector.phases.get('write_s', float('nan')):.1f} s) -> {out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
