"""Execute the notebooks in place, deterministically, so that `make all` twice changes no committed file."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from . import paths, tables


def execute(path: Path, parameters: dict | None = None) -> None:
    nb = nbformat.read(path, as_version=4)
    # record_timing=False: no per-cell timestamps in the committed file.
    client = NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False,
                            resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}})
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    with tables.atomic_path(path) as tmp:  # a kill mid-write leaves the old notebook, never half of one
        nbformat.write(nb, str(tmp))


def execute_all() -> list[Path]:
    done = []
    for path in sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        execute(path)
        done.append(path)
    return done
