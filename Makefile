# Two commands do all set-up on a fresh machine with nothing but Python 3.11:
#   make run    the product with demo data, a Celery worker and beat, on SQLite and an embedded broker
#   make test   the tests (SQLite; set DATABASE_URL for PostgreSQL)
#   make bench  the benchmark on PostgreSQL (docs/benchmark.md): SCALE=50000 projects by default
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: the suite is xdist-safe (each worker its own test database and ports).
JOBS ?= 2
SCALE ?= 50000
BENCH_ARGS ?=

.PHONY: run test lint migrate venv clean bench

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo
	HOST=$(HOST) PORT=$(PORT) bin/run-embedded

test: venv
	$(BIN)/pytest -n $(JOBS)

# On the PostgreSQL of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres, used only
# to create and drop its own database bench_$(SCALE)); e.g. make bench SCALE=1000000 BENCH_ARGS=--keep
bench: venv
	$(BIN)/python -m bench --scale $(SCALE) $(BENCH_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var db.sqlite3
