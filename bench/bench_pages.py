"""Part of the scale benchmark (bench/run.py): server time of the page scripts through Streamlit's
AppTest in this process, cold (right after `st.cache_data.clear()`) and cached, plus Resumen
after a sidebar filter change; and every page on the default embedded SQLite demo.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from timing import load, timed

from cac311.config import Settings
from cac311.db.engine import make_engine
from cac311.db.setup import prepare_database
from cac311.ingest.demo import generate_demo

PROJECT = Path(__file__).resolve().parents[1]
FILTER_SECTORS = ("ministerio", "municipio", "entidad_autonoma", "empresa_publica", "otro")
FILTER_SECTOR = FILTER_SECTORS[0]


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
