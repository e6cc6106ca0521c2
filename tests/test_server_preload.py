"""`serve.py` imports, in the server's main thread, the libraries a page run would otherwise
import lazily from many session threads at once (20 sessions on a cold server once got a
partially initialised pandas: cac311.server.PRELOADED_MODULES)."""

from __future__ import annotations

import subprocess
import sys

from cac311.config import PROJECT_ROOT
from cac311.server import PRELOADED_MODULES

CHECK = """
import runpy, sys
lazy = ("pandas", "pyarrow")
assert not any(name in sys.modules for name in lazy), "already imported before serve.py"
runpy.run_path("serve.py")
missing = [name for name in {names!r} if name not in sys.modules]
print("missing:", missing)
"""


def test_serve_py_preloads_the_lazily_imported_libraries() -> None:
    assert {"pandas", "pyarrow"} <= set(PRELOADED_MODULES)
    done = subprocess.run(
        [sys.executable, "-c", CHECK.format(names=PRELOADED_MODULES)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "missing: []" in done.stdout
