"""`load(name)`: the processed tables, typed, as the notebooks and tests read them."""
from __future__ import annotations

import pandas as pd

from . import tables
from .paths import PROCESSED_DIR


def datasets() -> list[str]:
    """Names of the processed tables on disk (observations, cases, forces, workforce, ...)."""
    return sorted(p.stem for p in PROCESSED_DIR.glob("*.csv"))


def _column_types(name: str) -> dict[str, str]:
    from . import schemas
    schema = getattr(schemas, name.upper(), None)
    if schema is None:
        return {}
    return {c: str(col.dtype) for c, col in schema.columns.items()}


def load(name: str) -> pd.DataFrame:
    """A processed dataset by name; text columns are str ("" when empty), numbers are floats, flags bools."""
    path = PROCESSED_DIR / f"{name}.csv"
    if not path.is_file():
        raise KeyError(f"no processed dataset {name!r} in {PROCESSED_DIR}; available: {datasets()}. "
                       f"Run `make all` (or `python -m analysis build`) to build them.")
    types = _column_types(name)
    frame = tables.read_csv(path, numeric_columns=[c for c, t in types.items() if t in ("float64", "int64")])
    for column, kind in types.items():
        if kind == "int64":
            frame[column] = frame[column].astype("int64")
        elif kind == "bool":
            frame[column] = frame[column].map({"True": True, "False": False}).astype(bool)
    return frame
