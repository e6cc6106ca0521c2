"""Plotly figures → SVG with kaleido v1 and ONE headless browser per batch.

`SvgRenderer` is a context manager: entering it starts one kaleido render server (one Debian
Chromium, found on PATH or at `CAC311_NAVEGADOR`) on a private event loop in a worker thread;
`render(fig)` sends figures to it one at a time; leaving it closes the browser. When no browser
can be started, `available` is False, `problem` says why in one Spanish line and `render`
returns None, so the caller writes the PDF with tables only.

kaleido's own global "sync server" is not used: a failed start leaves its callers waiting for
ever, and it is one per process (a dashboard serves several people at once).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from types import TracebackType
from typing import Any, Final

import plotly.graph_objects as go

log = logging.getLogger(__name__)

START_TIMEOUT: Final = 60.0
RENDER_TIMEOUT: Final = 60.0


class SvgRenderer:
    """One kaleido browser for a batch of charts (see the module docstring)."""

    def __init__(self, browser_path: str | None = None) -> None:
        self._browser_path = browser_path
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self.problem: str | None = None

    @property
    def available(self) -> bool:
        return self._kaleido is not None

    def __enter__(self) -> SvgRenderer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _submit(self, coroutine: Any) -> Future[Any]:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def start(self) -> None:
        """Start the browser; on failure set `problem` (never raises for a missing browser)."""
        try:
            import kaleido
            from choreographer.errors import ChromeNotFoundError
        except ImportError:  # pragma: no cover - kaleido is a declared dependency
            self.problem = "el paquete kaleido no está instalado"
            return
        # choreographer logs a traceback for a half-read message while the browser shuts down;
        # it is harmless and would be the only noise of a successful CLI run.
        logging.getLogger("choreographer").setLevel(logging.CRITICAL)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="cac311-kaleido", daemon=True
        )
        self._thread.start()

        async def open_browser() -> Any:
            options: dict[str, Any] = {"n": 1, "mathjax": False, "timeout": RENDER_TIMEOUT}
            if self._browser_path:
                options["path"] = self._browser_path
            browser = kaleido.Kaleido(**options)
            await browser.open()
            return browser

        try:
            self._kaleido = self._submit(open_browser()).result(START_TIMEOUT)
        except ChromeNotFoundError:
            where = f" en {self._browser_path}" if self._browser_path else ""
            self.problem = (
                f"no se encontró Chromium{where} (instale el paquete chromium o indique su ruta "
                "en CAC311_NAVEGADOR)"
            )
        except (FutureTimeout, OSError, RuntimeError, ValueError) as exc:
            log.warning("kaleido: the browser did not start: %r", exc)
            self.problem = f"Chromium no pudo iniciarse ({type(exc).__name__})"
        if self._kaleido is None:
            self._stop_loop()

    def render(self, fig: go.Figure, width: int, height: int) -> bytes | None:
        """The figure as SVG bytes; None when no browser is available or this chart failed."""
        if self._kaleido is None:
            return None
        opts = {"format": "svg", "width": width, "height": height}
        try:
            data = self._submit(self._kaleido.calc_fig(fig, opts=opts)).result(RENDER_TIMEOUT + 5)
        except Exception as exc:
            log.warning("kaleido: a chart failed: %r", exc)
            self.problem = f"un gráfico no pudo dibujarse ({type(exc).__name__})"
            return None
        return bytes(data)

    def close(self) -> None:
        if self._kaleido is not None:
            try:
                self._submit(self._kaleido.close()).result(START_TIMEOUT)
            except Exception as exc:
                log.warning("kaleido: closing the browser failed: %r", exc)
            self._kaleido = None
        self._stop_loop()

    def _stop_loop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=START_TIMEOUT)
        if self._loop is not None and not self._loop.is_running():
            self._loop.close()
        self._loop = None
        self._thread = None
