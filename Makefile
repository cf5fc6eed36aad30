# Precinct: `make run` serves the platform on the embedded default (SQLite + the Wuhan demo city,
# with simulated incidents flowing); `make test` runs the whole suite (SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PRECINCT_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test setup db demo bench clean browser-deps lint-js lint

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

db: $(STAMP)
	$(BIN)/precinct db upgrade

demo: db
	$(BIN)/precinct demo load

run: demo
	$(BIN)/precinct serve --simulate

browser-deps:
	bash scripts/browser-deps.sh

# The console's scripts (not vendor/): ESLint's recommended rules, see eslint.config.js.
node_modules: package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules

lint-js: node_modules
	npx eslint src/precinct/web/static/js

# The Python code: ruff's rules and mypy's types, both configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/mypy

# Two worker processes, each taking whole test files (their module fixtures: servers, browsers, databases).
test: $(STAMP) browser-deps lint-js lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: $(STAMP)
	bash scripts/bench-deps.sh
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/forecast.py
	$(BIN)/python bench/planning.py

clean:
	rm -rf $(VENV) var
