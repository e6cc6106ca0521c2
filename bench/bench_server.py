"""Part of the scale benchmark (bench/run.py, `--memory`): peak RSS (VmHWM) of a real
`streamlit run app.py` server process with 1 and then 5 concurrent browser sessions (Playwright
+ /usr/bin/chromium), and the RSS of the server with its children sampled every 0.2 s.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench_pages import FILTER_SECTOR

from tests.e2e.support import CHROMIUM, CHROMIUM_ARGS  # one chromium launch recipe

PROJECT = Path(__file__).resolve().parents[1]


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


@contextlib.contextmanager
def peak_tree_rss(pid: int) -> Iterator[list[int]]:
    """Sample the RSS of `pid` and its children every 0.2 s while the block runs; the list's one
    item is the peak so far (KB)."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):
                peak[0] = max(peak[0], _tree_rss_kb(pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=20)
    if server.poll() is None:
        server.kill()


def server_memory(url: str, timeout: float) -> dict[str, Any]:
    """Peak RSS of `streamlit run app.py` with 1, then 5 concurrent browser sessions."""
    port = _free_port()
    server = _start_server(url, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if _healthy(base):
                break
            time.sleep(0.5)
        with peak_tree_rss(server.pid) as peak_tree:
            result = {"idle_rss_mb": round(_status_kb(server.pid, "VmRSS") / 1024)}
            result.update(_sessions(base, server.pid, timeout))
    finally:
        _stop(server)
    result["peak_tree_rss_mb"] = round(peak_tree[0] / 1024)
    return result


def _sessions(base: str, pid: int, timeout: float) -> dict[str, Any]:
    """One browser session on Resumen, then four more on other pages: render time, RSS, VmHWM."""
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {}
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
        result["one_session_rss_mb"] = round(_status_kb(pid, "VmRSS") / 1024)
        result["one_session_peak_mb"] = round(_status_kb(pid, "VmHWM") / 1024)
        started = time.perf_counter()
        others = [open_session(path) for path in paths[1:]]
        for page in others:
            _settle(page, timeout)
        result["five_sessions_render_s"] = round(time.perf_counter() - started, 2)
        result["five_sessions_rss_mb"] = round(_status_kb(pid, "VmRSS") / 1024)
        result["five_sessions_peak_mb"] = round(_status_kb(pid, "VmHWM") / 1024)
        result["pages"] = paths
        result["exceptions"] = sum(
            page.locator("[data-testid='stException']").count() for page in [first, *others]
        )
        browser.close()
    return result
