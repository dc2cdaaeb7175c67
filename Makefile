# One entry point for the habits. `make demo` is the main job, `make test` passes the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
ARCHIVE ?= ./despatch-archive

.PHONY: install system demo test lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The modules setup.py compiles with mypyc (src/despatch/_compiled.py): their extension
# modules shadow the sources, so a change to any of them rebuilds. DESPATCH_PURE_PYTHON=1
# builds pure Python; without a C compiler the build falls back to it (the status says so).
COMPILED_SOURCES := $(shell $(PYTHON) src/despatch/_compiled.py --sources)

$(VENV)/.installed: pyproject.toml setup.py src/despatch/_compiled.py $(COMPILED_SOURCES) | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python src/despatch/_compiled.py --status
	touch $@

install: $(VENV)/.installed

system:
	PYTHON=$(PYTHON) bash scripts/install-system-deps

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache screenshots build
	find src -name '*.so' -delete
