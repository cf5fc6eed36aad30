# Precinct: `make run` serves the platform on the embedded default (SQLite + the Wuhan demo city,
# with simulated incidents flowing); `make test` runs the whole suite (SQLite and PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PRECINCT_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test setup db demo bench clean browser-deps

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

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest

bench: $(STAMP)
	bash scripts/bench-deps.sh
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/forecast.py
	$(BIN)/python bench/planning.py

clean:
	rm -rf $(VENV) var
