"""Settings of the product: where the database is and the rules the metrics follow.

Every value is read from the environment (`CAC311_*`, see the README's table) with the default of
the SPEC, so a fresh checkout runs with no configuration at all. `Settings()` is the defaults
alone (what tests and the demo use); `Settings.from_env()` reads the environment through
pydantic-settings and turns every bad variable into one Spanish line of a `UserError`.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from cac311.errors import UserError

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


def _env(name: str, description: str) -> Any:
    """A field read from the environment variable `name` (also settable by field name)."""
    return Field(validation_alias=name, description=description)


PositiveInt = Annotated[int, Field(ge=1)]


class Settings(BaseModel):
    """The rules of SPEC §3 that AIG may change, and the dashboard's few knobs.

    Each field names its environment variable; the default is written once, here.
    """

    model_config = ConfigDict(frozen=True, validate_by_name=True, validate_by_alias=True)

    timezone: Annotated[
        str, _env("CAC311_TIMEZONE", "time zone of local dates (fixed when the DB is created)")
    ] = "America/Panama"
    legal_limit_days: Annotated[
        PositiveInt, _env("CAC311_LIMITE_DIAS", "legal limit L in days (both day modes)")
    ] = 30
    ranking_min_n: Annotated[
        PositiveInt, _env("CAC311_RANKING_MIN_N", "minimum n to be ranked")
    ] = 20
    extra_days_off: Annotated[
        tuple[date, ...],
        NoDecode,
        _env("CAC311_DIAS_LIBRES_EXTRA", "extra days off by decree, comma-separated ISO dates"),
    ] = ()
    freshness_al_dia_days: Annotated[
        PositiveInt, _env("CAC311_FRESCURA_AL_DIA", "directory item al_dia up to N days")
    ] = 90
    freshness_por_vencer_days: Annotated[
        PositiveInt, _env("CAC311_FRESCURA_POR_VENCER", "directory item por_vencer up to N days")
    ] = 180
    por_vencer_min_age: Annotated[
        PositiveInt, _env("CAC311_POR_VENCER_DESDE", "'por vencer' list starts at this age")
    ] = 25
    demo_cases: Annotated[
        PositiveInt, _env("CAC311_DEMO_CASOS", "cases of the first-start embedded demo")
    ] = 250_000
    session_minutes: Annotated[
        PositiveInt, _env("CAC311_SESION_MINUTOS", "idle minutes before a local sign-in expires")
    ] = 480
    session_max_hours: Annotated[
        PositiveInt,
        _env("CAC311_SESION_MAX_HORAS", "hours after sign-in when a local session ends anyway"),
    ] = 24
    publication_due_working_days: Annotated[
        PositiveInt,
        _env(
            "CAC311_PUBLICACION_DIA_HABIL",
            "the publication of M is due on the N-th working day after M ends",
        ),
    ] = 7
    transfer_min_days_left: Annotated[
        PositiveInt,
        _env(
            "CAC311_TRASLADO_DIAS_MINIMOS",
            "a case received by transfer with fewer days left than this breaches 'heredado'",
        ),
    ] = 5
    smtp_url: Annotated[
        SecretStr | None,
        _env("CAC311_SMTP_URL", "SMTP server of the report delivery (password hidden)"),
    ] = None
    mail_from: Annotated[
        str | None, _env("CAC311_MAIL_FROM", "sender address of the report e-mails")
    ] = None
    chart_browser: Annotated[
        str | None,
        _env("CAC311_NAVEGADOR", "Chromium that draws the PDF report's charts (default: found)"),
    ] = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("zona horaria desconocida (use p. ej. America/Panama)") from exc
        return value

    @field_validator("smtp_url", "mail_from", "chart_browser", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("extra_days_off", mode="before")
    @classmethod
    def _split_dates(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            try:
                return tuple(sorted(date.fromisoformat(part) for part in parts))
            except ValueError as exc:
                raise ValueError("fechas AAAA-MM-DD separadas por comas") from exc
        return value

    @classmethod
    def from_env(cls) -> Settings:
        """The settings of the environment; UserError with one line per bad variable."""
        try:
            loaded = _EnvironmentSettings()
        except ValidationError as exc:
            raise UserError(_settings_error_lines(exc)) from None
        return cls.model_validate(loaded.model_dump())

    @classmethod
    def variables(cls) -> dict[str, tuple[str, Any]]:
        """{environment variable: (description, default)} — the README table is checked with it."""
        return {
            str(field.validation_alias): (field.description or "", field.default)
            for field in cls.model_fields.values()
        }


class _EnvironmentSettings(BaseSettings, Settings):
    """`Settings` read from the environment variables named by each field's alias."""

    model_config = SettingsConfigDict(frozen=True, case_sensitive=True, extra="ignore")


_ERROR_TEXT = {
    "int_parsing": "debe ser un número entero",
    "greater_than_equal": "debe ser un número entero mayor o igual que 1",
}


def _settings_error_lines(exc: ValidationError) -> str:
    aliases = {field: str(info.validation_alias) for field, info in Settings.model_fields.items()}
    lines = []
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else ""
        name = aliases.get(where, where)
        raw = os.environ.get(name, "")
        reason = _ERROR_TEXT.get(error["type"]) or str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"Variable de entorno {name}={raw!r} inválida: {reason}.")
    return "\n".join(lines)
