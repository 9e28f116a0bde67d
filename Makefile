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

.PHONY: all install data figures notebooks test lab lock clean

all: install data figures notebooks

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

test: install
	$(PY) -m pytest tests --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

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
