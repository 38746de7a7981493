# Calf Check. `make run` starts the app; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Local mode serves this machine only. ADDRESS=0.0.0.0 lets phones on your network open share links (they still see
# no profiles: only this machine owns the data).
ADDRESS ?= localhost
export CALF_DB_PATH ?= data/calfcheck.duckdb
# Test files run side by side, one worker per core (pytest-xdist); each file stays whole on one worker, in its own
# order, as when run alone. TEST_WORKERS=0 runs them one after the other in this process (pdb, print debugging).
TEST_WORKERS ?= auto
PYTEST_PARALLEL := $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

.PHONY: run dev hosted lint test test-fast bench backup restore demo-screens clean check-python

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Calf Check needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'

$(VENV)/.runtime: requirements.lock | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==25.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

# As `make run`, but Streamlit watches the source files and offers to rerun when one changes (off in .streamlit/config.toml).
dev: $(VENV)/.runtime
	$(BIN)/python -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS) --server.fileWatcherType auto

# The hosted set-up on this machine (docs/deploy.md): a throwaway PostgreSQL, two app processes and HAProxy on
# 127.0.0.1:8080 (PORT=... for another; PROCESSES=N), logins through a development identity provider. Ctrl+C stops all.
hosted: $(VENV)/.test
	scripts/ensure_postgres.sh
	$(BIN)/python scripts/hosted.py --processes $(or $(PROCESSES),2) $(if $(filter command line environment,$(origin PORT)),--port $(PORT))

# The gate every change passes (make test runs it first): lint, format and types (strict on all product code).
lint: $(VENV)/.test
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m mypy

test: $(VENV)/.test lint
	scripts/ensure_chromium.sh
	scripts/ensure_postgres.sh
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# Copy the database into data/backups/ (or TO=file), also while the app runs: the running app makes the copy.
backup: $(VENV)/.runtime
	$(BIN)/python -m calfstore.backup backup $(if $(TO),--to "$(TO)")

# Replace the database with a backup. Stop the app first: this refuses while the file is in use.
restore: $(VENV)/.runtime
	@test -n "$(FROM)" || { echo "usage: make restore FROM=data/backups/<file>.duckdb" >&2; exit 2; }
	$(BIN)/python -m calfstore.backup restore "$(FROM)"

# Core and page tests only (no browser): quick feedback while developing.
test-fast: $(VENV)/.test
	scripts/ensure_postgres.sh
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_PARALLEL)

# Benchmarks (issue 5, benchmarks/): prints one table and writes docs/benchmarks.md. About 12 minutes on 2 cores.
bench: $(VENV)/.test
	scripts/ensure_chromium.sh
	scripts/ensure_postgres.sh
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis tests/artifacts
