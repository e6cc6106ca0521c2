#!/usr/bin/env bash
# Tablero 311 — one entry point for people and CI.
#   bash dev.sh run    install everything into .venv and open the dashboard (embedded SQLite + demo data)
#   bash dev.sh test   install everything into .venv and run the whole suite: ruff, mypy, pytest
#   bash dev.sh lock   regenerate requirements.txt (the lock) from pyproject.toml's dependencies
# Needs only python3 (and, for the browser tests, root to apt-get Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY="$VENV/bin/python"

log() { printf '\033[1m[tablero311]\033[0m %s\n' "$*" >&2; }

ensure_venv() {
  if [ ! -x "$PY" ]; then
    log "Creando el entorno virtual $VENV"
    if ! python3 -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "Instalando python3-venv (Debian)"
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$VENV"
      else
        log "Falta el módulo venv de Python: sudo apt-get install python3-venv"; exit 1
      fi
    fi
  fi
  local stamp="$VENV/.requirements.sha256"
  local want; want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "Instalando dependencias (requirements.txt, generado desde pyproject.toml)"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -r requirements.txt
    "$PY" -m pip install -q --no-deps -e .
    echo "$want" > "$stamp"
  fi
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "Instalando Chromium de Debian para las pruebas de navegador"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    log "Falta /usr/bin/chromium: sudo apt-get install chromium"; exit 1
  fi
}

ensure_fonts() {
  # The monthly PDF report is typeset with Debian's DejaVu fonts only (deterministic output).
  if [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "Instalando las fuentes DejaVu de Debian para el informe en PDF"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null
  else
    log "Faltan las fuentes DejaVu: sudo apt-get install fonts-dejavu-core"; exit 1
  fi
}

cmd_run() {
  ensure_venv
  ensure_fonts
  # serve.py wraps app.py in st.App: same pages, plus the routes of the local-session cookie.
  exec "$VENV/bin/streamlit" run serve.py "$@"
}

cmd_test() {
  ensure_venv
  # Chromium: the browser tests and the report tests (charts drawn by kaleido).
  ensure_chromium
  ensure_fonts
  log "ruff check"; "$VENV/bin/ruff" check .
  log "ruff format --check"; "$VENV/bin/ruff" format --check .
  log "mypy (strict en src/)"; "$VENV/bin/mypy"
  # Two workers (this machine has 2 cores); a test file stays on one worker, so a module's server
  # or database fixture is built once. PYTEST_WORKERS=0 runs everything in one process.
  log "pytest"; "$VENV/bin/pytest" -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
}

cmd_lock() {
  ensure_venv
  # Keeps the versions already locked unless pyproject.toml needs others (--upgrade to refresh).
  "$VENV/bin/uv" pip compile pyproject.toml --extra dev --python-version 3.11 \
    --python-platform x86_64-unknown-linux-gnu -o requirements.txt "$@"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  lock) shift; cmd_lock "$@" ;;
  *) echo "uso: bash dev.sh run|test|lock [argumentos extra]"; exit 2 ;;
esac
