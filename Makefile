# Two commands on a fresh machine: `make all` then `make test`. Each installs what it needs first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Exact versions with sha256 hashes, generated from pyproject.toml by `make lock` (never edited by hand).
LOCK := requirements.lock
UV_VERSION := 0.13.8
LOCK_TOOL := $(VENV)/lock-tool
LOCK_FLAGS ?=

.PHONY: all install data figures notebooks export profiles browser test lab lock clean

# Each step skips its work when its inputs and outputs are unchanged (content hashes in .stamps/, printed as
# "<step>: inputs unchanged, skipped"); a second `make all` with nothing changed takes seconds.
# export reads figures/*.csv, so figures comes before it.
all: install data figures notebooks export profiles

# Re-install only when the lock (or the project metadata) changes. The lock pins every package, pip and the
# build backend included, so the project itself is installed without resolving anything (--no-deps) and
# built with the locked setuptools (--no-build-isolation).
$(STAMP): $(LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
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

# The suite runs on every core (pytest-xdist); each test module, and each notebook's cells, stay together on one
# worker in order (--dist loadgroup, see tests/conftest.py), as nbval needs. `make test TEST_WORKERS=0` runs it
# in one process. Byte code is cached (git-ignored __pycache__/) even where PYTHONDONTWRITEBYTECODE is set, so
# the workers and the dozens of `python -m analysis` processes the crash tests start do not compile the package
# and the rewritten test modules again each time.
# Tests marked `timing` compare two speeds; they run afterwards, alone, so that the other workers do not skew them
# (tests/test_lock.py checks every `timing` test is in one of these files).
TEST_WORKERS ?= auto
TIMING_TESTS := tests/test_foi_speed.py
test: install browser
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest tests --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder -m "not timing"
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest $(TIMING_TESTS) -p no:cacheprovider -p no:nbval -n 0 -q -m timing

# Jupyter refuses to start as root unless told; most containers run as root, so pass --allow-root only then.
lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $$(test "$$(id -u)" = 0 && echo --allow-root)

# Regenerate requirements.lock after changing a dependency in pyproject.toml (then run `make all`). Versions
# already in the lock are kept where they still fit; `make lock LOCK_FLAGS=--upgrade` takes the newest releases.
# uv resolves from PyPI only (--no-config, --default-index), for every platform and Python >= 3.11
# (--universal), with the hash of every file of every pinned release. The build requirements of
# pyproject.toml and pip itself are locked too, so that installing needs nothing unpinned.
lock:
	test -x $(LOCK_TOOL)/bin/python || $(PYTHON) -m venv $(LOCK_TOOL)
	$(LOCK_TOOL)/bin/python -m pip install --quiet 'uv==$(UV_VERSION)'
	$(PYTHON) -c 'import tomllib; print("\n".join(["pip"] + tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))' \
	  | $(LOCK_TOOL)/bin/uv pip compile --quiet --no-config --default-index https://pypi.org/simple --universal \
	      --python-version 3.11 --generate-hashes --extra dev --custom-compile-command 'make lock' \
	      $(LOCK_FLAGS) pyproject.toml - -o $(LOCK)

clean:
	rm -rf $(VENV) .pytest_cache
