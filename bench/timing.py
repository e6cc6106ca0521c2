"""Timing helpers shared by the scale benchmark (bench/run.py) and the parts it is split into."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def load() -> float:
    return round(os.getloadavg()[0], 2)
