# specialmeasures: the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo real test lint typecheck unit bench bench-large install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## Build the synthetic demo database and serve the web app on http://$(HOST):$(PORT)
demo: install
	$(BIN)/specialmeasures demo --host $(HOST) --port $(PORT)

## Build the real-England database from the published files in data/real and serve it
REAL_DATABASE ?= sqlite:///specialmeasures-real.db
real: install
	SPECIALMEASURES_DATABASE_URL=$(REAL_DATABASE) $(BIN)/specialmeasures real --data data/real --host $(HOST) --port $(PORT)

## Lint, type check and run the whole test suite
test: install-test lint typecheck
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install-test
	$(BIN)/mypy

## The modules whose docstring examples run as tests (pyproject's testpaths, less tests/)
DOCTESTED = $(addprefix src/specialmeasures/,domain rules stats evaluation reports access ingest regime)

unit: install-test
	$(BIN)/python -m pytest tests/unit tests/golden $(DOCTESTED)

## Benchmarks: figures and ratios against named peers, measured in the same run
bench: install-test
	$(BIN)/python -m benchmarks

## The command-line contracts at full scale: spc on 1,000,000 series x 60 months (time, peak memory)
bench-large: install-test
	SPECIALMEASURES_BENCH_LARGE=1 $(BIN)/python -m benchmarks cli_contracts

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
