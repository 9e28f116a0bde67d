"""`load(name)`: the processed tables, typed, as the notebooks and tests read them.

Each file is checked against the sha256 that data/processed/datapackage.json records for it before it is
parsed, so a table from an interrupted build, a half-written file or a hand edit is refused with a clear error
(`ProcessedDataError`, naming the file and the fix) instead of being read short.
"""
from __future__ import annotations

import hashlib
import io
import json
import time

import pandas as pd

from . import paths, tables


class ProcessedDataError(ValueError):
    """A processed file does not match datapackage.json (an interrupted build, or an edit): rebuild."""


def datasets() -> list[str]:
    """Names of the processed tables on disk (observations, cases, forces, workforce, ...)."""
    return sorted(p.stem for p in paths.PROCESSED_DIR.glob("*.csv"))


def _column_types(name: str) -> dict[str, str]:
    from . import schemas
    schema = getattr(schemas, name.upper(), None)
    if schema is None:
        return {}
    return {c: str(col.dtype) for c, col in schema.columns.items()}


FIX = "Run `make all` (or `python -m analysis build`) to rebuild data/processed/."


def _verified_bytes(name: str) -> bytes:
    """The file's bytes, once their sha256 matches datapackage.json (read twice if a build was replacing them)."""
    folder = paths.PROCESSED_DIR
    path, package = folder / f"{name}.csv", folder / "datapackage.json"
    for attempt in range(2):
        try:
            recorded = {r["path"]: r.get("hash", "") for r in json.loads(package.read_text(encoding="utf-8"))["resources"]}
        except FileNotFoundError:
            raise ProcessedDataError(f"{package}: missing, so no processed table can be checked; {FIX}") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ProcessedDataError(f"{package}: not a readable datapackage ({type(exc).__name__}: {exc}); {FIX}") \
                from None
        data = path.read_bytes()
        expected = recorded.get(path.name)
        if expected is None:
            raise ProcessedDataError(f"{path}: not listed in {package.name}, so it is not from the last build; {FIX}")
        actual = "sha256:" + hashlib.sha256(data).hexdigest()
        if actual == expected:
            return data
        if attempt == 0:
            time.sleep(0.5)  # a build may be moving its files in right now
    raise ProcessedDataError(
        f"{path}: its sha256 ({actual[7:19]}...) is not the one {package.name} records ({expected[7:19]}...): the "
        f"file is from another build than the rest (a build was interrupted?) or was edited; {FIX}")


def load(name: str) -> pd.DataFrame:
    """A processed dataset by name; text columns are str ("" when empty), numbers are floats, flags bools."""
    path = paths.PROCESSED_DIR / f"{name}.csv"
    if not path.is_file():
        raise KeyError(f"no processed dataset {name!r} in {paths.PROCESSED_DIR}; available: {datasets()}. "
                       f"Run `make all` (or `python -m analysis build`) to build them.")
    data = _verified_bytes(name)
    types = _column_types(name)
    frame = tables.read_csv(io.BytesIO(data), numeric_columns=[c for c, t in types.items() if t in ("float64", "int64")])
    for column, kind in types.items():
        if kind == "int64":
            frame[column] = frame[column].astype("int64")
        elif kind == "bool":
            frame[column] = frame[column].map({"True": True, "False": False}).astype(bool)
    return frame
