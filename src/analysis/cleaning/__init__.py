"""Cleaners: one load_raw (parse only) and clean (pure recode + validation) pair per raw file family."""
from pathlib import Path

import pandas as pd

from ..paths import RAW_DIR


class RawDataError(ValueError):
    """A raw cell could not be cleaned; the message names the file, the line or cell, and the text."""


def read_raw_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """Parse only: every cell as text ("" when empty), the header checked, and where each row came from."""
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(frame.columns) != columns:
        raise RawDataError(f"{path}: header is {list(frame.columns)}, expected {columns}")
    # data/raw/<source>/<file> inside the raw layer; the path as given for a file being checked before it is added.
    frame.insert(0, "source_file", "data/raw/" + path.relative_to(RAW_DIR).as_posix()
                 if path.is_relative_to(RAW_DIR) else str(path))
    # Line 1 is the header; a quoted cell never spans lines in these files (tests read them back by line).
    frame.insert(1, "source_locator", [f"{path.name} line {i}" for i in range(2, len(frame) + 2)])
    return frame


def cell_error(row, column: str, exc: Exception) -> RawDataError:
    """The error for one raw cell: file, line, column, the text found, and what was expected."""
    line = row.source_locator.rsplit(" ", 1)[1]
    return RawDataError(f"{row.source_file} line {line}, column {column}: "
                        f"{getattr(row, column, '')!r}: {exc}")


def listed_files(entry: dict, pattern) -> list[str]:
    """The files of one family a source lists under files: (`pattern`: sources.FIGURE_FILE or CASES_FILE), in
    reading order: the study's own file (figures.csv, cases.csv) first, then each further outlet's report of the
    same study (figures_<outlet>.csv, ...) by name. Every one counts toward the study."""
    names = [str(item["path"]) for item in entry["files"] if pattern.fullmatch(str(item["path"]))]
    return sorted(names, key=lambda name: ("_" in name, name))
