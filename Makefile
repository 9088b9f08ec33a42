# Two commands for a newcomer on Debian 12:  make run  |  make test
SHELL := /bin/bash
.DEFAULT_GOAL := run
.PHONY: run test setup system db migrate demo serve check lint bench clean

VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
export DATABASE_URL ?= postgis://postgres@127.0.0.1:5432/qpv_terrain
export DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

run: setup migrate demo serve

# Tests run in TEST_WORKERS processes (pytest-xdist), each with its own test database and
# Chromium; on 2 cores, 3 processes overlap the browser tests' waits (794 tests: 7 min 0 s with 2,
# 5 min 30 s with 3, 5 min 16 s with 4).
TEST_WORKERS ?= 3
test: system-test setup migrate check
	$(PY) -m pytest -n $(TEST_WORKERS) --durations=15

# Static checks run by `make test`: style, the layering of ARCHITECTURE.md, migrations.
check: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run -v0

setup: system $(VENV)/.installed node_modules/.package-lock.json db

system:
	@./scripts/install_system.sh

system-test:
	@./scripts/install_system.sh test

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

db:
	@if [[ "$$DATABASE_URL" == *"@127.0.0.1:5432/"* || "$$DATABASE_URL" == *"@localhost:5432/"* ]]; then ./scripts/start_postgres.sh; fi
	@$(PY) scripts/ensure_db.py

migrate:
	@$(PY) manage.py migrate --no-input -v0
	@$(PY) manage.py createcachetable

demo:
	@$(PY) manage.py charger_demo

# The web server and, beside it, the job queue's worker (e-mails, reminders); both stop together.
serve:
	@echo "Application servie sur http://$(HOST):$(PORT)/  (comptes de démonstration : voir README.md)"
	@trap 'kill 0' EXIT; $(PY) manage.py procrastinate worker & $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# `make bench` is quick (20,000 reports); `make bench BENCH_SIZE=1000000` is the full run.
BENCH_SIZE ?= 20000
bench: setup migrate
	$(PY) bench/run_all.py --size $(BENCH_SIZE)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
