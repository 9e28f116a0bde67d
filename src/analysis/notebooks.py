"""Execute the notebooks in place, deterministically, so that `make all` twice changes no committed file."""
from __future__ import annotations

from pathlib import Path

from . import paths, tables


def execute(path: Path, parameters: dict | None = None) -> None:
    # nbformat and nbclient take about a second to import (schema validators): only when a notebook runs,
    # so that listing the notebooks (and a `make all` that skips them) stays fast.
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # record_timing=False: no per-cell timestamps in the committed file.
    client = NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False,
                            resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}})
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.get("outputs"):
            cell.outputs = coalesce_streams(cell.outputs)
    nb.metadata.pop("widgets", None)
    with tables.atomic_path(path) as tmp:  # a kill mid-write leaves the old notebook, never half of one
        nbformat.write(nb, str(tmp))


def coalesce_streams(outputs: list) -> list:
    """Consecutive stdout (or stderr) outputs merged into one: the kernel flushes a print in one message or in
    several depending on timing, and the committed notebook must not change with the machine's load."""
    merged: list = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and last is not None and last.get("output_type") == "stream"
                and last.get("name") == out.get("name")):
            last["text"] = "".join(last["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def notebook_paths() -> list[Path]:
    """The project's notebooks, in order (01_..., 02_..., ...)."""
    return sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def execute_all() -> list[Path]:
    done = []
    for path in notebook_paths():
        execute(path)
        done.append(path)
    return done
