"""Time `cac311 export report --entity all`: every entity's PDF plus the national one.

    python bench/bench_report.py --database-url URL [--fill 1000000] [--month 2026-10] [--runs 3]

Target (issue #15): the 65 demo entities and the national report in under 60 s on 2 cores.
`--fill N` first fills an EMPTY database with `generate_demo(cases=N, seed=311)`. Each run calls
`write_reports(..., entity="all")` end to end — data (publication table, ranking, one split
13-month trend, per-entity aging and overdue list, freshness, releases), one kaleido browser for
every chart, Typst, files written — timed with `time.perf_counter()`; a second timing splits the
data load from the rendering. Prints a table and writes bench/results/report_<dialect>_<ts>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from sqlalchemy.engine import Engine

from cac311.analytics.dates import data_dates
from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo, is_database_empty
from cac311.report.build import render_set, write_reports
from cac311.report.data import load_report_set
from cac311.report.pdf import ReportRenderer
from metrics.period import Month, Period

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--fill", type=int, default=0, help="demo cases for an empty database")
    parser.add_argument("--month", default=None, help="AAAA-MM (default: last complete month)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    settings = Settings()
    engine = make_engine(args.database_url)
    prepare_database(engine, settings)
    if args.fill and is_database_empty(engine):
        generate_demo(engine, settings, cases=args.fill, seed=311)
    month = Month.parse(args.month) if args.month else data_dates(engine).complete_months[-1]
    period = Period(month)

    totals, files = [], 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as out:
            load = os.getloadavg()[0]
            start = time.perf_counter()
            run = write_reports(
                engine,
                settings,
                period=period,
                out_dir=Path(out),
                entity="all",
            )
            totals.append(time.perf_counter() - start)
            files = len(run.paths)
            print(f"run: {totals[-1]:.1f} s, {files} PDFs, load {load:.1f}, charts "
                  f"{'yes' if run.charts_problem is None else run.charts_problem}")  # fmt: skip

    split = _split_times(engine, settings, period)

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": engine.dialect.name,
        "month": str(month),
        "pdfs": files,
        "total_s": totals,
        "median_s": statistics.median(totals),
        "split": split,
        "load_1min_end": os.getloadavg()[0],
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "versions": {p: version(p) for p in ("kaleido", "typst", "plotly", "polars")},
    }
    print(json.dumps(result, indent=2))
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS_DIR / f"report_{engine.dialect.name}_{stamp}.json").write_text(json.dumps(result))
    engine.dispose()


def _split_times(engine: Engine, settings: Settings, period: Period) -> dict[str, float]:
    """One more run taken apart: the data (one load_report_set), the browser start, rendering."""
    start = time.perf_counter()
    report_set = load_report_set(engine, settings, period=period, entity="all")
    data_s = time.perf_counter() - start
    with ReportRenderer() as renderer:
        start = time.perf_counter()
        renderer.charts_available  # noqa: B018 - start the browser, timed apart
        browser_s = time.perf_counter() - start
        start = time.perf_counter()
        render_set(report_set, settings, renderer=renderer)
        render_s = time.perf_counter() - start
    return {"data_s": data_s, "browser_start_s": browser_s, "render_s": render_s}


if __name__ == "__main__":
    main()
