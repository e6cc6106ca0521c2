# Convenience targets; everything goes through dev.sh so people and CI run the same thing.
.PHONY: help run test lint types unit e2e faults demo-pg bench
help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'
run:  ## install into .venv and open the dashboard on the embedded SQLite (demo data on first start)
	bash dev.sh run
test:  ## install into .venv and run ruff, mypy and pytest (needs PostgreSQL at 127.0.0.1:5432)
	bash dev.sh test
lint:  ## ruff lint + format check
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
types:  ## mypy strict on src/
	.venv/bin/mypy
unit:  ## pytest without the browser tests
	.venv/bin/pytest -m "not e2e"
e2e:  ## only the browser tests (Debian chromium; screenshots in test-results/screenshots)
	.venv/bin/pytest -m e2e
faults:  ## only the fault-injection tests (tests/faults; root mounts a tmpfs for the full disk)
	.venv/bin/pytest -m faults
bench:  ## benchmarks against PostgreSQL (see docs/benchmarks.md)
	.venv/bin/python bench/run.py
