"""Who a figure counts (officers, staff, PCSOs, ...), from the source's wording via a reviewed recode table."""
from __future__ import annotations

import functools
import re

import pandas as pd

from .paths import RECODE_DIR
from .provenance import check_seen_in

POPULATIONS = ("officers", "staff", "pcso", "special_constables", "all_personnel", "unknown")
RECODE_FILE = RECODE_DIR / "populations.csv"
RECODE_COLUMNS = ("wording", "population", "seen_in")  # seen_in: where the wording was seen (analysis.seen_in)


class UnknownPopulationError(ValueError):
    pass


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().lower().replace("&", "and"))


@functools.cache
def _table() -> dict[str, str]:
    frame = pd.read_csv(RECODE_FILE, dtype=str, keep_default_na=False)
    if list(frame.columns) != list(RECODE_COLUMNS):
        raise ValueError(f"{RECODE_FILE} line 1: expected columns {RECODE_COLUMNS}, found {list(frame.columns)}")
    table: dict[str, str] = {}
    for line, (wording, population, seen) in enumerate(zip(frame["wording"], frame["population"],
                                                           frame["seen_in"]), start=2):
        check_seen_in(RECODE_FILE, line, wording, seen.strip())
        if population not in POPULATIONS:
            raise ValueError(f"{RECODE_FILE} line {line}: population {population!r} is not one of {POPULATIONS}")
        key = _normalise(wording)
        if key in table and table[key] != population:
            raise ValueError(f"{RECODE_FILE} line {line}: {wording!r} is already mapped to {table[key]!r}")
        table[key] = population
    return table


def categorise_population(text: str) -> str:
    """The population code for a source's wording; unknown wording raises rather than guessing."""
    if text is None or not str(text).strip():
        raise UnknownPopulationError("empty population wording: give the source's wording or a default")
    key = _normalise(text)
    if key in POPULATIONS:
        return key
    try:
        return _table()[key]
    except KeyError:
        raise UnknownPopulationError(
            f"population wording {text!r} is not in {RECODE_FILE.name}; add it there with one of {POPULATIONS}"
        ) from None
