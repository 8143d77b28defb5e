# Two commands matter:  `make demo` (set up + run the main job)  and  `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup demo test lint samples clean lock

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/lock.txt -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/scrthemes samples data/samples
	$(BIN)/scrthemes ingest data/samples
	$(BIN)/scrthemes frequencies
	$(BIN)/scrthemes compare --area Kent --against published
	$(BIN)/scrthemes compare --area Kent --against area:REST
	$(BIN)/scrthemes report --out report --area Kent
	@echo "Database: $(CURDIR)/scrthemes.db  (try: $(BIN)/scrthemes sql \"SELECT * FROM theme_frequencies\")"
	@echo "Report:   $(CURDIR)/report/index.html"

test: setup
	bash scripts/ensure-system-packages.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

# Regenerate the pinned versions after changing dependencies in pyproject.toml.
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^scrthemes' > requirements/lock.txt

clean:
	rm -rf $(VENV) data/samples report scrthemes.db scrthemes.db-*
