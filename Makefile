# Passerelle: `make run` serves the demo region, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run install install-dev test lint typecheck pytest demo-data bench evaluate clean

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
	exec $(BIN)/passerelle serve

lint: install-dev
	$(BIN)/ruff check matching api tests benchmarks data
	$(BIN)/ruff format --check matching api tests benchmarks data

typecheck: install-dev
	$(BIN)/mypy matching
	$(BIN)/mypy api

# Every test against SQLite, then the database tests again against a throwaway PostgreSQL.
pytest: install-dev
	$(BIN)/pytest -q
	bash .ci/with-postgres.sh $(BIN)/pytest -q -m db

test: install-dev
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint typecheck pytest && \
	echo "make test: $$(( $$(date +%s) - start )) s"

demo-data: install
	$(BIN)/python data/generate_demo.py --out data/demo

bench: install-dev
	$(BIN)/python benchmarks/bench_ranking.py

evaluate: install
	$(BIN)/python -m matching evaluate ../shared/benchmarks/esco-occupations --taxonomy ../shared/data/esco-fr

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
