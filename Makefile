# tweetpipe — `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := bash
NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
STAMP := node_modules/.tweetpipe-installed
PYTHON ?= python3
TEST_DEPS := .venv/.tweetpipe-test-deps
AIRFLOW_DEPS := .venv-airflow/.tweetpipe-airflow

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

init: $(STAMP) build ## Install dependencies and build (run once; other targets do it for you)

$(STAMP): package.json package-lock.json
	@if [ "$(NODE_MAJOR)" -lt 20 ]; then echo "tweetpipe needs Node.js 20 or newer (found: $$(node --version 2>/dev/null || echo none))"; exit 1; fi
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

build: $(STAMP) ## Compile the TypeScript to dist/
	npx tsc -p tsconfig.json

run: init ## Run the whole pipeline on the defaults (bundled emulator, local lake, DuckDB warehouse)
	./bin/tweetpipe.js run

test-deps: $(TEST_DEPS) ## Install the servers the tests start on loopback (PostgreSQL, moto's S3 server)

$(TEST_DEPS): requirements-test.txt
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "Installing PostgreSQL from Debian's packages (the tests start a throw-away cluster)"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get install -y -q postgresql >/dev/null 2>&1 || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; }; \
	fi
	$(PYTHON) -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

airflow-deps: $(AIRFLOW_DEPS) ## Install Apache Airflow into .venv-airflow (for the DAG tests)

$(AIRFLOW_DEPS): airflow/requirements.txt
	$(PYTHON) -m venv .venv-airflow
	.venv-airflow/bin/pip install --quiet --disable-pip-version-check -r airflow/requirements.txt
	@touch $@

test: init $(TEST_DEPS) $(AIRFLOW_DEPS) ## Run the test suite (starts its own emulator, S3 server and PostgreSQL on loopback)
	node --test --test-concurrency=1 --test-timeout=600000 $$(find dist/src -name '*.test.js' | sort)

lint: $(STAMP) ## Lint and check formatting (Biome)
	npx biome lint .
	npx biome format .

format: $(STAMP) ## Format the code in place
	npx biome format --write .

check: init ## Typecheck, lint, format check and tests
	npx tsc -p tsconfig.json --noEmit
	$(MAKE) lint
	$(MAKE) test

bench: init ## Benchmark process and load on 1,000,000 generated posts (not a test)
	node --max-old-space-size=4096 dist/bench/pipeline-bench.js

clean: ## Remove build output and local data
	rm -rf dist data .tweetpipe-bench .venv .venv-airflow

.PHONY: help init build run test test-deps airflow-deps lint format check bench clean
