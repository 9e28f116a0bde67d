"""Cleaners: one module per family of raw files, each with the same three functions, so that `build` runs
every family in one loop:

    TABLE                            the tidy table the family adds rows to (observations, cases, workforce)
    load_raw(entry, raw_dir=None)    parse only: a list of raw parts (one per raw file of that family the
                                     source lists; [] when it lists none), each keeping its file and locators
    clean(raw, entry)                pure: one raw part recoded into rows of TABLE
    log_rows(raw, clean, entry)      the build log's lines for that part (step, action, reason, before, after)

Families: figures (figures.csv), cases (cases.csv), foi_tables (FOI reply spreadsheets), workforce (Home Office
workforce tables).
"""
from pathlib import Path

import pandas as pd

from .. import paths


class RawDataError(ValueError):
    """A raw cell could not be cleaned; the message names the file, the line or cell, and the text."""


def listed_csv(entry: dict, raw_dir: Path | None, name: str, columns: list[str]) -> list[pd.DataFrame]:
    """`load_raw` of a one-CSV family: the source's file `name`, parsed by read_raw_csv, if the source lists it
    (and is about misconduct); [] otherwise."""
    if entry["topic"] not in ("social_media", "all_misconduct") or name not in {f["path"] for f in entry["files"]}:
        return []
    return [read_raw_csv(Path(raw_dir or paths.RAW_DIR) / entry["id"] / name, columns)]


def read_raw_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """Parse only: every cell as text ("" when empty), the header checked, and where each row came from."""
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(frame.columns) != columns:
        raise RawDataError(f"{path}: header is {list(frame.columns)}, expected {columns}")
    raw_dir = paths.RAW_DIR
    frame.insert(0, "source_file", path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else path.name)
    # Line 1 is the header; a quoted cell never spans lines in these files (tests read them back by line).
    frame.insert(1, "source_locator", [f"{path.name} line {i}" for i in range(2, len(frame) + 2)])
    return frame


def cell_error(row, column: str, exc: Exception) -> RawDataError:
    """The error for one raw cell: file, line, column, the text found, and what was expected."""
    line = row.source_locator.rsplit(" ", 1)[1]
    return RawDataError(f"data/raw/{row.source_file} line {line}, column {column}: "
                        f"{getattr(row, column, '')!r}: {exc}")
