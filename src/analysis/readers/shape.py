"""Table-shape inference: where a reply's title, header, data rows, totals and notes are in a grid.

Layout decisions (also in tests/test_foi_*.py):
- Title rows are rows above the table whose only content is one cell in the table's first column.
  The header row is the first row with content in any other column.
- Data rows run from below the header to the last row with content beyond the first column; a row with
  only a label there is a row of blank (missing) cells. Below the data, single-cell rows are notes
  (a note must come after a blank row or start like a note: "Note", "Source", "*", "[1]", ...).
  Anything else below the table is refused, so a second table is never silently dropped.
- A label reading "Total", "Totals", "Grand total", "Overall total", "Overall", "All ranks", "All grades" or
  "All years" (any case, any words after it) marks a total; totals are checked against the sum of their parts
  when every part is exact, then left out.
- Periods run across the header or down the first column. A table with periods on neither axis may state its
  period in a title line above it ("Officers disciplined, 1 April 2019 to 31 March 2021", "Period: 2019/20",
  "... in 2020"): a range anywhere in a title, or a single period after a word such as "period", "year", "in",
  "for", "during" or "covering". Two different periods in the titles are refused as ambiguous.

This module knows nothing of what a period is: the caller passes `period_of(text) -> Period | None`
(analysis.periods), so the readers stay below the vocabularies.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from .. import values
from .errors import (
    AmbiguousLayoutError,
    DuplicateCategoryError,
    DuplicatePeriodError,
    MissingHeaderError,
    MissingLabelError,
    NegativeCountError,
    NoDataRowsError,
    NoTableError,
    NotACountError,
    NotACountFormatError,
    TotalMismatchError,
    UnexpectedCellError,
)
from .grid import Cell, Grid, column_letter, grid_locator

TOTAL_LABEL = re.compile(
    r"^\s*(?:(?:grand|overall)\s+totals?|totals?|overall|all\s+(?:ranks|grades|years))\b", re.I)
NOTE_START = re.compile(
    r"^\s*(?:notes?\b|source[s]?\b|n\.?\s?b\b|please\s+note|footnotes?\b|\*|†|‡|\[\s*\d+\s*\]|\(\s*\d+\s*\)|"
    r"\(\s*[a-z]\s*\)\s)", re.I)

PeriodOf = Callable[[str], object]  # text -> a Period (start, end, label) or None


@dataclass
class Label:
    cell: Cell | None
    text: str
    total: bool = False
    period: object = None  # a Period when the label reads as one


@dataclass
class Layout:
    first_col: int
    titles: list[Cell]
    header_row: int
    corner: Cell | None
    columns: dict[int, Label]  # value column -> header label
    data_rows: list[int]
    row_labels: dict[int, Label]
    notes: list[Cell]


def cell_range(cells: list[Cell]) -> str:
    cells = [c for c in cells if c is not None]
    if not cells:
        return "(none)"
    return cells[0].locator if len(cells) == 1 else f"{cells[0].locator}..{cells[-1].locator.split('!')[-1]}"


def rows_of(grid: Grid) -> tuple[int, list[int], dict[int, list[Cell]]]:
    """The first used column, the used row numbers, and each row's cells in column order."""
    first_col = min(c for _, c in grid.cells)
    rows = sorted({r for r, _ in grid.cells})
    by_row: dict[int, list[Cell]] = {}
    for (r, c), cell in sorted(grid.cells.items()):
        by_row.setdefault(r, []).append(cell)
    return first_col, rows, by_row


def layout(grid: Grid) -> Layout:
    file = grid.file
    cells = grid.cells
    first_col, rows, by_row = rows_of(grid)

    header_row = next((r for r in rows if any(c.col > first_col for c in by_row[r])), None)
    if header_row is None:
        hint = ""
        sample = " ".join(c.text for c in cells.values())
        if ";" in sample or "\t" in sample:
            hint = " (the cells contain ';' or tabs: is the file separated by ';' or tabs rather than commas?)"
        raise NoTableError(f"{file}: no header row found: every row has content only in column "
                           f"{column_letter(first_col)}{hint}; expected a table with labels in the first column "
                           f"and one or more value columns")
    titles = [cells[(r, first_col)] for r in rows if r < header_row]

    corner = cells.get((header_row, first_col))
    columns = {c.col: Label(c, c.text.strip()) for c in by_row[header_row] if c.col > first_col}
    last_header_col = max(columns)

    below = [r for r in rows if r > header_row]
    data_like = [r for r in below if any(c.col > first_col for c in by_row[r])]
    if not data_like and not below:
        raise NoDataRowsError(f"{file}: the header row {header_row} ({cell_range(by_row[header_row])}) has no data "
                              f"row below it; expected at least one row of values")
    last_data = max(data_like) if data_like else header_row
    data_rows, notes = [], []
    in_notes = False
    previous = header_row
    for r in below:
        row_cells = by_row[r]
        if r <= last_data:
            if len(row_cells) == 1 and row_cells[0].col == first_col and NOTE_START.match(row_cells[0].text):
                raise UnexpectedCellError(
                    f"{file}: cell {row_cells[0].locator} looks like a note ({row_cells[0].text!r}) but rows with "
                    f"values follow it (down to row {last_data}); expected only notes below the table. Put a "
                    f"second table in its own sheet or file")
            data_rows.append(r)
            previous = r
            continue
        single = len(row_cells) == 1 and row_cells[0].col == first_col and isinstance(row_cells[0].value, str)
        if not single:
            bad = next(c for c in row_cells if c.col != first_col or not isinstance(c.value, str))
            raise UnexpectedCellError(f"{file}: cell {bad.locator} below the table holds {bad.text!r}; expected only "
                                      f"notes (text in column {column_letter(first_col)}) below the table. Put a "
                                      f"second table in its own sheet or file")
        gap = r > previous + 1
        if in_notes or gap or NOTE_START.match(row_cells[0].text):
            in_notes = True
            notes.append(row_cells[0])
        else:
            data_rows.append(r)  # a label with all its cells blank: a row of missing values
        previous = r
    if not data_rows:
        raise NoDataRowsError(f"{file}: the header row {header_row} has no data row below it (only notes); "
                              f"expected at least one row of values")

    row_labels = {}
    for r in data_rows:
        label_cell = cells.get((r, first_col))
        for c in by_row[r]:
            if c.col > last_header_col:
                raise UnexpectedCellError(f"{file}: cell {c.locator} holds {c.text!r} but lies right of the last "
                                          f"header cell {columns[last_header_col].cell.locator}; expected every "
                                          f"value column to have a header")
            if c.col > first_col and c.col not in columns:
                above = grid_locator(grid, header_row, c.col)
                raise MissingHeaderError(f"{file}: cell {c.locator} holds {c.text!r} but its column has no header "
                                         f"(cell {above} is blank); expected a period or category label there")
        if label_cell is None:
            first_value = next(c for c in by_row[r] if c.col > first_col)
            raise MissingLabelError(f"{file}: row {r} has values (cell {first_value.locator}: {first_value.text!r}) "
                                    f"but no label in cell {grid_locator(grid, r, first_col)}; expected a period "
                                    f"or category label")
        row_labels[r] = Label(label_cell, label_cell.text.strip())
    return Layout(first_col, titles, header_row, corner, columns, data_rows, row_labels, notes)


def mark_totals_and_periods(grid: Grid, lay: Layout, period_of: PeriodOf) -> str:
    """Mark total labels, read period labels; returns the axis holding periods: 'columns', 'rows' or 'none'."""
    for label in list(lay.columns.values()) + list(lay.row_labels.values()):
        label.total = bool(TOTAL_LABEL.match(label.text))
    col_labels = [l for l in lay.columns.values() if not l.total]
    row_labels = [l for l in lay.row_labels.values() if not l.total]
    col_periods = [period_of(l.text) for l in col_labels]
    row_periods = [period_of(l.text) for l in row_labels]
    cols_periods = bool(col_labels) and all(col_periods)
    rows_periods = bool(row_labels) and all(row_periods)
    if cols_periods and rows_periods:
        raise AmbiguousLayoutError(
            f"{grid.file}: both the header row ({cell_range([l.cell for l in col_labels])}) and the first column "
            f"({cell_range([l.cell for l in row_labels])}) read as periods; expected periods on one axis only")
    if cols_periods:
        for label, p in zip(col_labels, col_periods):
            label.period = p
        return "columns"
    if rows_periods:
        for label, p in zip(row_labels, row_periods):
            label.period = p
        return "rows"
    return "none"


# A date, month or year as replies write them inside a sentence.
_DAY = r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"
_MONTH_DAY = r"[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
_NUMERIC = r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{4}-\d{2}-\d{2}"
_MONTH = r"[A-Za-z]{3,9}\.?\s+\d{4}"
_FY = r"(?:FY\s*)?\d{4}\s*[/-]\s*\d{2}(?:\d{2})?(?!\d)"
_YEAR = r"(?:19|20)\d{2}(?![\d/-])"
_POINT = rf"(?:{_DAY}|{_MONTH_DAY}|{_NUMERIC}|{_MONTH}|{_FY}|{_YEAR})"
_RANGE = re.compile(rf"(?:between\s+|from\s+)?(?<![\w/]){_POINT}\s*(?:-|–|—|to|and|until|till)\s*{_POINT}(?![\w/])",
                    re.I)
_CUED = re.compile(rf"\b(?:period|years?|during|in|for|covering|financial\s+year|calendar\s+year)\b\s*:?\s*"
                   rf"(?:the\s+)?(?:(?:financial|calendar)\s+year\s+)?(?P<p>{_POINT})(?![\w/])", re.I)


def title_period(grid: Grid, lay: Layout, period_of: PeriodOf) -> tuple[object, Cell] | None:
    """The one period the title lines above the table state, with the cell stating it; None if none does.

    Two title lines (or one line) stating different periods raise AmbiguousLayoutError."""
    found: dict[tuple, tuple[object, Cell]] = {}
    for cell in lay.titles:
        text = cell.text
        candidates = [m.group(0) for m in _RANGE.finditer(text)]
        if not candidates:
            candidates = [m.group("p") for m in _CUED.finditer(text)]
        for candidate in candidates:
            p = period_of(candidate.strip().rstrip(".,;:"))
            if p is not None:
                found.setdefault((p.start, p.end), (p, cell))
    if not found:
        return None
    if len(found) > 1:
        stated = "; ".join(f"{cell.locator}: {p.label!r}" for p, cell in found.values())
        raise AmbiguousLayoutError(f"{grid.file}: the title lines state more than one period ({stated}) and the "
                                   f"table has none of its own; say which with period= (--period)")
    return next(iter(found.values()))


def check_duplicates(grid: Grid, labels: list[Label], axis: str) -> None:
    seen: dict[object, Label] = {}
    for label in labels:
        if label.total:
            continue
        key = (label.period.start, label.period.end) if label.period else label.text.casefold()
        if key in seen:
            first = seen[key]
            if label.period:
                raise DuplicatePeriodError(
                    f"{grid.file}: the period in cell {label.cell.locator} ({label.text!r}) repeats the period in "
                    f"cell {first.cell.locator} ({first.text!r}); expected each period once")
            raise DuplicateCategoryError(
                f"{grid.file}: the {axis} label in cell {label.cell.locator} ({label.text!r}) repeats cell "
                f"{first.cell.locator}; expected each category once")
        seen[key] = label


EXPECTED_COUNT = ("expected a whole count such as 12, '1,051', 'two officers' or 'NIL', a bound such as '<5', "
                  "or a marker such as '*', '-' or 'S40(2) applies'")


def read_count(grid: Grid, cell: Cell | None) -> values.Qualified:
    """A data cell as a qualified count; a blank cell is `missing` (never zero)."""
    if cell is None:
        return values.Qualified(None, "missing", None, None, "count")
    value, text = cell.value, cell.text
    if cell.shown == "percent":
        raise NotACountFormatError(
            f"{grid.file}: cell {cell.locator} holds {_number_text(value)} formatted as a percentage (shown as "
            f"{text!r}, format {cell.number_format!r}); a percentage is not a count. Expected a count as published: "
            f"if the reply gives counts, set the cell's format to Number (or General) and save again")
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        raise NotACountError(f"{grid.file}: cell {cell.locator} holds {text!r}; {EXPECTED_COUNT}")
    if (isinstance(value, (int, float)) and value < 0) or (
            isinstance(value, str) and re.match(r"^\s*[-\u2212\u2013]\s*\d", value)):
        raise NegativeCountError(f"{grid.file}: cell {cell.locator} holds the negative number {text!r}; "
                                 f"expected a count of zero or more")
    try:
        return values.parse_value(value, unit="count")
    except ValueError as exc:
        raise NotACountError(f"{grid.file}: cell {cell.locator} holds {text!r}: {exc}") from None


def _number_text(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def check_totals(grid: Grid, lay: Layout, read_cells, exclude) -> None:
    """Each total against the sum of its parts (when every part and the total are exact)."""
    for r in lay.data_rows:
        rl = lay.row_labels[r]
        for c, cl in lay.columns.items():
            if not (rl.total or cl.total):
                continue
            cell = grid.cells.get((r, c))
            total = read_cells[(r, c)]
            if rl.total:
                parts = [(rr, c) for rr in lay.data_rows if not lay.row_labels[rr].total]
                along = "column"
            else:
                parts = [(r, cc) for cc, l in lay.columns.items() if not l.total]
                along = "row"
            qs = [read_cells[p] for p in parts]
            if cell is None:
                continue
            if total.qualifier == "exact" and qs and all(q.qualifier == "exact" for q in qs):
                expected = sum(q.value for q in qs)
                if expected != total.value:
                    first, last = (grid_locator(grid, *parts[0]), grid_locator(grid, *parts[-1]))
                    raise TotalMismatchError(
                        f"{grid.file}: cell {cell.locator} gives the total {total.value:g} but the cells it totals "
                        f"along its {along} ({first}..{last}) add up to {expected:g}; expected the total to equal "
                        f"the sum of its parts")
                exclude(cell, "total", f"total; equals the sum of its parts ({expected:g})")
            else:
                exclude(cell, "total", "total; not checked because the total or a part is not an exact number")
