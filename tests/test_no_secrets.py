"""No secret in the repository: every git-tracked file is scanned for private keys, password-like
settings with a literal value and database URLs carrying a password.

Placeholders are allowed: upper-case words (`CLAVE_LECTOR`), `<...>`, `${...}`, `{...}` (an
f-string computing the value at run time), `***`, values
containing "example"/"ejemplo"/"cambiar". `*.example` files hold only placeholders and are
exempt from the settings check (still scanned for private keys). A line carrying the marker
`pragma: allowlist secret` (the detect-secrets convention) is skipped: use it only for throwaway
test credentials.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ALLOW_MARKER = "pragma: allowlist secret"

PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# key = "value", key: 'value', "key": "value", key="value" (Python keyword argument)
SECRET_SETTING = re.compile(
    r"""(?ix)
    (?<![\w-])["']?
    (?P<key>[\w-]*?(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token))
    ["']?\s*[:=]\s*
    (?P<quote>["'])(?P<value>[^"'\n]+)(?P=quote)
    """
)
SQL_PASSWORD = re.compile(r"(?i)\bpassword\s+'(?P<value>[^'\n]+)'")
URL_PASSWORD = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?P<value>[^@\s'\"/]+)@[\w.-]+")
PLACEHOLDER = re.compile(
    r"""(?x)^(
        <[^>]*> | \$\{[^}]*\} | \$[A-Z_][A-Z0-9_]* | \{[^}]*\} | \{\{[^}]*\}\}
        | [A-ZÑÁÉÍÓÚ][A-ZÑÁÉÍÓÚ_]* | \*+ | x+ | X+ | \.\.\. | …
    )$"""
)
PLACEHOLDER_WORDS = ("example", "ejemplo", "cambiar", "changeme", "placeholder")
PLACEHOLDER_VALUES = ("password", "contraseña", "clave", "pass", "secret", "secreto", "pwd")
# This file plants fake secrets on purpose to test the scanner.
SCANNER_FILE = "tests/test_no_secrets.py"


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}"


def is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return (
        bool(PLACEHOLDER.match(value.strip()))
        or lowered in PLACEHOLDER_VALUES
        or any(word in lowered for word in PLACEHOLDER_WORDS)
    )


def find_secrets(text: str, path: str) -> list[Finding]:
    """Every suspected secret in `text` (the content of the file at `path`)."""
    findings: list[Finding] = []
    is_example = path.endswith(".example")
    for number, line in enumerate(text.splitlines(), start=1):
        if ALLOW_MARKER in line:
            continue
        if PRIVATE_KEY.search(line):
            findings.append(Finding(path, number, "private key"))
        if is_example:
            continue
        for match in SECRET_SETTING.finditer(line):
            if not is_placeholder(match["value"]):
                findings.append(Finding(path, number, f"literal value for {match['key']!r}"))
        for match in SQL_PASSWORD.finditer(line):
            if not is_placeholder(match["value"]):
                findings.append(Finding(path, number, "literal SQL password"))
        for match in URL_PASSWORD.finditer(line):
            if not is_placeholder(match["value"]):
                findings.append(Finding(path, number, "URL with a password"))
    return findings


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True
    ).stdout
    return [name for name in out.decode().split("\0") if name]


PLANTED = {
    "private key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
    "openssh key": "-----BEGIN OPENSSH PRIVATE KEY-----",
    "toml password": 'password = "hunter2-real"',
    "upper-case with digits": 'PGPASSWORD = "S3CR3TKEY99"',
    "cookie secret": "cookie_secret = 'a8f5f167f44f4964e6c998dee827110c'",
    "client secret": '  client_secret="s3cr3t-v4lue"',
    "json secret": '{"client_secret": "s3cr3t-v4lue"}',
    "yaml password": "db_password: 'hunter2-real'",
    "postgres url": 'url = "postgresql+psycopg://cac311:hunter2@db.aig.gob.pa:5432/tablero"',
    "sql password": "create role lector login password 'hunter2-real';",
}


@pytest.mark.parametrize("sample", list(PLANTED.values()), ids=list(PLANTED))
def test_scanner_catches_planted_secret(sample: str) -> None:
    assert find_secrets(sample, "config/settings.toml"), sample


@pytest.mark.parametrize(
    "sample",
    [
        'password = "CLAVE_LECTOR"',
        'cookie_secret = "<cadena aleatoria larga>"',
        'url = "postgresql+psycopg://cac311_lector:${PGPASSWORD}@db:5432/tablero"',
        'url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"',
        "DATABASE_URL=postgresql+psycopg://user:password@host:5432/db",
        "create role cac311_lector login password 'CLAVE_LECTOR';",
        'password = st.text_input("Contraseña", type="password")',
        "MIN_PASSWORD_LENGTH = 8",
        'PASSWORD_KEY = "auth_password"',
        'password = "only-for-tests"  # pragma: allowlist secret',
        "f'cookie_secret = \"{secrets.token_hex(16)}\"\\n'",
    ],
)
def test_scanner_accepts_placeholders_and_code(sample: str) -> None:
    assert find_secrets(sample, "src/app.py") == []


def test_example_files_may_hold_settings_but_not_keys() -> None:
    assert find_secrets('client_secret = "valor-de-ejemplo-123"', "secrets.toml.example") == []
    assert find_secrets('client_secret = "abc123def"', "secrets.toml.example") == []
    assert find_secrets(PLANTED["private key"], "secrets.toml.example")


def test_no_secrets_in_tracked_files() -> None:
    files = tracked_files()
    assert files, "git ls-files returned nothing"
    assert not [f for f in files if Path(f).name in ("secrets.toml", ".env")], (
        "secrets.toml / .env must never be tracked"
    )
    findings: list[Finding] = []
    for name in files:
        path = REPO / name
        if name == SCANNER_FILE or not path.is_file():
            continue  # deleted in the working tree
        findings += find_secrets(path.read_text(encoding="utf-8", errors="ignore"), name)
    assert not findings, "Possible secrets:\n" + "\n".join(map(str, findings))


def test_secrets_file_is_git_ignored() -> None:
    result = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=REPO, check=False
    )
    assert result.returncode == 0, ".streamlit/secrets.toml must be listed in .gitignore"
