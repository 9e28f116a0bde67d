"""The outcome vocabulary and the recode from outcome wording, as forces and reporters write it, to categories.

Two reviewed tables in recode/ drive everything here:
- outcomes.csv        outcome,severity_rank,label,description,regime: the vocabulary, most to least severe;
- outcome_wording.csv wording,outcome,note,seen_in: every real wording seen in the sources, mapped to one
                      category or, where the wording itself names several, to a "+"-join of categories, with
                      where it was seen (a source id or url; analysis.seen_in).

Resolution is exact lookup after `normalise()`. Nothing is guessed: wording that is not in the table raises
UnknownOutcomeError, and `unknown` is only for wording that says the outcome is not known. A wording that
names several categories ("resignation, dismissal or retirement") cannot be counted as one category, so
`categorise_outcome` refuses it and `categorise_outcomes` returns them all.
"""
from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import pandas as pd

from .paths import RECODE_DIR
from .provenance import check_seen_in

OUTCOMES_FILE = RECODE_DIR / "outcomes.csv"
WORDING_FILE = RECODE_DIR / "outcome_wording.csv"

OUTCOME_COLUMNS = ("outcome", "severity_rank", "label", "description", "regime")
WORDING_COLUMNS = ("wording", "outcome", "note", "seen_in")
REGIMES = ("both", "pre_2020", "from_2020")
JOINER = "+"

# The public contract (DESIGN.md), most to least severe; outcomes.csv is checked against it on load.
VOCABULARY: tuple[str, ...] = (
    "dismissed",
    "would_have_been_dismissed",
    "resigned_or_retired",
    "final_written_warning",
    "written_warning",
    "reflective_practice",
    "management_advice",
    "management_action",
    "other_sanction",
    "no_case_to_answer",
    "no_further_action",
    "ongoing",
    "unknown",
)

# --- normalisation -------------------------------------------------------------------------------------
# Counts and the words around them carry no outcome ("3x Reflective practice ...", "two officers received
# final Written Warnings"), so they are stripped from the front. The lists are closed on purpose: a
# general "drop the first words" rule would also eat meaningful words such as "no" or "required".
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve", "a", "an", "the", "another")
_SUBJECT_WORDS = ("police officers", "police officer", "police staff", "civilian staff", "members of staff", "member of staff",
                  "staff members", "staff member", "officers", "officer", "staff", "people", "persons",
                  "person", "employees", "employee", "individuals", "individual", "colleagues", "cases", "case")
_VERB_WORDS = ("were given", "was given", "were subject to", "was subject to", "subject to", "given",
               "received", "receiving", "have been", "has been", "had been", "been", "were", "was",
               "had", "have", "being", "resulted in", "resulting in", "ended in", "led to")
_LEADING = re.compile(
    r"^(?:\d+\s*x\b|\d+|"
    + "|".join(re.escape(w) + r"\b" for w in _NUMBER_WORDS + _SUBJECT_WORDS + _VERB_WORDS)
    + r")\s*"
)
# A column label or a back-reference in front of the wording ("Outcome: Written warning", "Of these, dismissed or
# required to resign") carries no outcome either.
_LABEL = re.compile(r"^(?:(?:outcomes?|results?|sanctions?|disposals?)\s*:\s*|of (?:these|those|which|them)\s*,?\s*)")
# Plurals are singularised from a closed list: a blanket "drop a final s" would turn "process" into "proces".
_PLURALS = {
    "warnings": "warning", "resignations": "resignation", "dismissals": "dismissal",
    "retirements": "retirement", "complaints": "complaint", "hearings": "hearing", "meetings": "meeting",
    "investigations": "investigation", "actions": "action", "sanctions": "sanction",
}
_PLURAL_RE = re.compile(r"\b(" + "|".join(_PLURALS) + r")\b")
# Separators between the categories of a combined wording ("resigned; would have been dismissed").
_SPLIT_RE = re.compile(r"\s+or\s+|,|/|;|\s+and\s+")


class UnknownOutcomeError(ValueError):
    """Outcome wording that is not in the reviewed recode table."""


class CombinedOutcomeError(ValueError):
    """Outcome wording that names more than one category; use categorise_outcomes()."""


def normalise(text: str) -> str:
    """Matching key for an outcome wording.

    Lower case; underscores (measure codes), quotes and hyphens -> space; spaces around "/" dropped;
    leading counts and count phrases ("1x", "2 x", "two officers received", "were given a") and labels
    ("Outcome:", "Of these,") stripped;
    listed plurals singularised ("warnings" -> "warning"); trailing punctuation dropped; whitespace collapsed.

    >>> normalise("  3x Reflective practice requires improvement. ")
    'reflective practice requires improvement'
    >>> normalise("Two officers received final Written Warnings")
    'final written warning'
    >>> normalise("resigned_dismissed_or_retired")
    'resigned dismissed or retired'
    """
    key = str(text).lower().replace("_", " ").replace("&", " and ")
    key = re.sub(r"[\"'\u2018\u2019\u201c\u201d]", "", key)
    key = re.sub(r"[\u2010-\u2015-]", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    key = re.sub(r"\s*/\s*", "/", key)
    key = re.sub(r"[\s.,;:!?()]+$", "", key)
    key = re.sub(r"^[\s.,;:!?()]+", "", key)
    previous = None
    while previous != key:  # strip stacked leading phrases: "two" then "officers" then "received"
        previous = key
        key = _LABEL.sub("", key, count=1)
        key = _LEADING.sub("", key, count=1)
    return _PLURAL_RE.sub(lambda m: _PLURALS[m.group(1)], key)


# --- loading and validation ------------------------------------------------------------------------------
def _read(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a recode CSV with their line numbers; every cell stripped."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{path.name} line 1: expected columns {columns}, found {reader.fieldnames}")
        rows = []
        for row in reader:
            if None in row or None in row.values():  # a stray comma, or a short row, shifts every column
                raise ValueError(f"{path.name} line {reader.line_num}: expected {len(columns)} cells, "
                                 "found a different number (quote cells that contain commas)")
            rows.append((reader.line_num, {k: v.strip() for k, v in row.items()}))
        return rows


def _fail(path: Path, line: int, message: str) -> ValueError:
    return ValueError(f"{path.name} line {line}: {message}")


@functools.cache
def _vocabulary_rows() -> dict[str, dict[str, str]]:
    """outcome -> row of outcomes.csv, checked against VOCABULARY (same names, same order, ranks 1..n)."""
    rows: dict[str, dict[str, str]] = {}
    for line, row in _read(OUTCOMES_FILE, OUTCOME_COLUMNS):
        expected = VOCABULARY[len(rows)] if len(rows) < len(VOCABULARY) else None
        if row["outcome"] != expected:
            raise _fail(OUTCOMES_FILE, line, f"expected outcome {expected!r} here (severity order), found {row['outcome']!r}")
        if row["severity_rank"] != str(len(rows) + 1):
            raise _fail(OUTCOMES_FILE, line, f"severity_rank {row['severity_rank']!r} should be {len(rows) + 1}")
        if row["regime"] not in REGIMES:
            raise _fail(OUTCOMES_FILE, line, f"regime {row['regime']!r} is not one of {REGIMES}")
        if not (row["label"] and row["description"]):
            raise _fail(OUTCOMES_FILE, line, "label and description must not be empty")
        rows[row["outcome"]] = row
    if len(rows) != len(VOCABULARY):
        raise ValueError(f"{OUTCOMES_FILE.name}: expected {len(VOCABULARY)} outcomes, found {len(rows)}")
    return rows


def _check_categories(categories: tuple[str, ...], where: str) -> None:
    unknown = [c for c in categories if c not in VOCABULARY]
    if unknown or not categories:
        raise ValueError(f"{where}: {list(unknown) or 'no category'} not in the outcome vocabulary {VOCABULARY}")


@functools.cache
def _wording_lookup() -> dict[str, tuple[str, ...]]:
    """Normalised wording -> categories (most severe first).

    The vocabulary names resolve to themselves. Two rows may share a key only if they agree, so that real
    variants such as "1x Final written warning" and "Final written warning" can both be listed as seen;
    the same wording mapped two ways, or listed twice verbatim, is an error.
    """
    _vocabulary_rows()
    table: dict[str, tuple[str, ...]] = {normalise(name): (name,) for name in VOCABULARY}
    seen: dict[str, int] = {}
    for line, row in _read(WORDING_FILE, WORDING_COLUMNS):
        wording, outcome = row["wording"], row["outcome"]
        if not wording:
            raise _fail(WORDING_FILE, line, "empty wording")
        check_seen_in(WORDING_FILE, line, wording, row["seen_in"])
        if wording.lower() in seen:
            raise _fail(WORDING_FILE, line, f"wording {wording!r} already listed on line {seen[wording.lower()]}")
        seen[wording.lower()] = line
        categories = tuple(outcome.split(JOINER))
        try:
            _check_categories(categories, f"outcome {outcome!r}")
        except ValueError as err:
            raise _fail(WORDING_FILE, line, str(err)) from None
        if JOINER.join(categories) != join_outcomes(categories):
            raise _fail(WORDING_FILE, line, f"outcome {outcome!r} should be written {join_outcomes(categories)!r}")
        key = normalise(wording)
        if not key:
            raise _fail(WORDING_FILE, line, f"wording {wording!r} is empty after normalisation")
        if table.get(key, categories) != categories:
            raise _fail(WORDING_FILE, line, f"wording {wording!r} (key {key!r}) maps to {outcome!r} "
                                            f"but already to {JOINER.join(table[key])!r}")
        table[key] = categories
    return table


# --- public API --------------------------------------------------------------------------------------------
def severity(outcome: str) -> int:
    """Severity rank: 1 for the most severe (dismissed) to len(VOCABULARY) for unknown."""
    if outcome not in VOCABULARY:
        raise ValueError(f"{outcome!r} is not an outcome category; expected one of {VOCABULARY}")
    return VOCABULARY.index(outcome) + 1


def outcome_label(category: str) -> str:
    """Short human label for charts ("Would have been dismissed")."""
    severity(category)  # validates
    return _vocabulary_rows()[category]["label"]


def regime(category: str) -> str:
    """Conduct regime in which the category exists: both, pre_2020 or from_2020 (1 February 2020)."""
    severity(category)
    return _vocabulary_rows()[category]["regime"]


def join_outcomes(categories) -> str:
    """Categories as one "+"-joined cell, de-duplicated and most severe first."""
    categories = tuple(categories)
    _check_categories(categories, "join_outcomes")
    return JOINER.join(sorted(set(categories), key=severity))


def split_outcomes(cell: str) -> tuple[str, ...]:
    """Inverse of join_outcomes; an empty cell (a row that is not an outcome count) gives ()."""
    if cell is None or not str(cell).strip():
        return ()
    categories = tuple(part.strip() for part in str(cell).split(JOINER))
    _check_categories(categories, f"split_outcomes({cell!r})")
    return tuple(sorted(set(categories), key=severity))


def _require_text(text) -> str:
    if text is None or not isinstance(text, str) or not text.strip():
        raise ValueError(f"empty or non-text outcome wording: {text!r}")
    return text


def _lookup(text: str) -> tuple[str, ...] | None:
    return _wording_lookup().get(normalise(text))


def categorise_outcomes(text: str) -> tuple[str, ...]:
    """Every category a wording names, most severe first.

    The whole wording is tried first (so "would have been dismissed if they had not resigned or retired"
    is never split); otherwise it is split on " or ", ",", "/" and " and ", and every part must resolve.
    """
    _require_text(text)
    whole = _lookup(text)
    if whole is not None:
        return whole
    parts = [p for p in _SPLIT_RE.split(normalise(text)) if p.strip()]
    if len(parts) < 2:
        raise UnknownOutcomeError(f"outcome wording {text!r} is not in {WORDING_FILE.name} "
                                  "(add real wordings to the recode table after review)")
    found: list[str] = []
    for part in parts:
        categories = _lookup(part)
        if categories is None:
            raise UnknownOutcomeError(f"part {part.strip()!r} of outcome wording {text!r} is not in "
                                      f"{WORDING_FILE.name} (add real wordings after review)")
        found.extend(categories)
    return tuple(sorted(set(found), key=severity))


def categorise_outcome(text: str) -> str:
    """The one category of the vocabulary that an outcome wording names.

    Raises ValueError on empty input, UnknownOutcomeError for wording not in the recode table and
    CombinedOutcomeError for wording that names several categories (use categorise_outcomes).
    """
    categories = categorise_outcomes(text)
    if len(categories) > 1:
        raise CombinedOutcomeError(f"outcome wording {text!r} names several categories "
                                   f"({join_outcomes(categories)}); use categorise_outcomes()")
    return categories[0]


@functools.cache
def _vocabulary_frame() -> pd.DataFrame:
    frame = pd.DataFrame(list(_vocabulary_rows().values()), columns=list(OUTCOME_COLUMNS))
    return frame.astype({"severity_rank": int})


def vocabulary_table() -> pd.DataFrame:
    """outcomes.csv in severity order (a copy: callers may modify it)."""
    return _vocabulary_frame().copy()


def wording_table() -> pd.DataFrame:
    """outcome_wording.csv as reviewed, for documentation and notebooks."""
    rows = [row for _, row in _read(WORDING_FILE, WORDING_COLUMNS)]
    return pd.DataFrame(rows, columns=list(WORDING_COLUMNS))
