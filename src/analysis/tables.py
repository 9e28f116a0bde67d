"""Writing and reading the tidy CSVs: deterministic bytes, and safe to open in a spreadsheet.

Text cells that begin with =, +, - or @ would run as formulas in Excel or LibreOffice (CSV injection),
so they are written with a leading apostrophe, which spreadsheets show as text; `read_csv` removes it.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_START + ("'",)):
        # A leading apostrophe that was there already is doubled so that unescaping is exact.
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START + ("'",)):
        return value[1:]
    return value


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path in the same folder as `path`; on success os.replace() it onto `path`, on error
    remove it. A reader never sees a half-written file, and a failed write leaves the old file in place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the final file gets the usual permissions
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(escape_formula)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.10g", encoding="utf-8")


def read_csv(path: Path, numeric_columns=()) -> pd.DataFrame:
    """Every column as text ("" for empty) except `numeric_columns`, which become floats (NaN for empty)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in frame.columns:
        if column in numeric_columns:
            frame[column] = pd.to_numeric(frame[column].replace("", None), errors="raise").astype(float)
        else:
            frame[column] = frame[column].map(unescape_formula)
    return frame
