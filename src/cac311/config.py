"""Settings of the product: where the database is and the rules the metrics follow.

Everything here is read from the environment (or `.streamlit/secrets.toml`) with a safe default, so
a fresh checkout runs with no configuration at all.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = PROJECT_ROOT / "queries"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "tablero311.sqlite"


def default_sqlite_url() -> str:
    """The embedded default database: a SQLite file under `data/` (git-ignored)."""
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _secrets_database_url(secrets_file: Path = SECRETS_FILE) -> str | None:
    if not secrets_file.is_file():
        return None
    with secrets_file.open("rb") as fh:
        secrets = tomllib.load(fh)
    section = secrets.get("database", {})
    url = section.get("url") if isinstance(section, dict) else None
    return str(url) if url else None


def resolve_database_url(cli_url: str | None = None) -> str:
    """`--database-url`, else `DATABASE_URL`, else secrets.toml `[database] url`, else SQLite."""
    if cli_url:
        return cli_url
    env_url = os.environ.get("DATABASE_URL")
    if env_url:
        return env_url
    return _secrets_database_url() or default_sqlite_url()


def _env_dates(name: str) -> tuple[date, ...]:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ()
    return tuple(
        sorted(date.fromisoformat(part.strip()) for part in raw.split(",") if part.strip())
    )


@dataclass(frozen=True)
class Settings:
    """The rules of SPEC §3 that AIG may change. Defaults follow the SPEC."""

    timezone: str = "America/Panama"
    legal_limit_days: int = 30
    ranking_min_n: int = 20
    extra_days_off: tuple[date, ...] = field(default_factory=tuple)
    freshness_al_dia_days: int = 90
    freshness_por_vencer_days: int = 180
    por_vencer_min_age: int = 25

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            timezone=os.environ.get("CAC311_TIMEZONE", "America/Panama"),
            legal_limit_days=int(os.environ.get("CAC311_LIMITE_DIAS", "30")),
            ranking_min_n=int(os.environ.get("CAC311_RANKING_MIN_N", "20")),
            extra_days_off=_env_dates("CAC311_DIAS_LIBRES_EXTRA"),
            freshness_al_dia_days=int(os.environ.get("CAC311_FRESCURA_AL_DIA", "90")),
            freshness_por_vencer_days=int(os.environ.get("CAC311_FRESCURA_POR_VENCER", "180")),
            por_vencer_min_age=int(os.environ.get("CAC311_POR_VENCER_DESDE", "25")),
        )
