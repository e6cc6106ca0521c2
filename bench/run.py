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

Prints a table and writes bench/results/run_<timestamp>.json (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Engine

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from bench_demo import machine, server_version  # noqa: E402
from bench_import import run_import_benchmark  # noqa: E402

from cac311.analytics import monthly, open_cases  # noqa: E402
from cac311.analytics.closures import days_distribution  # noqa: E402
from cac311.analytics.dates import data_dates, data_facts  # noqa: E402
from cac311.cli import main as cli_main  # noqa: E402
from cac311.config import Settings  # noqa: E402
from cac311.db.engine import make_engine  # noqa: E402
from cac311.db.queries import run_query  # noqa: E402
from cac311.db.setup import prepare_database  # noqa: E402
from cac311.filters import CaseFilters  # noqa: E402
from cac311.ingest.demo import generate_demo  # noqa: E402
from metrics.daycount import day_num  # noqa: E402
from metrics.definitions import TOTAL_ID  # noqa: E402
from metrics.period import Month, Period  # noqa: E402
from tests.e2e.support import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - one chromium launch recipe

RESULTS_DIR = PROJECT / "bench" / "results"
PAGE_FILES = {
    "Resumen": "app.py",
    "Ranking": "pages/1_Ranking.py",
    "Entidad": "pages/2_Entidad.py",
}
FILTER_SECTOR = "ministerio"
FILTER_SECTORS = ("ministerio", "municipio", "entidad_autonoma", "empresa_publica", "otro")
TZ = "America/Panama"
LIMIT = 30
log = logging.getLogger("bench.run")


# --- helpers ------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def load() -> float:
    return round(os.getloadavg()[0], 2)


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


# --- pages through AppTest ----------------------------------------------------------------------


@contextlib.contextmanager
def database_env(url: str) -> Iterator[None]:
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


def _apptest(timeout: float) -> Any:
    from streamlit.testing.v1 import AppTest

    from cac311.auth.session import DEMO_ROLE_KEY

    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=timeout)
    at.session_state[DEMO_ROLE_KEY] = "admin"
    return at


def _problems(at: Any) -> list[str]:
    return [str(e.value)[:200] for e in at.exception] + [str(e.value)[:200] for e in at.error]


def _cold_and_cached(at: Any, repeat: int) -> dict[str, Any]:
    """Median of `repeat` (cold run right after clearing the data cache, then a cached run)."""
    import streamlit as st

    colds, cacheds = [], []
    for _ in range(repeat):
        st.cache_data.clear()
        colds.append(timed(at.run)[0])
        cacheds.append(timed(at.run)[0])
    return {
        "cold_s": round(statistics.median(colds), 3),
        "cached_s": round(statistics.median(cacheds), 3),
        "cold_runs_s": [round(x, 3) for x in colds],
        "cached_runs_s": [round(x, 3) for x in cacheds],
        "problems": _problems(at),
    }


def page_times(url: str, pages: dict[str, str], timeout: float, repeat: int) -> dict[str, Any]:
    """Cold and cached server time of each page; Resumen's is also timed for a filter change."""
    from cac311.ui.filters import PARAM_CASE_TYPE, PARAM_PROVINCE, PARAM_SECTOR, widget_key

    results: dict[str, Any] = {}
    with database_env(url):
        at = _apptest(timeout)
        at.run()  # first start: guard, sign-in gate, database facts (not counted)
        for name, path in pages.items():
            if path != "app.py":
                at.switch_page(path).run()  # enter the page (persisted widgets settle)
            results[name] = _cold_and_cached(at, repeat)
        if "Resumen" in pages:
            at = _apptest(timeout)
            at.run()
            at.run()
            changes = []
            for sector in FILTER_SECTORS[:repeat]:
                box = at.sidebar.multiselect(key=widget_key(PARAM_SECTOR))
                changes.append(timed(lambda s=sector, b=box: b.set_value([s]).run())[0])
            results["Resumen (filtro sector)"] = {
                "filter_change_s": round(statistics.median(changes), 3),
                "filter_change_runs_s": [round(x, 3) for x in changes],
                "sectors": list(FILTER_SECTORS[:repeat]),
                "problems": _problems(at),
            }
            # A case type and then a province on top (the summaries' detail rows, not the
            # per-entity rollups the sector filter reads).
            detail = []
            for param, values in ((PARAM_CASE_TYPE, ["queja"]), (PARAM_PROVINCE, ["PA-8"])):
                box = at.sidebar.multiselect(key=widget_key(param))
                detail.append(timed(lambda b=box, v=values: b.set_value(v).run())[0])
            results["Resumen (filtro tipo, luego provincia)"] = {
                "filter_change_runs_s": [round(x, 3) for x in detail],
                "problems": _problems(at),
            }
    return results


# --- loaders behind the pages -------------------------------------------------------------------


def loader_times(url: str, month: str) -> dict[str, float]:
    engine = make_engine(url, read_only=True)
    settings = Settings()
    nofilter = CaseFilters()
    dates = data_dates(engine)
    datos_al = dates.datos_al
    assert datos_al is not None
    period = Period(Month.parse(month))
    mode = period.mode
    table = monthly.monthly_table(engine, settings, period=period, dates=dates)
    entity = str(
        table.filter(pl.col("entidad_id") != TOTAL_ID).sort("vencidos_fin_mes", descending=True)[
            "entidad_id"
        ][0]
    )
    one = CaseFilters(entity_ids=(entity,))
    sector = CaseFilters(sectors=(FILTER_SECTOR,))

    def trend(filters: CaseFilters) -> Any:
        return monthly.trend_and_deltas(
            engine, settings, period=period, dates=dates, filters=filters
        )

    calls: dict[str, Callable[[], Any]] = {
        "data_facts (every page run)": lambda: data_facts(engine),
        "trend_and_deltas (13 meses)": lambda: trend(nofilter),
        "monthly_table": lambda: monthly.monthly_table(
            engine, settings, period=period, dates=dates, filters=nofilter
        ),
        "trend_and_deltas sector": lambda: trend(sector),
        "monthly_table sector": lambda: monthly.monthly_table(
            engine, settings, period=period, dates=dates, filters=sector
        ),
        "ranking": lambda: monthly.ranking(engine, settings, period=period, filters=nofilter),
        "trend_and_deltas entidad": lambda: trend(one),
        "days_distribution entidad": lambda: days_distribution(engine, period=period, filters=one),
        "aging_buckets entidad": lambda: open_cases.aging_buckets(
            engine, settings, as_of=datos_al, mode=mode, filters=one
        ),
        "open_cases vencidos entidad": lambda: open_cases.open_cases(
            engine, settings, entity_id=entity, as_of=datos_al, mode=mode, which="vencidos"
        ),
        "breakdown case_type entidad": lambda: monthly.breakdown(
            engine, settings, period=period, by="case_type", filters=one
        ),
        "trend_and_deltas tipo queja (detalle)": lambda: trend(CaseFilters(case_types=("queja",))),
        "monthly_trend 13 meses por canal (detalle)": lambda: monthly.monthly_trend(
            engine, settings, period=period, months=13, dates=dates, split_by="channel"
        ),
        "filter_values (barra lateral)": lambda: run_query(
            engine, "summaries__filter_values", {}, None
        ),
        "trend_and_deltas (13 meses) desde los casos": lambda: monthly.aggregates(
            engine,
            settings,
            first=period.month.shift(-12),
            last=period.month,
            mode=mode,
            filters=nofilter,
            group_by=None,
            source=monthly.CASES,
        ),
    }
    times = {name: round(timed(call)[0], 3) for name, call in calls.items()}
    engine.dispose()
    return times


# --- export vs naive vs hand-written SQL ---------------------------------------------------------

COMPARED = (
    "recibidos",
    "cerrados",
    "cerrados_en_plazo",
    "abiertos_fin_mes",
    "vencidos_fin_mes",
    "mediana_dias",
    "p90_dias",
)


def _export(url: str, month: str) -> float:
    with tempfile.TemporaryDirectory(prefix="bench_export_") as out:
        seconds, code = timed(
            lambda: cli_main(
                ["--database-url", url, "export", "publication", "--month", month, "--out", out]
            )
        )
        if code != 0:
            raise RuntimeError(f"export publication terminó con código {code}")
    return seconds


def _local_dates(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    return stamps.dt.tz_localize("UTC").dt.tz_convert(TZ).dt.tz_localize(None).dt.normalize()


def naive_table(url: str, month: str) -> pd.DataFrame:
    """What an analyst writes: every case into pandas, then filters and groupby (calendario)."""
    engine = sa.create_engine(url)
    cases = pd.read_sql("select * from cases", engine)
    engine.dispose()
    start = pd.Timestamp(f"{month}-01")
    end = start + pd.offsets.MonthEnd(0)
    cases = cases[cases["status"] != "anulado"].copy()
    cases["created"] = _local_dates(cases["created_at"])
    cases["closed"] = _local_dates(cases["closed_at"])
    cases["dias"] = (cases["closed"] - cases["created"]).dt.days
    received = cases[(cases["created"] >= start) & (cases["created"] <= end)]
    closed = cases[(cases["closed"] >= start) & (cases["closed"] <= end)]
    open_end = cases[
        (cases["created"] <= end) & (cases["closed"].isna() | (cases["closed"] > end))
    ].copy()
    open_end["edad"] = (end - open_end["created"]).dt.days

    def figures(key: str | None) -> pd.DataFrame:
        def group(frame: pd.DataFrame) -> Any:
            return frame.groupby(key) if key else frame.groupby(lambda _i: "TOTAL")

        return pd.DataFrame(
            {
                "recibidos": group(received).size(),
                "cerrados": group(closed).size(),
                "cerrados_en_plazo": group(closed)["dias"].apply(lambda d: int((d <= LIMIT).sum())),
                "abiertos_fin_mes": group(open_end).size(),
                "vencidos_fin_mes": group(open_end)["edad"].apply(lambda a: int((a > LIMIT).sum())),
                "mediana_dias": group(closed)["dias"].median(),
                "p90_dias": group(closed)["dias"].quantile(0.9),
            }
        )

    table = pd.concat([figures("entity_id"), figures(None)])
    return table.fillna({c: 0 for c in COMPARED[:5]})


HAND_SQL = """
select
    coalesce(c.entity_id, 'TOTAL') as entidad_id,
    count(*) filter (where c.created_on between :s and :e) as recibidos,
    count(*) filter (where c.closed_on between :s and :e) as cerrados,
    count(*) filter (
        where c.closed_on between :s and :e and c.closed_day - c.created_day <= :l
    ) as cerrados_en_plazo,
    count(*) filter (
        where c.created_on <= :e and (c.closed_on is null or c.closed_on > :e)
    ) as abiertos_fin_mes,
    count(*) filter (
        where c.created_on <= :e and (c.closed_on is null or c.closed_on > :e)
            and :e_day - c.created_day > :l
    ) as vencidos_fin_mes,
    percentile_cont(0.5) within group (order by c.closed_day - c.created_day)
        filter (where c.closed_on between :s and :e) as mediana_dias,
    percentile_cont(0.9) within group (order by c.closed_day - c.created_day)
        filter (where c.closed_on between :s and :e) as p90_dias,
    count(*) filter (
        where c.created_on between :s and :e and c.closed_day - c.created_day <= :l
    ) as cohorte_en_plazo
from cases as c
where c.status <> 'anulado'
    and c.created_on <= :e
    and (c.closed_on is null or c.closed_on >= :s)
group by rollup (c.entity_id)
"""


def hand_sql_table(url: str, month: str) -> pd.DataFrame:
    start = date.fromisoformat(f"{month}-01")
    end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(HAND_SQL), {"s": start, "e": end, "e_day": day_num(end), "l": LIMIT}
        ).mappings()
        frame = pd.DataFrame([dict(r) for r in rows])
    engine.dispose()
    return frame.set_index("entidad_id")


def _same_figures(reference: pd.DataFrame, other: pd.DataFrame) -> bool:
    ref = reference.set_index("entidad_id")
    ids = [i for i in other.index if i in ref.index]
    if not ids or len(ids) != len(other.index):
        return False
    for column in COMPARED:
        a = ref.loc[ids, column].astype(float).to_numpy()
        b = other.loc[ids, column].astype(float).to_numpy()
        b = np.round(b + np.sign(b) * 1e-9, 1) if column in ("mediana_dias", "p90_dias") else b
        if not np.allclose(np.nan_to_num(a, nan=-1), np.nan_to_num(b, nan=-1), atol=0.051):
            log.warning("column %s differs", column)
            return False
    return True


def export_comparison(url: str, month: str, naive: bool) -> dict[str, Any]:
    engine = make_engine(url, read_only=True)
    reference = monthly.monthly_table(
        engine, Settings(), period=Period(Month.parse(month)), dates=data_dates(engine)
    ).to_pandas()
    engine.dispose()
    export_runs = [_export(url, month) for _ in range(3)]
    naive_s, naive_frame = timed(lambda: naive_table(url, month)) if naive else (None, None)
    hand_runs = []
    for _ in range(3):
        seconds, hand = timed(lambda: hand_sql_table(url, month))
        hand_runs.append(seconds)
    export_s = statistics.median(export_runs)
    hand_s = statistics.median(hand_runs)
    return {
        "month": month,
        "export_s": round(export_s, 3),
        "export_runs_s": [round(x, 3) for x in export_runs],
        "naive_pandas_s": None if naive_s is None else round(naive_s, 3),
        "hand_sql_s": round(hand_s, 3),
        "hand_sql_runs_s": [round(x, 3) for x in hand_runs],
        "naive_over_export": None if naive_s is None else round(naive_s / export_s, 1),
        "export_over_hand_sql": round(export_s / hand_s, 2),
        "naive_matches_export": None
        if naive_frame is None
        else _same_figures(reference, naive_frame),
        "hand_sql_matches_export": _same_figures(reference, hand),
    }


# --- memory of a real server ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _tree_rss_kb(pid: int) -> int:
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) // 1024


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as answer:
            return bool(answer.read() == b"ok")
    except OSError:
        return False


def _start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    """`streamlit run app.py` on `url`, headless, on 127.0.0.1:`port`."""
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _settle(page: Any, timeout: float) -> None:
    """Wait until a Streamlit page has its title, finished its run and shows no spinner."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout * 1000)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout * 1000
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout * 1000,
    )


def server_memory(url: str, timeout: float) -> dict[str, Any]:
    """Peak RSS of `streamlit run app.py` with 1, then 5 concurrent browser sessions."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = _start_server(url, port)
    base = f"http://127.0.0.1:{port}"
    result: dict[str, Any] = {}
    peak_tree = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):
                peak_tree[0] = max(peak_tree[0], _tree_rss_kb(server.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    try:
        for _ in range(120):
            if _healthy(base):
                break
            time.sleep(0.5)
        sampler.start()
        result["idle_rss_mb"] = round(_status_kb(server.pid, "VmRSS") / 1024)
        paths = ["/", "/Ranking", "/Entidad", f"/?sector={FILTER_SECTOR}", "/Ranking?dias=habiles"]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)

            def open_session(path: str) -> Any:
                page = browser.new_context().new_page()
                page.goto(base + path, timeout=timeout * 1000)
                return page

            started = time.perf_counter()
            first = open_session(paths[0])
            _settle(first, timeout)
            result["one_session_render_s"] = round(time.perf_counter() - started, 2)
            result["one_session_rss_mb"] = round(_status_kb(server.pid, "VmRSS") / 1024)
            result["one_session_peak_mb"] = round(_status_kb(server.pid, "VmHWM") / 1024)
            started = time.perf_counter()
            others = [open_session(path) for path in paths[1:]]
            for page in others:
                _settle(page, timeout)
            result["five_sessions_render_s"] = round(time.perf_counter() - started, 2)
            result["five_sessions_rss_mb"] = round(_status_kb(server.pid, "VmRSS") / 1024)
            result["five_sessions_peak_mb"] = round(_status_kb(server.pid, "VmHWM") / 1024)
            result["pages"] = paths
            result["exceptions"] = sum(
                page.locator("[data-testid='stException']").count() for page in [first, *others]
            )
            browser.close()
    finally:
        stop.set()
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=20)
        if server.poll() is None:
            server.kill()
    result["peak_tree_rss_mb"] = round(peak_tree[0] / 1024)
    return result


# --- SQLite default: every page ------------------------------------------------------------------


def sqlite_pages(cases: int, timeout: float, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench_sqlite_") as folder:
        url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
        engine = make_engine(url)
        prepare_database(engine, Settings())
        fill_s, _ = timed(lambda: generate_demo(engine, Settings(), cases=cases, seed=311))
        engine.dispose()
        pages = {"Resumen": "app.py"}
        for path in sorted((PROJECT / "pages").glob("*.py")):
            pages[path.stem.split("_", 1)[1].replace("_", " ")] = f"pages/{path.name}"
        started_load = load()
        times = page_times(url, pages, timeout, repeat)
    return {
        "cases": cases,
        "demo_s": round(fill_s, 1),
        "load_before": started_load,
        "pages": times,
        "load_after": load(),
    }


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


def main(argv: list[str] | None = None) -> int:
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
    args = parser.parse_args(argv)
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


def save(report: dict[str, Any], out: Path) -> None:
    """Write the report so far (each section is saved as soon as it is measured)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
