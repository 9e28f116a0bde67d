"""Where a recode row's spelling was seen: the `seen_in` rule the vocabularies apply each time they read a recode
table (force_aliases, aggregates, outcome_wording, populations). The tools that fill and check it against the raw
files (`python -m analysis seen-in`, `recode-add`) are in analysis.seen_in.
"""
from __future__ import annotations

import re
from pathlib import Path

# A seen_in cell: a source id (checked against sources.yml by the tests) or a public page's url. Two more
# forms exist only for rows recorded before seen_in did, and tests/test_seen_in.py refuses them on any new
# row: "research:<file of the project's earlier research notes>" and "unattested (<commit>)" for a spelling
# that no source or note shows (listed there, to be sourced or removed).
SOURCE_ID = re.compile(r"[a-z0-9]+_[a-z0-9]+_[a-z0-9-]+_[a-z0-9-]+(_[A-Za-z0-9.-]+)?")
URL = re.compile(r"https?://\S+")
LEGACY = re.compile(r"research:\S+|unattested \([0-9a-f]{7,40}\)")


class MissingSeenInError(ValueError):
    """A recode row without a valid seen_in: nobody can check where the spelling came from."""


def check_seen_in(path: Path, line: int, key: str, seen_in: str) -> None:
    """Refuse a recode row whose seen_in is empty or not a source id / url, naming the file and line."""
    if not seen_in:
        raise MissingSeenInError(
            f"{Path(path).name} line {line}: {key!r} has no seen_in: say where this spelling was seen, as a source "
            f"id of data/raw/sources.yml or the url of the page (`python -m analysis seen-in {key!r}` lists the "
            f"sources that hold it)")
    if not (SOURCE_ID.fullmatch(seen_in) or URL.fullmatch(seen_in) or LEGACY.fullmatch(seen_in)):
        raise MissingSeenInError(f"{Path(path).name} line {line}: seen_in {seen_in!r} of {key!r} is neither a "
                                 f"source id nor an http(s) url")
