"""Cleaners: one module per family of raw files, each with the same three functions, so that `build` runs
every family in one loop:

    TABLE                            the tidy table the family adds rows to (observations, cases, workforce)
    load_raw(entry, raw_dir=None)    parse only: a list of raw parts (one per raw file of that family the
                                     source lists; [] when it lists none), each keeping its file and locators
    clean(raw, entry)                pure: one raw part recoded into rows of TABLE
    log_rows(raw, clean, entry)      the build log's lines for that part (step, action, reason, before, after)

Families: figures (figures.csv and each further outlet's figures_<outlet>.csv), cases (cases.csv and
cases_<outlet>.csv), foi_tables (FOI reply spreadsheets), workforce (Home Office workforce tables).
"""
from pathlib import Path

import pandas as pd

from .. import paths


class RawDataError(ValueError):
    """A raw cell could not be cleaned; the message names the file, the line or cell, and the text."""


def listed_files(entry: dict, pattern) -> list[str]:
    """The files of one family a source lists under files: (`pattern`: sources.FIGURE_FILE or CASES_FILE), in
    reading order: the study's own file (figures.csv, cases.csv) first, then each further outlet's report of the
    same study (figures_<outlet>.csv, ...) by name. Every one counts toward the study."""
    names = [str(item["path"]) for item in entry["files"] if pattern.fullmatch(str(item["path"]))]
    return sorted(names, key=lambda name: ("_" in name, name))


def listed_csv(entry: dict, raw_dir: Path | None, pattern, columns: list[str]) -> list[pd.DataFrame]:
    """`load_raw` of a CSV family: every file of the source matching `pattern` (its own file, then each further
    outlet's), parsed by read_raw_csv, if the source is about misconduct; [] otherwise."""
    if entry["topic"] not in ("social_media", "all_misconduct"):
        return []
    folder = Path(raw_dir or paths.RAW_DIR) / entry["id"]
    return [read_raw_csv(folder / name, columns) for name in listed_files(entry, pattern)]


def read_raw_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """Parse only: every cell as text ("" when empty), the header checked, and where each row came from."""
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(frame.columns) != columns:
        raise RawDataError(f"{path}: header is {list(frame.columns)}, expected {columns}")
    raw_dir = paths.RAW_DIR
    # data/raw/<source>/<file> inside the raw layer; the path as given for a file being checked before it is added.
    frame.insert(0, "source_file", "data/raw/" + path.relative_to(raw_dir).as_posix()
                 if path.is_relative_to(raw_dir) else str(path))
    # Line 1 is the header; a quoted cell never spans lines in these files (tests read them back by line).
    frame.insert(1, "source_locator", [f"{path.name} line {i}" for i in range(2, len(frame) + 2)])
    frame.attrs["file"] = path.name  # for the build log, which names the file even when it has no rows
    return frame


def cell_error(row, column: str, exc: Exception) -> RawDataError:
    """The error for one raw cell: file, line, column, the text found, and what was expected."""
    line = row.source_locator.rsplit(" ", 1)[1]
    return RawDataError(f"{row.source_file} line {line}, column {column}: "
                        f"{getattr(row, column, '')!r}: {exc}")

