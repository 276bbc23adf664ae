# Two commands: `make demo` and `make test`. Both set everything up from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PYTHONPATH := $(CURDIR):$(CURDIR)/platform
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install services services-down migrate demo test lint typecheck pytest bench browser clean

$(BIN)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

# Front-end assets (htmx) from the npm registry, served by Django from node_modules.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

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

test: services lint typecheck pytest

bench: services
	. .data/services.env && $(BIN)/python bench/provision.py

clean: services-down
	rm -rf .data $(VENV) node_modules
