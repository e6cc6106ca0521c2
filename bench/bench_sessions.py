"""Benchmark: N concurrent browser sessions open Resumen at once (issue 18).

    .venv/bin/python bench/bench_sessions.py --database-url postgresql+psycopg://... \\
        [--cases 1000000] [--sessions 20] [--rounds 2]

The database is filled with `generate_demo(cases=N, seed=311, today=2026-11-15)` unless it
already holds exactly N demo cases (a SQLite URL is created if missing). Then a real server
(`streamlit run serve.py`, as `bash dev.sh run`) is started on it, and Debian's chromium opens
N browser contexts (each its own Streamlit session) on `/` at the same moment. Round 1 starts
with empty caches (every session arrives while the first computations run); round 2 comes back
to the warm server. For each round: the wall time until the last session has rendered (script
finished, KPIs and charts drawn), each session's time, and the server's memory (RSS of the
server and its children, sampled every 0.2 s: peak; and VmHWM). A session counts as failed
when it shows an exception box, an error alert or no KPI. Prints JSON; write it into
bench/results/ with `--out`.

`concurrent_resumen` is also what tests/faults/test_concurrent_sessions.py runs (smaller).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

DEMO_TODAY = date(2026, 11, 15)


def _tree_rss_mb(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def _hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def concurrent_resumen(
    base_url: str,
    server_pid: int,
    *,
    sessions: int = 20,
    timeout_s: float = 300,
    browser: Browser | None = None,
) -> dict[str, Any]:
    """Open `sessions` fresh browser sessions on `/` at once; time, memory and failures.

    `browser`: a running chromium (a test's, from pytest-playwright); else one is started."""
    if browser is not None:
        return _concurrent_resumen(browser, base_url, server_pid, sessions, timeout_s)
    from playwright.sync_api import sync_playwright

    from tests.e2e.support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        own = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            return _concurrent_resumen(own, base_url, server_pid, sessions, timeout_s)
        finally:
            own.close()


RENDERED_JS = (
    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= 4"
)


def _concurrent_resumen(
    browser: Browser, base_url: str, server_pid: int, sessions: int, timeout_s: float
) -> dict[str, Any]:
    peak = [_tree_rss_mb(server_pid)]
    idle = peak[0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):
                peak[0] = max(peak[0], _tree_rss_mb(server_pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timeout_ms = timeout_s * 1000
    contexts: list[Any] = []
    try:
        started = time.perf_counter()
        pages = []
        for _ in range(sessions):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            contexts.append(context)
            page = context.new_page()
            page.goto(base_url + "/", wait_until="commit", timeout=timeout_ms)
            pages.append(page)
        times, failures = _rendered(pages, started, timeout_ms)
        wall = time.perf_counter() - started
    finally:
        for context in contexts:
            with contextlib.suppress(Exception):
                context.close()
        stop.set()
        sampler.join(timeout=5)
    return {
        "sessions": sessions,
        "rendered": len(times),
        "failures": failures,
        "wall_s": round(wall, 2),
        "median_session_s": round(statistics.median(times), 2) if times else None,
        "server_rss_before_mb": round(idle),
        "server_peak_rss_mb": round(peak[0]),
        "server_vmhwm_mb": round(_hwm_mb(server_pid)),
    }


def _rendered(pages: list[Any], started: float, timeout_ms: float) -> tuple[list[float], list[str]]:
    """Wait for each session to render; its time since `started`, or why it failed (an error
    box or alert, missing KPIs, or no render within the timeout)."""
    times: list[float] = []
    failures: list[str] = []
    for number, page in enumerate(pages):
        try:
            page.wait_for_selector("[data-testid='stMetric']", timeout=timeout_ms)
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']",
                timeout=timeout_ms,
            )
            page.wait_for_function(RENDERED_JS, timeout=timeout_ms)
        except Exception as exc:
            failures.append(f"session {number}: {type(exc).__name__}: {exc}"[:300])
            continue
        times.append(time.perf_counter() - started)
        bad = (
            page.locator("[data-testid='stException']").count()
            + page.locator("[data-testid='stAlert']").count()
        )
        if bad or page.locator("[data-testid='stMetric']").count() < 4:
            failures.append(f"session {number}: {bad} error element(s) or missing KPIs")
    return times, failures


def _fill(url: str, cases: int) -> None:
    import sqlalchemy as sa

    from cac311.config import Settings
    from cac311.db.engine import make_engine
    from cac311.db.setup import prepare_database
    from cac311.ingest.demo import generate_demo, is_database_empty

    engine = make_engine(url)
    try:
        prepare_database(engine, Settings())
        if not is_database_empty(engine):
            with engine.connect() as conn:
                have = conn.execute(sa.text("select count(*) from cases")).scalar_one()
            if have == cases:
                return
            raise SystemExit(f"{url} holds {have} cases, not {cases}: use an empty database")
        generate_demo(engine, Settings(), cases=cases, seed=311, today=DEMO_TODAY, progress=True)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from tests.e2e.support import start_streamlit

    _fill(args.database_url, args.cases)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAC311_")}
    env["DATABASE_URL"] = args.database_url
    log = Path(os.environ.get("TMPDIR", "/tmp")) / "bench_sessions_streamlit.log"
    result: dict[str, Any] = {"cases": args.cases, "database": args.database_url.split(":")[0]}
    with start_streamlit(PROJECT / "serve.py", cwd=PROJECT, log_path=log, env=env) as server:
        result["rounds"] = [
            concurrent_resumen(
                server.url, server.pid, sessions=args.sessions, timeout_s=args.timeout
            )
            for _ in range(args.rounds)
        ]
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
