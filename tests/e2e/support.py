"""Shared helpers of the browser end-to-end tests (Playwright + Debian's chromium).

- `start_streamlit(...)`: a real `streamlit run` on 127.0.0.1:<free port>, healthy before it is
  handed over, stopped afterwards; its output goes to a log file whose tail is put into failure
  messages (the browser only shows a redacted error: `showErrorDetails = "none"`).
- `launch_chromium(browser_type)`: /usr/bin/chromium with the launch arguments verified in
  STACK_NOTES §5. A missing chromium FAILS the test (never a skip, never `playwright install`).
- `wait_render(page)`: wait until the script run is over and the page has settled.
- `assert_clean(page, server)`: no `stException` element, no visible "Traceback", and no
  traceback in the server's log so far (errors that a page caught and logged count too).
- `full_page_screenshot(page, path)`: Streamlit scrolls inside its main container, so Playwright's
  `full_page=True` alone captures one viewport; the viewport is stretched to the content height
  for the shot (width unchanged) and restored afterwards.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserType, Page, ViewportSize, expect

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
RENDER_TIMEOUT_MS = 90_000
# Full-page screenshots of every page (git-ignored). `E2E_SCREENSHOTS` moves them elsewhere:
# pytest-playwright deletes its `--output` folder (default `test-results/`) whenever a pytest
# session starts in the project, so a concurrent test run may wipe them.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS") or PROJECT / "test-results" / "screenshots")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base_url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Poll `/_stcore/health` until it answers `ok`; fail early if the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
                if resp.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@dataclass(frozen=True)
class Server:
    """A running Streamlit server: its base URL and its log file."""

    url: str
    log_path: Path
    pid: int = 0  # the server process (e.g. to read its memory)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return ANSI_ESCAPE.sub("", text)[-chars:]


@contextmanager
def start_streamlit(
    script: Path | str,
    *,
    cwd: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
    extra_args: Sequence[str] = (),
    port: int | None = None,
) -> Iterator[Server]:
    """`python -m streamlit run <script>` headless on a free port; yields once it is healthy.

    `env` is the server's whole environment (default: this process's); `port` a free port
    chosen beforehand when the caller needs the URL first (e.g. for an OIDC redirect URI).
    """
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    full_env = dict(env) if env is not None else dict(os.environ)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
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
                *extra_args,
            ],
            cwd=cwd,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(base_url, proc)
            yield Server(url=base_url, log_path=log_path, pid=proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def launch_chromium(browser_type: BrowserType) -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); "
            "the e2e tests never download a browser."
        )
    return browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def new_page(browser: Browser) -> Page:
    """A fresh browser context (own cookies and Streamlit session) at 1366×768."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(30_000)
    return context.new_page()


def wait_render(page: Page, timeout: int = RENDER_TIMEOUT_MS) -> None:
    """Wait for the script run to finish, the status widget to go, and charts to be drawn.

    After a click, also assert the expected content: the state may still read `notRunning`
    just before the rerun starts (STACK_NOTES §5).
    """
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)
    charts = page.get_by_test_id("stPlotlyChart")
    for index in range(charts.count()):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached(timeout=timeout)


def assert_clean(page: Page, server: Server, where: str) -> None:
    """No exception element or visible traceback on the page, and none logged by the server."""
    exceptions = page.get_by_test_id("stException")
    tracebacks = page.get_by_text("Traceback", exact=False)
    visible_tracebacks = sum(1 for i in range(tracebacks.count()) if tracebacks.nth(i).is_visible())
    logged = "Traceback" in server.log_tail(chars=10_000_000)
    if exceptions.count() or visible_tracebacks or logged:
        shown = " | ".join(exceptions.all_inner_texts())[:1000]
        raise AssertionError(
            f"{where}: {exceptions.count()} exception element(s), {visible_tracebacks} visible "
            f"traceback(s), traceback in the server log: {logged}, at {page.url}\n"
            f"shown: {shown}\n--- server log tail ---\n"
            f"{server.log_tail()}"
        )


def full_page_screenshot(page: Page, path: Path) -> None:
    """The whole page at the viewport's width (the main container's full height)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or VIEWPORT
    height = int(
        page.evaluate(
            """() => Math.max(
                ...['stMain', 'stAppViewContainer', 'stSidebarContent']
                    .map(id => document.querySelector(`[data-testid="${id}"]`))
                    .filter(Boolean)
                    .map(el => el.scrollHeight),
                document.documentElement.scrollHeight)"""
        )
    )
    try:
        page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
        page.wait_for_timeout(600)  # charts re-lay out on resize
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
