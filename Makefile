# Two commands on a fresh machine: `make all` then `make test`. Each installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: all install data notebooks export profiles browser test lab clean

# Each step skips its work when its inputs and outputs are unchanged (content hashes in .stamps/, printed as
# "<step>: inputs unchanged, skipped"); a second `make all` with nothing changed takes seconds.
all: install data notebooks export profiles

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

# Execute every notebook in place; figures/ is written by the notebooks through analysis.figures.save.
notebooks: install
	$(PY) -m analysis notebooks

# The Excel workbook reports/police-social-media-misconduct.xlsx.
export: install
	$(PY) -m analysis export

# One page per force in reports/profiles/ (self-contained HTML) and index.html.
profiles: install
	$(PY) -m analysis profiles

# Headless Chromium and its driver for the browser test (tests/test_profiles_browser.py), from Debian's
# packages, installed where missing and the machine allows it (root with apt-get); otherwise say what to do.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	else echo "The browser test needs Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver"; fi

test: install browser
	$(PY) -m pytest tests --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

clean:
	rm -rf $(VENV) .pytest_cache
