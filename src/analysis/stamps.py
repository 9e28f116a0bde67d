"""Skip a long step when nothing it reads or writes has changed: content hashes, not file times.

Each step (build, figures, export, profiles, each notebook) records in `.stamps/<step>.json` the sha256 of
its inputs (raw files, the package's source and recode tables, processed tables, notebook code, the
versions of the installed dependencies: whatever the step reads) and of its outputs. The next run skips the
step, saying so in one line, when both still match; `force=True` (`--force` on the command line) reruns it.
Timestamps are never used, so a fresh clone, a `git checkout` or a `touch` does not trigger work, and an
output edited or deleted by hand does.

`.stamps/` is git-ignored: stamps describe one working copy, not the repository.
"""
from __future__ import annotations

import functools
import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable

from . import paths

# Never part of a digest: caches and scratch files that change without the content changing.
_IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}
_IGNORED_SUFFIXES = (".pyc", ".tmp")


def _files(item: Path) -> list[Path]:
    if item.is_dir():
        return sorted(p for p in item.rglob("*") if p.is_file() and not (_IGNORED_PARTS & set(p.parts))
                      and not p.name.endswith(_IGNORED_SUFFIXES))
    return [item] if item.is_file() else []


def digest(items: Iterable) -> str:
    """sha256 over the items: paths (files, or folders taken recursively; a missing path counts as missing)
    and (label, bytes) pairs for content that is not a file (notebook code, dependency versions)."""
    h = hashlib.sha256()
    root = paths.PROJ_ROOT
    for item in items:
        if isinstance(item, tuple):
            label, data = item
            h.update(f"value {label}\n".encode())
            h.update(hashlib.sha256(data).digest())
            continue
        item = Path(item)
        files = _files(item)
        if not files:
            h.update(f"missing {_relative(item, root)}\n".encode())
        for file in files:
            h.update(f"file {_relative(file, root)}\n".encode())
            h.update(hashlib.sha256(file.read_bytes()).digest())
    return h.hexdigest()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@functools.cache
def environment() -> tuple[str, bytes]:
    """The Python version and the installed versions of the package's dependencies, as one input: an
    upgraded matplotlib or pandas can change outputs, so it reruns the steps."""
    names = []
    for req in metadata.requires("analysis") or []:
        if "extra ==" in req:
            continue
        names.append(req.split(";")[0].split("<")[0].split(">")[0].split("=")[0].split("[")[0].strip())
    lines = [f"python {sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"]
    for name in sorted(set(names)):
        try:
            lines.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name} missing")
    return ("environment", "\n".join(lines).encode())


def _stamp_path(step: str) -> Path:
    return paths.STAMPS_DIR / (step.replace("/", "_").replace(":", "_") + ".json")


def is_current(step: str, inputs: Iterable, outputs: Iterable) -> bool:
    """True when the stamp of `step` records exactly the current inputs and outputs."""
    path = _stamp_path(step)
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("inputs") == digest(inputs) and stamp.get("outputs") == digest(outputs)


def record(step: str, inputs: Iterable, outputs: Iterable) -> None:
    """Write the stamp of `step` (atomically) after it has run."""
    from .tables import atomic_path
    stamp = {"step": step, "inputs": digest(inputs), "outputs": digest(outputs)}
    with atomic_path(_stamp_path(step)) as tmp:
        tmp.write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def forget(step: str) -> None:
    _stamp_path(step).unlink(missing_ok=True)


def run(step: str, inputs: Callable[[], list], outputs: Callable[[], list], action: Callable[[], object], *,
        force: bool = False, echo: Callable[[str], None] = print) -> bool:
    """Run `action` unless the step's inputs and outputs match its stamp; record the stamp after a run.

    `inputs` and `outputs` are called (before and after the action) so that they list what exists then.
    Returns True when the action ran. If the action raises, the old stamp is removed, so the next run
    never skips a step that failed half-way.
    """
    if not force and is_current(step, inputs(), outputs()):
        echo(f"{step}: inputs unchanged, skipped (--force to rerun)")
        return False
    forget(step)
    action()
    record(step, inputs(), outputs())
    return True


# --------------------------------------------------------------------------------------------------
# What each step reads and writes (one place, so the commands and the tests agree).


def _package_source() -> list:
    return [paths.PACKAGE_DIR]  # modules and recode tables


def build_inputs() -> list:
    return [paths.RAW_DIR, *_package_source(), environment()]


def build_outputs() -> list:
    return [paths.PROCESSED_DIR]


def notebook_code(path: Path) -> tuple[str, bytes]:
    """A notebook's code and markdown (not its outputs, which the step writes) as one input. Read as plain
    JSON: nbformat's validation would cost more than the whole skip."""
    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    text = "\n\x00\n".join(f"{c.get('cell_type')}\n{''.join(c.get('source', ''))}" for c in cells)
    return (f"notebook {Path(path).name}", text.encode())


def notebook_inputs(path: Path) -> list:
    # notebook 01 reads the coverage log (the searches behind the stated targets)
    return [paths.PROCESSED_DIR, paths.SOURCES_YML, paths.COVERAGE_LOG, *_package_source(), notebook_code(path),
            environment()]


def notebook_outputs(path: Path) -> list:
    return [path]


def figures_inputs() -> list:
    """What the figures are drawn from."""
    return [paths.PROCESSED_DIR, paths.SOURCES_YML, *_package_source(), environment()]


def figures_outputs() -> list:
    return [paths.FIGURES_DIR]


def export_inputs() -> list:
    return [paths.PROCESSED_DIR, paths.SOURCES_YML, *sorted(paths.FIGURES_DIR.glob("*.csv")), *_package_source(),
            environment()]


def export_outputs() -> list:
    return [paths.WORKBOOK]


def profiles_inputs() -> list:
    return [paths.PROCESSED_DIR, paths.SOURCES_YML, *_package_source(), environment()]


def profiles_outputs() -> list:
    return [paths.PROFILES_DIR]
