# Two commands for a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE ?= backend.settings.local

.PHONY: run test setup data lint typecheck bench

setup:
	@scripts/setup.sh

data: setup
	@$(PY) manage.py migrate --noinput -v 0
	@$(PY) manage.py collectstatic --noinput -v 0
	@$(PY) manage.py load_default_data

run: data
	@PORT=$(PORT) scripts/run.sh

test: setup
	@DJANGO_SETTINGS_MODULE=backend.settings.test $(PY) manage.py collectstatic --noinput -v 0
	@DJANGO_SETTINGS_MODULE=backend.settings.test $(VENV)/bin/pytest
	@$(MAKE) --no-print-directory lint typecheck

lint:
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck:
	@$(VENV)/bin/mypy .

bench: data
	@$(PY) -m bench
