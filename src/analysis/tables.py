"""Writing and reading the tidy CSVs: deterministic bytes, atomic replacement, and safe to open in a spreadsheet.

Every file the package writes goes through `atomic_path`: it is written to a temporary file in the same folder,
flushed to disk, and renamed onto its name in one step, so a reader (or a kill, or a power cut) sees the old
file or the new one, never half of one.

Text cells that begin with =, +, - or @ would run as formulas in Excel or LibreOffice (CSV injection),
so they are written with a leading apostrophe, which spreadsheets show as text; `read_csv` removes it.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@")
TEMP_SUFFIX = ".tmp"


def temporary_name(path: Path) -> Path:
    """A fresh name beside `path` (same folder, so the final rename is atomic): `.<name>.<pid>.<random>.tmp`."""
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def is_temporary(path: Path) -> bool:
    """True for a file `atomic_path` left behind when its process was killed."""
    name = Path(path).name
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside `path`; on normal exit flush it to disk and rename it onto `path`.

    On an exception the temporary file is removed and the exception re-raised; `path` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_name(path)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def write_bytes(path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)


def write_text(path, text: str) -> None:
    """Write UTF-8 text atomically, with "\\n" line ends whatever the platform."""
    write_bytes(path, text.encode("utf-8"))


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_START + ("'",)):
        # A leading apostrophe that was there already is doubled so that unescaping is exact.
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START + ("'",)):
        return value[1:]
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The bytes `write_csv` writes: formula-escaped text, "\\n" line ends, floats to 10 significant digits."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(escape_formula)
    return out.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    write_bytes(path, csv_bytes(frame))


def read_csv(path, numeric_columns=()) -> pd.DataFrame:
    """Every column as text ("" for empty) except `numeric_columns`, which become floats (NaN for empty).

    `path` may also be a file-like object holding the CSV's bytes."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in frame.columns:
        if column in numeric_columns:
            frame[column] = pd.to_numeric(frame[column].replace("", None), errors="raise").astype(float)
        else:
            frame[column] = frame[column].map(unescape_formula)
    return frame
