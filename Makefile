# Two commands: `make demo` and `make test`. Both set everything up from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PYTHONPATH := $(CURDIR):$(CURDIR)/platform
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install report-libs backup-tools pgbouncer services services-down migrate demo test lint typecheck pytest test-dates bench browser clean

$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

# Front-end assets (htmx) from the npm registry, served by Django from node_modules.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed report-libs

# Pango and the DejaVu fonts (Cyrillic) for the PDF reports (WeasyPrint, issue #12).
report-libs:
	bash infra/ensure_report_libs.sh

# Backups (issue #14, ARC-5): pgBackRest and the PostgreSQL 15 binaries of the restore drill
# (tests/backups/test_pgbackrest_drill.py), installed before the suite runs.
pytest: backup-tools
backup-tools:
	bash infra/ensure_pgbackrest.sh

# PgBouncer (issue #18): the session-mode pooler tests/deploy/test_pgbouncer.py starts.
pytest: pgbouncer
pgbouncer:
	bash infra/ensure_pgbouncer.sh

# Debian's Chromium for the Playwright browser tests.
browser:
	bash infra/ensure_chromium.sh

# PostgreSQL and Redis: DATABASE_URL / REDIS_URL if set, else embedded real servers.
services: install
	$(BIN)/python infra/devservices.py up

services-down:
	-$(BIN)/python infra/devservices.py down

migrate: services
	. .data/services.env && DJANGO_SETTINGS_MODULE=config.settings.dev \
	  $(BIN)/python platform/manage.py platform_migrate

demo: services
	. .data/services.env && $(BIN)/python infra/demo.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest: services browser
	. .data/services.env && $(BIN)/pytest

# The suite runs on one frozen test clock (tests/clock.py). The date-sensitive tests run
# again with the clock on days across the school year: the first day, the winter holidays,
# after the last period, the summer holidays. Each must pass.
SWEEP_DATES ?= 2026-09-01 2027-01-05 2027-05-31 2027-07-15
SWEEP_TESTS ?= tests/journal tests/identity tests/catalog tests/web tests/messaging
test-dates: services
	@set -e; for day in $(SWEEP_DATES); do \
	  echo "test-dates: TEST_TODAY=$$day"; \
	  . .data/services.env && TEST_TODAY=$$day $(BIN)/pytest -q $(SWEEP_TESTS); \
	done

test: services lint typecheck pytest test-dates

bench: services
	. .data/services.env && $(BIN)/python bench/provision.py

clean: services-down
	rm -rf .data $(VENV) node_modules
