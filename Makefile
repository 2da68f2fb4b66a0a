# tweetpipe — `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := bash
NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
STAMP := node_modules/.tweetpipe-installed

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

init: $(STAMP) build ## Install dependencies and build (run once; other targets do it for you)

$(STAMP): package.json package-lock.json
	@if [ "$(NODE_MAJOR)" -lt 20 ]; then echo "tweetpipe needs Node.js 20 or newer (found: $$(node --version 2>/dev/null || echo none))"; exit 1; fi
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

build: $(STAMP) ## Compile the TypeScript to dist/
	npx tsc -p tsconfig.json

run: init ## Run the whole pipeline on the defaults (bundled emulator, local lake, DuckDB warehouse)
	./bin/tweetpipe.js run

test: init ## Run the test suite (node:test; starts its own emulator on loopback)
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
	rm -rf dist data .tweetpipe-bench

.PHONY: help init build run test lint format check bench clean
