# Everything bootstraps .venv from nothing: `make run` and `make test` are the only steps.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench demo clean schema http-audit-deps browser-test-deps graphiql-assets \
	router-deps supergraph

# The GraphQL-over-HTTP audit (tests/gateway/test_http_spec_audit.py) runs npm's graphql-http
# from tests/http_audit; without node/npm that one test is skipped (never under CI=true).
NPM ?= npm
AUDIT_DIR := tests/http_audit
AUDIT_STAMP := $(AUDIT_DIR)/node_modules/.installed

# `make run` needs the runtime packages only; `make test` adds the dev tools
$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/dutygraph db upgrade
	$(BIN)/dutygraph demo --if-empty
	$(BIN)/dutygraph serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check core gateway plugins tests bench
	$(BIN)/mypy

$(AUDIT_STAMP): $(AUDIT_DIR)/package.json $(AUDIT_DIR)/package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
		cd $(AUDIT_DIR) && $(NPM) ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else \
		echo "npm not found: the GraphQL-over-HTTP audit test will be skipped"; \
	fi

http-audit-deps: $(AUDIT_STAMP)

# The GraphiQL browser test (tests/gateway/test_graphiql_browser.py) drives Debian's Chromium
# with npm's playwright-core (which downloads no browser of its own). As root with apt-get,
# Chromium is installed when missing; without it (or node) the test is skipped, never
# under CI=true.
BROWSER_DIR := tests/browser
BROWSER_STAMP := $(BROWSER_DIR)/node_modules/.installed
CHROMIUM ?= /usr/bin/chromium

$(BROWSER_STAMP): $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
		cd $(BROWSER_DIR) && $(NPM) ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else \
		echo "npm not found: the GraphiQL browser test will be skipped"; \
	fi

browser-test-deps: $(BROWSER_STAMP)
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
		else \
			echo "$(CHROMIUM) not found (apt-get install chromium): the GraphiQL browser test will be skipped"; \
		fi; \
	fi

# The Federation router (Hive Gateway) and the offline composer live in deploy/router (npm);
# tests/gateway/test_federation_router.py runs them, tests/gateway/test_supergraph_file.py
# composes with them. Without node/npm those tests are skipped (never under CI=true).
ROUTER_DIR := deploy/router
ROUTER_STAMP := $(ROUTER_DIR)/node_modules/.installed

$(ROUTER_STAMP): $(ROUTER_DIR)/package.json $(ROUTER_DIR)/package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
		cd $(ROUTER_DIR) && $(NPM) ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else \
		echo "npm not found: the federation router tests will be skipped"; \
	fi

router-deps: $(ROUTER_STAMP)

# deploy/supergraph.graphql: the core and every installed plugin as Federation 2 subgraphs,
# composed offline, with deploy/compose.federation.yaml and deploy/k8s/federation/ (rerun after any schema change or a new plugin; a test fails on drift)
supergraph: $(STAMP) router-deps
	$(BIN)/dutygraph supergraph --out deploy/supergraph.graphql --deploy

# GraphiQL's vendored assets, from the pinned npm tarballs (tools/refresh_graphiql.py)
graphiql-assets:
	$(PYTHON) tools/refresh_graphiql.py

# The suite runs in TEST_WORKERS processes (pytest-xdist; an idle worker steals tests from a
# busy one; every database fixture has a unique name, every server a free port):
# `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= 2

test: $(STAMP) lint http-audit-deps browser-test-deps router-deps
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal

# The read path side by side with PostGraphile 5 (installs wrk, Node 22 and PostGraphile into
# bench/.cache itself; loads the scale-15 demo city into its own database once).
bench: $(STAMP)
	$(BIN)/python -m bench.read_path $(BENCH_ARGS)

schema: $(STAMP)
	$(BIN)/dutygraph schema > schema.graphql

clean:
	rm -rf $(VENV) dutygraph.db .pytest_cache .mypy_cache .ruff_cache $(AUDIT_DIR)/node_modules \
		$(BROWSER_DIR)/node_modules $(ROUTER_DIR)/node_modules
