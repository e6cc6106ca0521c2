"""No tracked text file keeps a merge conflict's markers (one slipped into docs/metrics.md once:
the documentation of a figure must never read as two versions at once)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)
TEXT_SUFFIXES = {".py", ".md", ".sql", ".toml", ".txt", ".sh", ".typ", ".cfg", ".ini", ".yml"}


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    return [ROOT / name for name in listed if Path(name).suffix in TEXT_SUFFIXES]


def test_no_file_keeps_conflict_markers() -> None:
    files = _tracked_text_files()
    assert any(f.name == "metrics.md" for f in files)  # the listing really reached the docs
    marked = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in files
        if path.is_file()
        for text in [path.read_text(encoding="utf-8", errors="replace")]
        for m in MARKER.finditer(text)
    ]
    assert marked == []
