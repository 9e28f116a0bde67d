"""Cleaner for FOI reply tables (spreadsheets read by `analysis.foi`) into the `observations` table.

A source's sources.yml entry names its table under `foi_table` (a mapping, or a list of them):

    foi_table:
      path: reply_table.xlsx        # file in data/raw/<source_id>/, also listed under files: with its sha256
      measure: cases_investigated   # a code of recode/measures.csv
      population: officers          # wording or code for populations.categorise_population
      sheet: Sheet1                 # optional
      period: ...                   # optional: for tables without periods of their own (plus period_start/_end)
      layout: table                 # table (default) or records (one row per case; role check only)
      role: data                    # data (default): cells become observations; check: a re-read of figures
                                    # already transcribed in figures.csv, compared in tests, never counted twice
      compare: {Sheet1!B5: 2}       # role check only: cell -> figures.csv line holding the same figure

Output schema (schemas.OBSERVATIONS), one row per data cell, blank cells as qualifier `missing`:
source_id, source_locator (`<file>:<sheet>!<cell> line <row>`, or `<file>:column<N> line <line>` for CSV),
force, force_code, area_kind, period_start, period_end, period_label, population, topic, measure, outcome,
category, value, unit, qualifier, value_low, value_high, raw_force, raw_population, raw_category, raw_value,
outlet, url, published, snippet (`<row label> | <column label>: <cell as written>`), note
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .. import foi, forces, outcomes, paths, populations
from . import RawDataError
from .figures import OBSERVATION_COLUMNS, measure_codes

ROLES = ("data", "check")


def table_specs(entry: dict) -> list[dict]:
    """The `foi_table` mapping(s) of a sources.yml entry, checked; [] when it has none."""
    spec = entry.get("foi_table")
    if spec is None:
        return []
    specs = spec if isinstance(spec, list) else [spec]
    listed = {item["path"] for item in entry["files"]}
    for s in specs:
        where = f"sources.yml {entry['id']}: foi_table"
        if not isinstance(s, dict) or "path" not in s:
            raise RawDataError(f"{where}: expected a mapping with at least path:, found {s!r}")
        if s["path"] not in listed:
            raise RawDataError(f"{where}: {s['path']} is not listed under files: (with its sha256)")
        if s.get("role", "data") not in ROLES:
            raise RawDataError(f"{where}: role {s.get('role')!r} is not one of {ROLES}")
        if s.get("layout", "table") not in ("table", "records"):
            raise RawDataError(f"{where}: layout {s.get('layout')!r} is not 'table' or 'records'")
        if s.get("layout") == "records" and s.get("role") != "check":
            raise RawDataError(f"{where}: a record-level table holds no counts: it can only have role: check")
        if s.get("measure", "cases_investigated") not in measure_codes():
            raise RawDataError(f"{where}: measure {s.get('measure')!r} is not a code in recode/measures.csv")
    return specs


def load_raw(entry: dict, spec: dict, raw_dir: Path | None = None) -> foi.FoiTable:
    """Parse only: read the table with analysis.foi (every cell a value, an exclusion or an error)."""
    path = Path(raw_dir or paths.RAW_DIR) / entry["id"] / spec["path"]
    if spec.get("layout") == "records":
        return foi.read_foi_records(path, sheet=spec.get("sheet"), source_id=entry["id"])
    return foi.read(path, force=spec.get("force", entry.get("force") or _force_of(entry)), sheet=spec.get("sheet"),
                    source_id=entry["id"], period=spec.get("period"), period_start=_iso(spec.get("period_start")),
                    period_end=_iso(spec.get("period_end")))


def _iso(value) -> str | None:
    return None if value is None else str(value)


def _force_of(entry: dict) -> str:
    geography = str(entry.get("covers", {}).get("geography", ""))
    return geography or entry["publisher"]


def observation_locator(file: str, locator: str) -> str:
    """`Sheet1!C7` -> `reply.xlsx:Sheet1!C7 line 7`; `line 4, column 3` -> `reply.csv:column3 line 4`."""
    m = re.fullmatch(r"line (\d+), column (\d+)", locator)
    if m:
        return f"{file}:column{m.group(2)} line {m.group(1)}"
    sheet_cell = locator.replace("'", "").replace(" ", "%20")
    row = re.search(r"(\d+)$", locator).group(1)
    return f"{file}:{sheet_cell} line {row}"


def clean(read: foi.FoiTable, entry: dict, spec: dict) -> pd.DataFrame:
    """Pure: the cells of one read table as observations rows (schema validated by the caller)."""
    measure = spec.get("measure", "cases_investigated")
    pop_text = str(spec.get("population") or entry.get("covers", {}).get("population", "") or "")
    try:
        population = populations.categorise_population(pop_text) if pop_text else "unknown"
    except ValueError as exc:
        raise RawDataError(f"sources.yml {entry['id']}: foi_table population: {exc}") from None
    rows = []
    for rec in read.table.to_dict("records"):
        area, code, kind = forces.canonical_area(rec["force"])
        outcome, category = "", rec["category"]
        if measure == "outcome":
            try:
                outcome = outcomes.join_outcomes(outcomes.categorise_outcomes(rec["category"]))
            except ValueError as exc:
                raise RawDataError(f"data/raw/{entry['id']}/{spec['path']} cell {rec['source_locator']}: "
                                   f"outcome {rec['category']!r}: {exc}") from None
            category = ""
        snippet = f"{rec['row_label']} | {rec['column_label']}: {rec['raw_value']}".strip()
        note = "; ".join(x for x in (rec["note"], f"read from {spec['path']} cell {rec['source_locator']} "
                                                  f"by analysis.foi.read_foi_table") if x)
        rows.append({
            "source_id": entry["id"], "source_locator": observation_locator(spec["path"], rec["source_locator"]),
            "force": area, "force_code": code, "area_kind": kind,
            "period_start": rec["period_start"], "period_end": rec["period_end"], "period_label": rec["period_label"],
            "population": population, "topic": entry["topic"], "measure": measure, "outcome": outcome,
            "category": category, "value": rec["value"], "unit": "count", "qualifier": rec["qualifier"],
            "value_low": rec["value_low"], "value_high": rec["value_high"],
            "raw_force": str(spec.get("force", entry.get("force") or _force_of(entry))),
            "raw_population": pop_text, "raw_category": rec["category"], "raw_value": rec["raw_value"],
            "outlet": entry["publisher"], "url": entry["url"], "published": str(entry.get("published") or ""),
            "snippet": snippet, "note": note,
        })
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


def exclusion_summary(read: foi.FoiTable, max_listed: int = 12) -> list[tuple[str, int, str]]:
    """(kind, number of cells, reason with the cells listed) for the build log, one per kind of exclusion."""
    out = []
    ex = read.excluded
    for kind in ("title", "header", "total", "note"):
        part = ex[ex["kind"] == kind]
        if part.empty:
            continue
        cells = " | ".join(part["source_locator"].head(max_listed))
        more = f" and {len(part) - max_listed} more" if len(part) > max_listed else ""
        reasons = "; ".join(sorted(set(part["reason"])))
        out.append((kind, len(part), f"{reasons}: {cells}{more}"))
    return out


def trace(source_id: str, source_locator: str) -> str:
    """The cell text an observation from an FOI table came from, read again from the raw file.

    `source_locator` is the observation's (`reply_table.xlsx:Sheet1!B4 line 4`); raises KeyError if no
    cell of the source's FOI tables has that locator.
    """
    from .. import sources
    entry = sources.source(source_id)
    name = source_locator.split(":", 1)[0]
    for spec in table_specs(entry):
        if spec["path"] != name or spec.get("layout") == "records":
            continue
        for rec in load_raw(entry, spec).table.to_dict("records"):
            if observation_locator(spec["path"], rec["source_locator"]) == source_locator:
                return rec["raw_value"]
    raise KeyError(f"{source_id}: no FOI table cell at {source_locator!r}")
