# Everything bootstraps .venv from nothing: `make run` and `make test` are the only steps.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench demo clean schema

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/dutygraph db upgrade
	$(BIN)/dutygraph demo --if-empty
	$(BIN)/dutygraph serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check core gateway plugins tests bench
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench.load_demo

schema: $(STAMP)
	$(BIN)/dutygraph schema > schema.graphql

clean:
	rm -rf $(VENV) dutygraph.db .pytest_cache .mypy_cache .ruff_cache
