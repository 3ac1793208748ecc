# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
HOST ?= 127.0.0.1
# The platform's own address: the demo data's web crawls and webhook target its /demo-site/.
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install install-dev migrate demo browser bench screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt requirements/production.txt | $(PY)
	$(PIP) install --quiet -r requirements/production.txt
	touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/production.txt requirements/dev.txt | $(PY)
	$(PIP) install --quiet -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py seed_demo

## run: set up and start web, Celery worker and beat with demo data (Ctrl-C stops all)
run: demo
	PORT=$(PORT) HOST=$(HOST) PY=$(PY) bin/run

## browser: Debian's Chromium for the browser tests (needs root; never `playwright install`)
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

## test: ruff (lint and format check), then every test, against PostgreSQL and Redis on 127.0.0.1 (DATABASE_URL / REDIS_URL override)
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

$(VENV)/.bench-installed: requirements/bench.txt requirements/dev.txt requirements/base.txt requirements/production.txt | $(PY)
	$(PIP) install --quiet -r requirements/bench.txt
	touch $@ $(VENV)/.dev-installed $(VENV)/.base-installed

## bench: every script in bench/ (installs requirements/bench.txt: dev plus bench-only packages)
bench: $(VENV)/.bench-installed
	@for script in bench/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var staticfiles media

## screenshots: the README's screenshots (docs/screenshots/), taken by the demo journeys in Chromium
screenshots: install-dev
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q tests/browser/test_demo_journeys.py
