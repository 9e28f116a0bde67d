"""Cleaner for `cases.csv` (case examples from IOPC and news sources) into the `cases` table.

Output schema (schemas.CASES): source_id, source_locator, date, force, force_code, role, platform,
behaviour, outcome, raw_date, raw_force, raw_outcome, outlet, url, published, snippet
"""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from .. import forces, outcomes, sources
from . import cell_error, listed_csv, listed_files, read_raw_csv

TABLE = "cases"

RAW_COLUMNS = [
    "date_as_published", "force_as_published", "role_as_published", "platform_as_published", "behaviour",
    "outcome_as_published", "outlet", "url", "published", "snippet",
]
CASE_COLUMNS = [
    "source_id", "source_locator", "date", "force", "force_code", "role", "platform", "behaviour", "outcome",
    "raw_date", "raw_force", "raw_outcome", "outlet", "url", "published", "snippet",
]
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}


def read_file(path: Path) -> pd.DataFrame:
    """Parse only: every cell of one cases.csv as text, plus where it came from."""
    return read_raw_csv(path, RAW_COLUMNS)


def case_files(entry: dict) -> list[str]:
    """cases.csv, then each further outlet's cases_<outlet>.csv that the source lists (cleaning.listed_files)."""
    return listed_files(entry, sources.CASES_FILE)


def load_raw(entry: dict, raw_dir: Path | None = None) -> list[pd.DataFrame]:
    """Parse only: the source's cases.csv and each further outlet's cases_<outlet>.csv it lists."""
    return listed_csv(entry, raw_dir, sources.CASES_FILE, RAW_COLUMNS)


def log_rows(raw: pd.DataFrame, clean: pd.DataFrame, entry: dict) -> list[tuple[str, str, str, int, int]]:
    return [(f"cases:{entry['id']}", f"clean {raw.attrs.get('file', 'cases.csv')}", "one row per case example",
             len(raw), len(clean))]


def _date(text: str) -> str:
    """'December 2020' -> '2020-12'; 'May 2020' -> '2020-05'; '2019' -> '2019'; empty stays empty."""
    text = text.strip()
    if not text:
        return ""
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return text
    m = re.fullmatch(r"(?:in |concluded in )?([A-Za-z]+) (\d{4})", text, flags=re.I)
    if m and m.group(1).lower() in MONTHS:
        return f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"
    raise ValueError("expected a date such as '2020', 'December 2020' or '2020-12-01'")


def _clean_row(row: SimpleNamespace, source_id: str) -> dict:
    try:
        force = forces.canonical_force(row.force_as_published) if row.force_as_published else ""
    except ValueError as exc:
        raise cell_error(row, "force_as_published", exc) from None
    try:
        outcome = (outcomes.join_outcomes(outcomes.categorise_outcomes(row.outcome_as_published))
                   if row.outcome_as_published else "unknown")
    except ValueError as exc:
        raise cell_error(row, "outcome_as_published", exc) from None
    try:
        date = _date(row.date_as_published)
    except ValueError as exc:
        raise cell_error(row, "date_as_published", exc) from None
    return {
        "source_id": source_id, "source_locator": row.source_locator, "date": date, "force": force,
        "force_code": forces.force_code(force) if force else "", "role": row.role_as_published,
        "platform": row.platform_as_published, "behaviour": row.behaviour, "outcome": outcome,
        "raw_date": row.date_as_published, "raw_force": row.force_as_published,
        "raw_outcome": row.outcome_as_published, "outlet": row.outlet, "url": row.url,
        "published": row.published, "snippet": row.snippet,
    }


def clean(raw: pd.DataFrame, entry: dict) -> pd.DataFrame:
    """Pure: recode one source's raw case examples into cases rows (schema validated by the caller)."""
    rows = [_clean_row(SimpleNamespace(**rec), entry["id"]) for rec in raw.to_dict("records")]
    return pd.DataFrame(rows, columns=CASE_COLUMNS)
