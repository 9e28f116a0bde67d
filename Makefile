# Two commands on a fresh machine: `make all` then `make test`. Each installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: all install data figures notebooks test lab clean

all: install data figures notebooks

# Re-install only when the dependency list changes.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Rebuild data/processed/ from data/raw/ (refuses if a raw file's checksum changed).
data: install
	$(PY) -m analysis build

# Write figures/ (PNG, SVG, PDF, CSV per figure, index.csv) from the figure catalogue; only this writes figures/.
figures: install
	$(PY) -m analysis figures

# Execute every notebook in place; notebooks display figures from memory and never write figures/.
notebooks: install
	$(PY) -m analysis notebooks

test: install
	$(PY) -m pytest tests --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

clean:
	rm -rf $(VENV) .pytest_cache
