# Passerelle: `make run` serves the demo region, `make test` runs every check, `make check` the
# fast ones (inner loop).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
# `make run` serves with two worker processes: 64 clients ranking at once p99 675 ms against
# 1.1 s with one, with the benchmark's old httpx client (benchmarks/bench_concurrency.py; README
# for today's figures); each holds its own index (~0.5 GB with ESCO).
WORKERS ?= 2
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# ESCO (official CSV download, French): the service and `python -m matching evaluate` read it
# from ESCO_DIR; the shared copy beside the checkout is used when present and none is set.
ifeq ($(origin ESCO_DIR), undefined)
ifneq ($(wildcard ../shared/data/esco-fr/occupations_fr.csv),)
export ESCO_DIR := $(abspath ../shared/data/esco-fr)
endif
endif

.PHONY: run install install-dev test check lint typecheck pytest pytest-sqlite pytest-postgres \
	pytest-fast demo-data bench evaluate clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 requis / required ($(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# torch is pinned and installed first, so pip takes the local CPU wheel rather than a CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run:
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory install && \
	$(BIN)/passerelle migrate && \
	$(BIN)/passerelle load-demo && \
	echo "Mise en place / set-up: $$(( $$(date +%s) - start )) s" && \
	exec $(BIN)/passerelle serve --workers $(WORKERS)

lint: install-dev
	$(BIN)/ruff check matching api tests benchmarks data
	$(BIN)/ruff format --check matching api tests benchmarks data

# One process: api imports matching, which would otherwise be analysed twice; matching stays
# strict through pyproject's per-module override.
typecheck: install-dev
	$(BIN)/mypy matching api benchmarks data

# pytest-xdist: PYTEST_WORKERS processes per run, a whole test file to one worker at a time (the
# file's module fixtures are built once); `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2
XDIST = -n $(PYTEST_WORKERS) --dist loadfile

# Every test against SQLite.
pytest-sqlite: install-dev
	$(BIN)/pytest -q $(XDIST)

# The tests marked `db` (everything that reaches the database: queries, constraints, migrations,
# imports, pages and endpoints) again, against a throwaway PostgreSQL; one database per worker.
pytest-postgres: install-dev
	bash .ci/with-postgres.sh $(BIN)/pytest -q $(XDIST) -m db

pytest: pytest-sqlite pytest-postgres

# One after the other, each run on every core: running them side by side (make -j) packed the
# cores better but starved wall-clock assertions (the ESCO folder loads in under 10 s).
test: install-dev
	@bash .ci/ensure-chromium.sh
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint typecheck pytest-sqlite pytest-postgres && \
	echo "make test: $$(( $$(date +%s) - start )) s"

# The inner loop, under 90 s: lint, types and the tests not marked `slow` (the notebook, the
# browser and the whole-region allocations are left out), on SQLite only. `make test` runs
# everything.
check: install-dev
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory -j 3 --output-sync=target lint typecheck pytest-fast && \
	echo "make check: $$(( $$(date +%s) - start )) s"

pytest-fast: install-dev
	$(BIN)/pytest -q $(XDIST) -m "not slow"

demo-data: install
	$(BIN)/python data/generate_demo.py --out data/demo

bench: install-dev
	$(BIN)/python benchmarks/bench_ranking.py

evaluate: install
	$(BIN)/python -m matching evaluate ../shared/benchmarks/esco-occupations --taxonomy ../shared/data/esco-fr

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
