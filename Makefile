# One entry point for the habits. `make demo` is the main job, `make test` passes the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
ARCHIVE ?= ./despatch-archive

.PHONY: install system demo test lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

system:
	bash scripts/install-system-deps

## The main job: ingest the bundled samples into the embedded archive, search, then serve.
demo: install
	$(BIN)/despatch --archive $(ARCHIVE) ingest samples/
	$(BIN)/despatch --archive $(ARCHIVE) search 'Chiang Kai-shek from:Moscow' --limit 5
	$(BIN)/despatch --archive $(ARCHIVE) serve

## The tests (PostgreSQL and Chromium are installed if missing; the tests start their own server),
## after lint and strict type checks.
test: system install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache screenshots
