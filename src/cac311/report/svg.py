"""Plotly figures → SVG with kaleido v1 and ONE headless browser per batch.

`SvgRenderer` is a context manager: entering it starts one kaleido render server (one Debian
Chromium, found on PATH or at `CAC311_NAVEGADOR`, with `TABS` pages) on a private event loop in a
worker thread — `begin()` only launches it, so the caller can load data meanwhile;
`render_many(figs)` draws a batch on all pages at once (kaleido reloads a page's plotly.js after
every chart, so two pages keep both cores busy); leaving it closes the browser. When no browser
can be started, `available` is False, `problem` says why in one Spanish line and the renders
return None, so the caller writes the PDF with tables only.

kaleido's own global "sync server" is not used: a failed start leaves its callers waiting for
ever, and it is one per process (a dashboard serves several people at once).

Speed: after every chart kaleido reloads the page, which parses plotly.js again (~0.3 s of CPU
per chart, measured 0.43 s vs 0.10 s per chart). A batch reloads a page only every
`RELOAD_EVERY` charts (each chart replaces the previous one, checked by the tests); if a future
kaleido renames the hook, it simply reloads after every chart again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from types import TracebackType
from typing import Any, Final

import plotly.graph_objects as go

log = logging.getLogger(__name__)

START_TIMEOUT: Final = 60.0
RENDER_TIMEOUT: Final = 60.0
TABS: Final = 2
RELOAD_EVERY: Final = 25


def _batch_kaleido(kaleido: Any) -> Any:
    """kaleido.Kaleido that reloads a page every RELOAD_EVERY charts instead of after each."""

    class BatchKaleido(kaleido.Kaleido):  # type: ignore[misc, name-defined]
        _uses: dict[int, int]

        async def _return_kaleido_tab(self, tab: Any) -> None:
            uses = getattr(self, "_uses", None)
            if uses is None:
                uses = self._uses = {}
            count = uses.get(id(tab), 0) + 1
            if count >= RELOAD_EVERY:
                uses[id(tab)] = 0
                await super()._return_kaleido_tab(tab)
            else:
                uses[id(tab)] = count
                await self.tabs_ready.put(tab)

    return BatchKaleido


class SvgRenderer:
    """One kaleido browser for a batch of charts (see the module docstring)."""

    def __init__(self, browser_path: str | None = None) -> None:
        self._browser_path = browser_path
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._opening: Future[Any] | None = None
        self.problem: str | None = None

    @property
    def available(self) -> bool:
        self._wait_open()
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
        """Start the browser and wait for it (see `begin`)."""
        self.begin()
        self._wait_open()

    def begin(self) -> None:
        """Launch the browser without waiting; a failure shows in `available` / `problem`."""
        try:
            import kaleido
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
            options: dict[str, Any] = {"n": TABS, "mathjax": False, "timeout": RENDER_TIMEOUT}
            if self._browser_path:
                options["path"] = self._browser_path
            browser = _batch_kaleido(kaleido)(**options)
            await browser.open()
            return browser

        self._opening = self._submit(open_browser())

    def _wait_open(self) -> None:
        if self._opening is None:
            return
        from choreographer.errors import ChromeNotFoundError

        opening, self._opening = self._opening, None
        try:
            self._kaleido = opening.result(START_TIMEOUT)
        except ChromeNotFoundError:
            where = f" en {self._browser_path}" if self._browser_path else ""
            self.problem = (
                f"no se encontró Chromium{where} (instale el paquete chromium o indique su ruta "
                "en CAC311_NAVEGADOR)"
            )
        except Exception as exc:  # any failure to start means: no charts, tables only
            log.warning("kaleido: the browser did not start: %r", exc)
            self.problem = f"Chromium no pudo iniciarse ({type(exc).__name__})"
        if self._kaleido is None:
            self._stop_loop()

    def render(self, fig: go.Figure, width: int, height: int) -> bytes | None:
        """The figure as SVG bytes; None when no browser is available or the chart failed."""
        return self.render_many([fig], width, height)[0]

    def render_many(self, figs: Sequence[go.Figure], width: int, height: int) -> list[bytes | None]:
        """Each figure as SVG bytes (None where it failed), drawn on every page at once."""
        if not self.available or not figs:
            return [None] * len(figs)
        opts = {"format": "svg", "width": width, "height": height}
        browser = self._kaleido

        async def draw_all() -> list[Any]:
            jobs = [browser.calc_fig(fig, opts=opts) for fig in figs]
            return list(await asyncio.gather(*jobs, return_exceptions=True))

        try:
            results = self._submit(draw_all()).result(RENDER_TIMEOUT * (1 + len(figs) // TABS))
        except Exception as exc:
            log.warning("kaleido: the charts failed: %r", exc)
            self.problem = f"los gráficos no pudieron dibujarse ({type(exc).__name__})"
            return [None] * len(figs)
        drawn: list[bytes | None] = []
        for result in results:
            if isinstance(result, BaseException):
                log.warning("kaleido: a chart failed: %r", result)
                self.problem = f"un gráfico no pudo dibujarse ({type(result).__name__})"
                drawn.append(None)
            else:
                drawn.append(bytes(result))
        return drawn

    def close(self) -> None:
        self._wait_open()
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
