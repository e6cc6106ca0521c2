"""Scale benchmark (issue #8): fill PostgreSQL with N demo cases and measure, in one run, what a
user waits for.

    .venv/bin/python bench/run.py --cases 1000000 [--cases 10000000] \\
        --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/cac311_bench

For each N the database `<name>_<N>` of `--pg-url` is used; it is (re)filled with
`generate_demo(..., cases=N, seed=311)` unless it already holds exactly N demo cases
(`--refill` forces a new fill). Measured:

- pages: server time of the page scripts, run by Streamlit's AppTest in this process
  (Resumen `app.py`, `pages/1_Ranking.py`, `pages/2_Entidad.py`): cold = the run right after
  `st.cache_data.clear()`, cached = the next run; median of `--repeat` pairs. Server time only:
  no browser rendering.
- filter change: Resumen with the sector filter set to one sector (a new cache key: cold for
  that key, everything else cached), set through the sidebar widget as a user does; median of
  `--repeat` different sectors.
- loaders: each analytics call behind those pages, timed directly (no cache), to see where the
  page time goes.
- export: `cac311 export publication --month M` (the CLI entry point, in-process) for the last
  complete month; against the NAIVE analyst approach (pandas `read_sql` of every case, then
  groupby, same table) and ONE hand-written SQL query (counts + `percentile_cont`). Both are
  checked to give the same figures as the export.
- import (`--import-rows`, three rounds, medians): `cac311 import cases` of a CSV vs `psql \\copy`
  of that file (bench/bench_import.py, into `<name>_import`).
- memory (`--memory`): peak RSS (VmHWM) of a real `streamlit run app.py` server process with 1
  and then 5 concurrent browser sessions (Playwright + /usr/bin/chromium).
- `--sqlite-pages N`: cold/cached server time of EVERY page on the default embedded SQLite demo
  (N cases, default 250,000), for docs/benchmarks.md.

Prints a table and writes bench/results/run_<timestamp>.json (git-ignored). The parts live in
bench_pages.py (AppTest, SQLite pages), bench_export.py (export vs naive vs SQL) and
bench_server.py (memory); this file fills the databases, times the loaders and reports.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from bench_demo import machine, server_version  # noqa: E402
from bench_export import export_comparison  # noqa: E402
from bench_import import run_import_benchmark  # noqa: E402
from bench_loaders import loader_times  # noqa: E402
from bench_pages import page_times, sqlite_pages  # noqa: E402
from bench_server import server_memory  # noqa: E402
from timing import load, timed  # noqa: E402

from cac311.analytics.dates import data_dates  # noqa: E402
from cac311.config import Settings  # noqa: E402
from cac311.db.engine import make_engine  # noqa: E402
from cac311.db.setup import prepare_database  # noqa: E402
from cac311.ingest.demo import generate_demo  # noqa: E402

RESULTS_DIR = PROJECT / "bench" / "results"
PAGE_FILES = {
    "Resumen": "app.py",
    "Ranking": "pages/1_Ranking.py",
    "Entidad": "pages/2_Entidad.py",
    "Traslados": "pages/10_Traslados.py",
}
log = logging.getLogger("bench.run")


# --- helpers ------------------------------------------------------------------------------------


def database_url(base: str, suffix: str) -> str:
    url = sa.make_url(base)
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


def ensure_database(url: str) -> None:
    parsed = sa.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(
            sa.text("select 1 from pg_database where datname = :n"), {"n": parsed.database}
        ).first()
        if not exists:
            conn.execute(sa.text(f'create database "{parsed.database}"'))
    admin.dispose()


def demo_cases_in(engine: Engine) -> int | None:
    """The number of cases when the database holds only demo data and no users, else None."""
    with engine.connect() as conn:
        non_demo = conn.execute(
            sa.text("select count(*) from import_batches where not is_demo")
        ).scalar_one()
        users = conn.execute(sa.text("select count(*) from users")).scalar_one()
        if non_demo or users:
            return None
        return int(conn.execute(sa.text("select count(*) from cases")).scalar_one())


def fill(url: str, cases: int, refill: bool) -> dict[str, Any]:
    """Reuse the database when it holds exactly `cases` demo cases, else (re)fill it with the
    demo. Refuses a database with imported data or users: the benchmark never empties those."""
    ensure_database(url)
    engine = make_engine(url)
    prepare_database(engine, Settings())
    present = demo_cases_in(engine)
    if present is None:
        engine.dispose()
        sys.exit(f"{url}: la base tiene datos importados o usuarios; use otra base de datos.")
    if present == cases and not refill:
        engine.dispose()
        return {"reused": True}
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "truncate quarantine, press_releases, directory_reviews, transfers, cases,"
                " entities, import_batches, summary_received, summary_closed, summary_open,"
                " summary_values restart identity cascade"
            )
        )
    seconds, _ = timed(lambda: generate_demo(engine, Settings(), cases=cases, seed=311))
    engine.dispose()
    return {"reused": False, "demo_s": round(seconds, 1)}


def last_complete_month(engine: Engine) -> str:
    return str(data_dates(engine).complete_months[-1])


# --- report -------------------------------------------------------------------------------------


def _print_run(run: dict[str, Any]) -> None:
    """One PostgreSQL run: page and loader times, export comparison, server memory."""
    print(f"\n== PostgreSQL, {run['cases']:,} casos (carga 1 min: {run['load_before']}) ==")
    print(f"{'medida':<44}{'frío (s)':>10}{'en caché (s)':>14}")
    for name, page in run["pages"].items():
        if "filter_change_s" in page:
            print(f"{name:<44}{page['filter_change_s']:>10.3f}{'':>14}")
        elif "filter_change_runs_s" in page:
            runs = " / ".join(f"{x:.3f}" for x in page["filter_change_runs_s"])
            print(f"{name:<44}{runs:>24}")
        else:
            print(f"{name:<44}{page['cold_s']:>10.3f}{page['cached_s']:>14.3f}")
    for name, seconds in run.get("loaders", {}).items():
        print(f"  loader {name:<37}{seconds:>10.3f}")
    exp = run.get("export")
    if exp:
        print(
            f"export {exp['month']}: {exp['export_s']:.3f} s · naive pandas "
            f"{exp['naive_pandas_s']} s ({exp['naive_over_export']}×) · SQL a mano "
            f"{exp['hand_sql_s']:.3f} s (export/SQL {exp['export_over_hand_sql']}×) · "
            f"iguales: naive {exp['naive_matches_export']}, "
            f"SQL {exp['hand_sql_matches_export']}"
        )
    mem = run.get("memory")
    if mem:
        print(
            f"servidor: reposo {mem.get('idle_rss_mb')} MB · 1 sesión pico "
            f"{mem.get('one_session_peak_mb')} MB · 5 sesiones pico "
            f"{mem.get('five_sessions_peak_mb')} MB"
        )


def print_report(report: dict[str, Any]) -> None:
    for run in report["runs"]:
        _print_run(run)
    if report.get("import"):
        imp = report["import"]
        print(
            f"\nimport {imp['rows']:,} filas: {imp['import_s']} s vs psql \\copy "
            f"{imp['psql_copy_s']} s ({imp['ratio']}×)"
        )
    if report.get("sqlite"):
        lite = report["sqlite"]
        print(f"\n== SQLite embebido, {lite['cases']:,} casos ==")
        for name, page in lite["pages"].items():
            if "filter_change_s" in page:
                print(f"{name:<44}{page['filter_change_s']:>10.3f}")
            else:
                print(f"{name:<44}{page['cold_s']:>10.3f}{page['cached_s']:>14.3f}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, action="append", help="repeatable")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1/cac311_bench")
    parser.add_argument("--refill", action="store_true", help="refill even if N cases are there")
    parser.add_argument("--import-rows", type=int, default=0, help="0 skips the import benchmark")
    parser.add_argument("--memory", action="store_true", help="measure the real server's RSS")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--naive-max-cases",
        type=int,
        default=2_000_000,
        help="run the pandas approach only up to this size (10M rows need ~15 GB of RAM)",
    )
    parser.add_argument("--skip-loaders", action="store_true")
    parser.add_argument("--sqlite-pages", type=int, default=0, help="N cases; 0 skips")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=3, help="page timings: median of N (<= 5)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("streamlit").setLevel(logging.ERROR)

    report: dict[str, Any] = {
        "benchmark": "scale",
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "runs": [],
    }
    out = RESULTS_DIR / f"run_{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    for cases in args.cases or []:
        _measure_size(args, cases, report, out)
    if args.import_rows:
        import_url = database_url(args.pg_url, "import")
        ensure_database(import_url)
        report["import"] = {
            "load_before": load(),
            **run_import_benchmark(import_url, args.import_rows),
        }
        save(report, out)
    if args.sqlite_pages:
        report["sqlite"] = sqlite_pages(args.sqlite_pages, args.timeout, args.repeat)
    report["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    save(report, out)
    print_report(report)
    print(f"\n-> {out}")
    return 0


def _measure_size(args: argparse.Namespace, cases: int, report: dict[str, Any], out: Path) -> None:
    """One PostgreSQL size: fill, pages, loaders, export, memory (saved after each section)."""
    url = database_url(args.pg_url, str(cases))
    run: dict[str, Any] = {"cases": cases, "fill": fill(url, cases, args.refill)}
    engine = make_engine(url)
    run["server"] = server_version(engine)
    month = last_complete_month(engine)
    engine.dispose()
    run["month"] = month
    run["load_before"] = load()
    report["runs"].append(run)
    run["pages"] = page_times(url, PAGE_FILES, args.timeout, args.repeat)
    save(report, out)
    if not args.skip_loaders:
        run["loaders"] = loader_times(url, month)
        save(report, out)
    if not args.skip_export:
        run["export"] = export_comparison(url, month, cases <= args.naive_max_cases)
        save(report, out)
    if args.memory:
        run["memory"] = server_memory(url, args.timeout)
    run["load_after"] = load()
    save(report, out)


def save(report: dict[str, Any], out: Path) -> None:
    """Write the report so far (each section is saved as soon as it is measured)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
