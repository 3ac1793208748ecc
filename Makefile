# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
HOST ?= 127.0.0.1
# The platform's own address: the demo data's web crawls and webhook target its /demo-site/. bin/run
# records it in var/site-url, where later `manage.py seed_demo` runs find it; `make demo` runs first.
export SITE_URL ?= http://$(HOST):$(PORT)

# Python caches compiled modules (__pycache__/, ignored by git) even where the environment asks it
# not to: the tests start hundreds of Python processes, and pytest caches its rewritten test modules
# the same way; without the caches each would compile the project again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test check install install-dev lock migrate demo browser bench screenshots clean

# uv installs the locked packages (several times faster than pip); it is bootstrapped into the
# virtualenv by pip at the version below.
UV_VERSION ?= 0.13.9
UV := $(VENV)/bin/uv
UV_INSTALL := $(UV) pip install --quiet --compile-bytecode --python $(PY)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(UV): | $(PY)
	$(PIP) install --quiet uv==$(UV_VERSION)

# Installs come from the lock files (requirements/lock/*.txt): every package, direct or not, at one
# version. requirements/*.txt are the inputs people edit; `make lock` regenerates the locks from them.
$(VENV)/.base-installed: requirements/lock/production.txt | $(UV)
	$(UV_INSTALL) -r requirements/lock/production.txt
	touch $@

$(VENV)/.dev-installed: requirements/lock/dev.txt | $(UV)
	$(UV_INSTALL) -r requirements/lock/dev.txt
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

# Test processes (pytest-xdist; 0 runs in this process): each has its own test database and Redis db
# (REDIS_URL's db plus the worker's number). Whole test files go to one process (--dist loadfile).
PYTEST_WORKERS ?= 2
# The last pass: tests marked `sqlite` on SQLite (an in-memory test database; the file is not used).
TEST_SQLITE_URL ?= sqlite:///$(CURDIR)/var/test-sqlite.sqlite3

## test: ruff (lint and format check), every test against PostgreSQL and Redis on 127.0.0.1 (DATABASE_URL / REDIS_URL override), then the tests marked sqlite on SQLite
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
	DATABASE_URL=$(TEST_SQLITE_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS) -m sqlite \
		|| [ $$? -eq 5 ]  # 5: PYTEST_ARGS chose no test marked sqlite

## check: the quick loop while working: ruff and every test that needs no live server, real worker, browser or fuzzing
check: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not slow and not browser and not fuzz" $(PYTEST_ARGS)

$(VENV)/.bench-installed: requirements/lock/bench.txt | $(UV)
	$(UV_INSTALL) -r requirements/lock/bench.txt
	touch $@ $(VENV)/.dev-installed $(VENV)/.base-installed

## bench: every script in bench/ (installs requirements/lock/bench.txt: dev plus bench-only packages)
bench: $(VENV)/.bench-installed
	@for script in bench/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# pip-tools runs from a virtualenv of its own (never .venv), at the version requirements/dev.txt pins.
LOCK_VENV ?= var/piptools
LOCK_SETS := base production dev bench
# LOCK_ARGS=--upgrade moves every unpinned (indirect) package to its newest release;
# LOCK_ARGS='--upgrade-package X' moves one.
LOCK_ARGS ?=

$(LOCK_VENV)/.installed: requirements/dev.txt
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet "$$(grep -o '^pip-tools==[^ ]*' requirements/dev.txt)"
	touch $@

## lock: regenerate requirements/lock/*.txt from requirements/*.txt (after editing any of them)
lock: $(LOCK_VENV)/.installed
	@mkdir -p requirements/lock
	@for set in $(LOCK_SETS); do \
		echo "== requirements/lock/$$set.txt"; \
		$(LOCK_VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
			$(LOCK_ARGS) --output-file requirements/lock/$$set.txt requirements/$$set.txt || exit 1; \
	done

clean:
	rm -rf $(VENV) var staticfiles media

## screenshots: the README's screenshots (docs/screenshots/), taken by the demo journeys in Chromium
screenshots: install-dev
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest -q tests/browser/test_demo_journeys.py
