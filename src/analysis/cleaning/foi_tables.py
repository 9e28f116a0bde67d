"""FOI reply tables (.xlsx, .ods, .csv, .xls): reading them into one row per data cell, and cleaning those
cells into the `observations` table.

`read_foi_table(path, force=...)` (also importable as `analysis.foi.read_foi_table`) finds the header row
below any title rows, recognises whether the periods run across the columns or down the rows (or are stated
in a title line above the table), and returns one row per data cell:

    force, category, period_label, period_start, period_end, value, qualifier, value_low, value_high,
    source_locator, raw_value, row_label, column_label, note, file

`source_locator` is `Sheet1!C7` for spreadsheets and `line 4, column 3` for CSV. Values are read by
`analysis.values.parse_value` (word numbers, "1,051", "<5", "*", "S40(2) applies", footnote markers) and
period labels by `analysis.periods.parse_period` (calendar and financial years, odd spans). A table whose
periods are on neither axis nor in a title line (a two-column "question | answer" reply) needs `period=`
(the wording) and, where the wording alone is not a date, `period_start=`/`period_end=`; `period=` also
overrides a period stated in a title.

Every non-empty input cell is accounted for: it becomes a value, or a deliberate exclusion listed in
`frame.attrs["excluded"]` (kind title, header, total, note), or an error. Blank cells inside the table
are values with qualifier `missing` (never zero). Reading is guarded by `analysis.readers` (size and
decompression caps, defusedxml, formula refusal, cell formats); the layout rules are in
`analysis.readers.shape`. Every problem raises a subclass of `FoiReadError` (a `ValueError`) naming the file
and, where one cell is at fault, the cell, what was found and what was expected.

The cleaner's part:

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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import forces, outcomes, paths, periods, populations
from ..readers import (
    AmbiguousLayoutError,
    Cell,
    ForceNameError,
    MissingHeaderError,
    NoDataRowsError,
    NoPeriodError,
    NoTableError,
    PeriodError,
    UnexpectedCellError,
    read_grid,
    shape,
)
from ..readers.grid import grid_locator
from . import RawDataError
from .figures import OBSERVATION_COLUMNS, measure_codes

TABLE = "observations"
TABLE_COLUMNS = [
    "force", "category", "period_label", "period_start", "period_end", "value", "qualifier", "value_low",
    "value_high", "source_locator", "raw_value", "row_label", "column_label", "note", "file",
]
EXCLUDED_COLUMNS = ["file", "source_locator", "kind", "text", "reason"]
RECORD_COLUMNS = ["record", "column", "text", "source_locator", "file"]


# --- reading a reply table -----------------------------------------------------------------------
@dataclass
class FoiTable:
    """What one read gives: the data cells and the excluded cells (and, from load_raw, the sources.yml spec)."""

    table: pd.DataFrame
    excluded: pd.DataFrame
    axis: str
    n_cells: int
    spec: dict | None = None


def _period_or_none(text: str):
    try:
        return periods.parse_period(text)
    except ValueError:
        return None


def _num(x) -> float:
    return float("nan") if x is None else float(x)


def read(path, *, force: str, sheet: str | None = None, source_id: str | None = None, period: str | None = None,
         period_start: str | None = None, period_end: str | None = None) -> FoiTable:
    """`read_foi_table`, returning the data and the exclusions separately."""
    path = Path(path)
    try:
        canonical = forces.canonical_force(force)
    except ValueError as exc:
        raise ForceNameError(f"{path}: force {force!r}: {exc}") from None
    grid = read_grid(path, sheet=sheet)
    file = grid.file
    lay = shape.layout(grid)
    axis = shape.mark_totals_and_periods(grid, lay, _period_or_none)
    given, stated_in = None, None
    if period is not None or period_start is not None or period_end is not None:
        if axis != "none":
            raise AmbiguousLayoutError(f"{file}: period={period!r} was given but the table has its own periods "
                                       f"along its {axis}; give period= only for a table without periods")
        try:
            given = periods.parse_period(period, start=period_start, end=period_end)
        except ValueError as exc:
            raise PeriodError(f"{file}: period={period!r} (start={period_start!r}, end={period_end!r}): {exc}") from None
    elif axis == "none":
        found = shape.title_period(grid, lay, _period_or_none)
        if found is None:
            raise NoPeriodError(
                f"{file}: no periods found: neither the header row ({shape.cell_range([l.cell for l in lay.columns.values()])}) "
                f"nor the first column ({shape.cell_range([l.cell for l in lay.row_labels.values()])}) reads as periods such "
                f"as '2019', '2019/20' or '01/03/2021 - 28/02/2025', and no title line above the table states one; for "
                f"a table without periods pass period= (and period_start=/period_end= where the wording is not a date)")
        given, stated_in = found
    shape.check_duplicates(grid, list(lay.columns.values()), "column")
    shape.check_duplicates(grid, list(lay.row_labels.values()), "row")

    rows, excluded = [], []

    def exclude(cell: Cell, kind: str, reason: str) -> None:
        excluded.append({"file": file, "source_locator": cell.locator, "kind": kind, "text": cell.text,
                         "reason": reason})

    for cell in lay.titles:
        exclude(cell, "title", f"title row above the table (states the period {given.label!r})"
                if cell is stated_in else "title row above the table")
    if lay.corner is not None:
        exclude(lay.corner, "header", "corner label of the header row")
    for label in lay.columns.values():
        exclude(label.cell, "header", "total column label" if label.total else "column label")
    for label in lay.row_labels.values():
        exclude(label.cell, "header", "total row label" if label.total else "row label")

    single_column = len(lay.columns) == 1
    read_cells = {}
    for r in lay.data_rows:
        rl = lay.row_labels[r]
        for c, cl in lay.columns.items():
            cell = grid.cells.get((r, c))
            q = shape.read_count(grid, cell)
            read_cells[(r, c)] = q
            if rl.total or cl.total:
                continue
            if axis == "columns":
                p, category = cl.period, rl.text
            elif axis == "rows":
                p, category = rl.period, cl.text
            else:
                p, category = given, rl.text if single_column else f"{rl.text} | {cl.text}"
            rows.append({
                "force": canonical, "category": category, "period_label": p.label,
                "period_start": p.start.isoformat(), "period_end": p.end.isoformat(),
                "value": _num(q.value), "qualifier": q.qualifier, "value_low": _num(q.low),
                "value_high": _num(q.high),
                "source_locator": cell.locator if cell else grid_locator(grid, r, c),
                "raw_value": cell.text if cell else "", "row_label": rl.text, "column_label": cl.text,
                "note": q.note, "file": file,
            })

    shape.check_totals(grid, lay, read_cells, exclude)
    for cell in lay.notes:
        exclude(cell, "note", "note below the table")
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    if table.empty:
        raise NoDataRowsError(f"{file}: the table has only total rows or columns; expected at least one data cell")
    for column in ("value", "value_low", "value_high"):
        table[column] = table[column].astype(float)
    ex = pd.DataFrame(excluded, columns=EXCLUDED_COLUMNS)
    if source_id is not None:
        table.insert(0, "source_id", source_id)
        ex.insert(0, "source_id", source_id)
    table.attrs["excluded"] = ex
    table.attrs["axis"] = axis
    return FoiTable(table, ex, axis, len(grid.cells))


def read_foi_table(path, *, force: str, sheet: str | None = None, source_id: str | None = None,
                   period: str | None = None, period_start: str | None = None,
                   period_end: str | None = None) -> pd.DataFrame:
    """One row per data cell of an FOI reply table; `.attrs["excluded"]` lists the excluded cells.

    `period` (with `period_start`/`period_end` where the wording is not a date) is for tables that carry
    no periods of their own (a two-column "question | answer" table). Raises a `FoiReadError` subclass.
    """
    return read(path, force=force, sheet=sheet, source_id=source_id, period=period, period_start=period_start,
                period_end=period_end).table


def read_foi_records(path, *, sheet: str | None = None, source_id: str | None = None) -> FoiTable:
    """A record-level reply (one row per case: dates, outcome wording, redactions) as one row per cell.

    These tables hold no counts, so they are outside `read_foi_table`: every cell is kept as text, as
    written ("Would Have Been Dismissed", "S40(2) applies", even an impossible date such as 31/02/2023),
    and recoding (outcomes.categorise_outcome, periods.parse_period) is left to the caller, where a bad
    cell raises with its locator. Title rows above the header (single cells in the first column) and
    notes below the records (after a blank row) are excluded and listed in `.excluded`.
    """
    grid = read_grid(path, sheet=sheet)
    file = grid.file
    cells = grid.cells
    first_col, rows, by_row = shape.rows_of(grid)
    header_row = next((r for r in rows if len(by_row[r]) > 1), None)
    if header_row is None:
        raise NoTableError(f"{file}: no header row found (no row has two or more cells); expected a record table")
    header = {c.col: c for c in by_row[header_row]}
    excluded = [{"file": file, "source_locator": c.locator, "kind": "title", "text": c.text,
                 "reason": "title row above the table"} for r in rows if r < header_row for c in by_row[r]]
    excluded += [{"file": file, "source_locator": c.locator, "kind": "header", "text": c.text,
                  "reason": "column label"} for c in header.values()]
    out, previous, in_notes = [], header_row, False
    for r in (r for r in rows if r > header_row):
        row_cells = by_row[r]
        if in_notes or r > previous + 1 and len(row_cells) == 1 and row_cells[0].col == first_col:
            if len(row_cells) > 1 or row_cells[0].col != first_col:
                raise UnexpectedCellError(f"{file}: cell {row_cells[0].locator} below the notes holds "
                                          f"{row_cells[0].text!r}; expected only notes below the records")
            in_notes = True
            excluded.append({"file": file, "source_locator": row_cells[0].locator, "kind": "note",
                             "text": row_cells[0].text, "reason": "note below the table"})
            continue
        for c in row_cells:
            if c.col not in header:
                raise MissingHeaderError(f"{file}: cell {c.locator} holds {c.text!r} but its column has no header; "
                                         f"expected every column of the records to have a header")
            out.append({"record": r - header_row, "column": header[c.col].text, "text": c.text,
                        "source_locator": c.locator, "file": file})
        previous = r
    if not out:
        raise NoDataRowsError(f"{file}: the header row {header_row} has no record below it")
    table = pd.DataFrame(out, columns=RECORD_COLUMNS)
    ex = pd.DataFrame(excluded, columns=EXCLUDED_COLUMNS)
    if source_id is not None:
        table.insert(0, "source_id", source_id)
        ex.insert(0, "source_id", source_id)
    table.attrs["excluded"] = ex
    return FoiTable(table, ex, "records", len(cells))


# --- the cleaner ---------------------------------------------------------------------------------
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


def read_spec(entry: dict, spec: dict, raw_dir: Path | None = None) -> FoiTable:
    """Parse only: one `foi_table` of a source, read cell by cell (every cell a value, an exclusion or an error)."""
    path = Path(raw_dir or paths.RAW_DIR) / entry["id"] / spec["path"]
    if spec.get("layout") == "records":
        result = read_foi_records(path, sheet=spec.get("sheet"), source_id=entry["id"])
    else:
        result = read(path, force=spec.get("force", entry.get("force") or _force_of(entry)), sheet=spec.get("sheet"),
                      source_id=entry["id"], period=spec.get("period"), period_start=_iso(spec.get("period_start")),
                      period_end=_iso(spec.get("period_end")))
    result.spec = spec
    return result


def load_raw(entry: dict, raw_dir: Path | None = None) -> list[FoiTable]:
    """Parse only: every FOI reply table a source lists under `foi_table` ([] for none)."""
    if entry["topic"] not in ("social_media", "all_misconduct"):
        return []
    return [read_spec(entry, spec, raw_dir) for spec in table_specs(entry)]


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


def clean(raw: FoiTable, entry: dict) -> pd.DataFrame:
    """Pure: the cells of one read table as observations rows (schema validated by the caller).

    A table with `role: check` re-reads figures already in figures.csv: it adds no rows (see log_rows)."""
    spec = raw.spec or {}
    if spec.get("role", "data") == "check":
        return pd.DataFrame(columns=OBSERVATION_COLUMNS)
    return clean_table(raw, entry, spec)


def clean_table(read: FoiTable, entry: dict, spec: dict) -> pd.DataFrame:
    """The cells of one read table as observations rows, for the `foi_table` spec given."""
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


def exclusion_summary(read: FoiTable, max_listed: int = 12) -> list[tuple[str, int, str]]:
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


def log_rows(raw: FoiTable, clean: pd.DataFrame, entry: dict) -> list[tuple[str, str, str, int, int]]:
    """The build log's lines for one table: its exclusions, then what it added (or that it is a check)."""
    spec = raw.spec or {}
    out = [(f"foi_excluded:{entry['id']}", f"leave out {kind} cells of {spec['path']}", reason, n, 0)
           for kind, n, reason in exclusion_summary(raw)]
    if spec.get("role", "data") == "check":
        out.append((f"foi_check:{entry['id']}", f"re-read {spec['path']} (check, not added)",
                    "compared cell by cell with figures.csv (analysis.foi.reread_real_replies)", len(raw.table), 0))
    else:
        out.append((f"observations:{entry['id']}", f"read {spec['path']}",
                    "one row per data cell (blank cells kept as missing)", len(raw.table), len(clean)))
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
        for rec in read_spec(entry, spec).table.to_dict("records"):
            if observation_locator(spec["path"], rec["source_locator"]) == source_locator:
                return rec["raw_value"]
    raise KeyError(f"{source_id}: no FOI table cell at {source_locator!r}")
