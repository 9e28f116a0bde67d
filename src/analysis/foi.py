"""Read an FOI reply table (.xlsx, .ods, .csv, .xls) safely into one row per data cell.

`read_foi_table(path, force=...)` finds the header row below any title rows, recognises whether the
periods run across the columns or down the rows, and returns one row per data cell:

    force, category, period_label, period_start, period_end, value, qualifier, value_low, value_high,
    source_locator, raw_value, row_label, column_label, note, file

`source_locator` is `Sheet1!C7` for spreadsheets and `line 4, column 3` for CSV. Values are read by
`analysis.values.parse_value` (word numbers, "1,051", "<5", "*", "S40(2) applies", footnote markers) and
period labels by `analysis.periods.parse_period` (calendar and financial years, odd spans). A table whose
periods are on neither axis (a two-column "question | answer" reply) needs `period=` (the wording) and,
where the wording alone is not a date, `period_start=`/`period_end=`.

Every non-empty input cell is accounted for: it becomes a value, or a deliberate exclusion listed in
`frame.attrs["excluded"]` (kind title, header, total, note), or an error. Blank cells inside the table
are values with qualifier `missing` (never zero). Totals are checked against the sum of their parts when
all parts are exact, then left out.

Safety: spreadsheets are untrusted input. openpyxl parses XML through defusedxml (installed); formulas
are never evaluated (workbooks are opened with data_only=False and any formula cell is refused; for .ods
the table:formula attribute, for .xls the BIFF FORMULA records, for CSV a cell that starts with "=");
files above MAX_BYTES and tables beyond MAX_ROWS x MAX_COLS are refused. Nothing here uses the network.
Every problem raises a subclass of `FoiReadError` (a `ValueError`) naming the file and, where one cell is
at fault, the cell, what was found and what was expected.

Layout decisions (also in tests/test_foi_*.py):
- Title rows are rows above the table whose only content is one cell in the table's first column.
  The header row is the first row with content in any other column.
- Data rows run from below the header to the last row with content beyond the first column; a row with
  only a label there is a row of blank (missing) cells. Below the data, single-cell rows are notes
  (a note must come after a blank row or start like a note: "Note", "Source", "*", "[1]", ...).
  Anything else below the table is refused, so a second table is never silently dropped.
- A label reading "Total", "Totals" or "Grand total" (any case, any words after it) marks a total.
- With several sheets and no `sheet=`, the reader refuses unless only one sheet has content.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import forces, periods, values

__all__ = [
    "MAX_BYTES", "MAX_COLS", "MAX_ROWS", "TABLE_COLUMNS", "EXCLUDED_COLUMNS",
    "FoiReadError", "EmptyFileError", "UnreadableFileError", "WrongFileTypeError", "UnsupportedFileTypeError",
    "SheetError", "NoTableError", "NoDataRowsError", "NotACountError", "NegativeCountError",
    "DuplicatePeriodError", "DuplicateCategoryError", "TotalMismatchError", "FormulaCellError",
    "TooLargeError", "MissingLabelError", "MissingHeaderError", "UnexpectedCellError", "NoPeriodError",
    "AmbiguousLayoutError", "PeriodError", "ForceNameError",
    "read_foi_table", "read_grid",
]

MAX_ROWS = 10_000
MAX_COLS = 200
MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".xlsx", ".ods", ".csv", ".xls")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

TABLE_COLUMNS = [
    "force", "category", "period_label", "period_start", "period_end", "value", "qualifier", "value_low",
    "value_high", "source_locator", "raw_value", "row_label", "column_label", "note", "file",
]
EXCLUDED_COLUMNS = ["file", "source_locator", "kind", "text", "reason"]


# --- errors --------------------------------------------------------------------------------------
class FoiReadError(ValueError):
    """An FOI table could not be read without guessing; the message names the file (and the cell)."""


class EmptyFileError(FoiReadError):
    """The file has no bytes, or no cell with content."""


class UnreadableFileError(FoiReadError):
    """The file is damaged or in an encoding/format the reader cannot decode."""


class WrongFileTypeError(FoiReadError):
    """The content is not what the extension says (xlsx/ods are zip files, xls is OLE2, csv is text)."""


class UnsupportedFileTypeError(WrongFileTypeError):
    """An extension the reader does not handle."""


class SheetError(FoiReadError):
    """The named sheet does not exist, or several sheets have content and none was named."""


class NoTableError(FoiReadError):
    """No header row: nothing beyond the first column."""


class NoDataRowsError(FoiReadError):
    """A header row but no data row below it."""


class NotACountError(FoiReadError):
    """A data cell holds something that is not a count or a marker."""


class NegativeCountError(NotACountError):
    """A data cell holds a negative number."""


class DuplicatePeriodError(FoiReadError):
    """The same period labels two rows or two columns."""


class DuplicateCategoryError(FoiReadError):
    """The same category labels two rows or two columns."""


class TotalMismatchError(FoiReadError):
    """A total disagrees with the sum of its parts."""


class FormulaCellError(FoiReadError):
    """A cell holds a formula (formulas are never evaluated)."""


class TooLargeError(FoiReadError):
    """The file or the table is bigger than the caps."""


class MissingLabelError(FoiReadError):
    """A data row has values but no label in the first column."""


class MissingHeaderError(FoiReadError):
    """A column has values but no header."""


class UnexpectedCellError(FoiReadError):
    """Content where the table has no place for it (right of the header, or data below the notes)."""


class NoPeriodError(FoiReadError):
    """Neither axis holds periods and no period= was given."""


class AmbiguousLayoutError(FoiReadError):
    """Both axes hold periods, or period= was given for a table that has its own periods."""


class PeriodError(FoiReadError):
    """A period label (in the table or given as period=) cannot be read."""


class ForceNameError(FoiReadError):
    """force= is not a police force of England and Wales."""


# --- the grid ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    row: int  # 1-based, as the spreadsheet shows it (CSV: the line the record starts on)
    col: int  # 1-based
    value: object  # str, int, float, bool, datetime
    locator: str

    @property
    def text(self) -> str:
        return cell_text(self.value)


@dataclass
class Grid:
    file: str
    sheet: str | None
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    row_of_record: dict[int, int] = field(default_factory=dict)  # CSV: record index -> line


def cell_text(value: object) -> str:
    """A cell as written: whole numbers without '.0', dates as ISO, text unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sheet_locator(sheet: str, row: int, col: int) -> str:
    name = f"'{sheet}'" if re.search(r"[^A-Za-z0-9_]", sheet) else sheet
    return f"{name}!{column_letter(col)}{row}"


def _too_large(file: str, locator: str, row: int, col: int) -> TooLargeError:
    return TooLargeError(
        f"{file}: cell {locator} lies beyond the reader's limit of {MAX_ROWS:,} rows x {MAX_COLS} columns "
        f"(row {row}, column {col}); an FOI reply table is far smaller: save the table alone in a new file")


def _formula(file: str, locator: str, text: str) -> FormulaCellError:
    return FormulaCellError(
        f"{file}: cell {locator} holds the formula {text!r}; formulas are never evaluated. Expected a value "
        f"as published: paste the values only (Paste Special > Values) and save again")


def _check_magic(path: Path, file: str, head: bytes) -> None:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".ods"):
        if not head.startswith(ZIP_MAGIC):
            found = "an old-style .xls (OLE2) workbook" if head.startswith(OLE2_MAGIC) else "not a zip archive"
            raise WrongFileTypeError(f"{file}: the extension says {suffix} (a zip archive) but the content is "
                                     f"{found}; save it again in the format its name says, or rename it")
    elif suffix == ".xls":
        if not head.startswith(OLE2_MAGIC):
            found = "a zip archive (probably .xlsx or .ods)" if head.startswith(ZIP_MAGIC) else "not an OLE2 file"
            raise WrongFileTypeError(f"{file}: the extension says .xls (an OLE2 workbook) but the content is "
                                     f"{found}; rename it to what it is or save it again")
    elif suffix == ".csv":
        if head.startswith(ZIP_MAGIC) or head.startswith(OLE2_MAGIC):
            raise WrongFileTypeError(f"{file}: the extension says .csv (text) but the content is a "
                                     f"spreadsheet workbook; rename it to .xlsx/.ods/.xls or export it as CSV")
    else:
        raise UnsupportedFileTypeError(f"{file}: extension {path.suffix!r} is not supported; expected one of "
                                       f"{', '.join(SUFFIXES)}")


def read_grid(path, *, sheet: str | None = None) -> Grid:
    """Every non-empty cell of one sheet (or of a CSV file) with its locator; refuses formulas."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise UnreadableFileError(f"{file}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{file}: the file is empty (0 bytes); expected an FOI reply table")
    if size > MAX_BYTES:
        raise TooLargeError(f"{file}: {size:,} bytes is above the reader's limit of {MAX_BYTES:,} bytes")
    with path.open("rb") as fh:
        head = fh.read(8)
    _check_magic(path, file, head)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        grid = _read_csv(path, file)
    elif suffix == ".xlsx":
        grid = _read_xlsx(path, file, sheet)
    elif suffix == ".ods":
        grid = _read_ods(path, file, sheet)
    else:
        grid = _read_xls(path, file, sheet)
    if not grid.cells:
        where = f" (sheet {grid.sheet!r})" if grid.sheet else ""
        raise EmptyFileError(f"{file}{where}: no cell has content; expected an FOI reply table")
    return grid


def _add(grid: Grid, row: int, col: int, value: object, locator: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    if isinstance(value, float) and math.isnan(value):
        return
    if row > MAX_ROWS or col > MAX_COLS:
        raise _too_large(grid.file, locator, row, col)
    grid.cells[(row, col)] = Cell(row, col, value, locator)


def _choose_sheet(file: str, names: list[str], has_content: dict[str, bool], sheet: str | None) -> str:
    if sheet is not None:
        if sheet not in names:
            raise SheetError(f"{file}: no sheet named {sheet!r}; the sheets are {names}")
        return sheet
    used = [n for n in names if has_content.get(n, True)]
    if len(used) > 1:
        raise SheetError(f"{file}: {len(used)} sheets have content ({used}); say which one holds the table "
                         f"(sheet=... or --sheet)")
    return used[0] if used else names[0]


def _read_csv(path: Path, file: str) -> Grid:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(f"{file}: the text is UTF-16; expected UTF-8 (with or without BOM) or "
                                  f"Windows-1252: save it as 'CSV UTF-8'")
    if b"\x00" in data:
        raise WrongFileTypeError(f"{file}: the extension says .csv but the content is binary (NUL bytes); "
                                 f"expected comma-separated text")
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as exc:
                raise UnreadableFileError(
                    f"{file}: byte {data[exc.start]:#04x} at offset {exc.start} is neither UTF-8 nor "
                    f"Windows-1252; expected a CSV saved as UTF-8") from None
    grid = Grid(file, None)
    grid.encoding = encoding  # type: ignore[attr-defined]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for record in reader:
            for col, value in enumerate(record, start=1):
                locator = f"line {start}, column {col}"
                if value.strip().startswith("="):
                    raise _formula(file, locator, value)
                _add(grid, start, col, value, locator)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFileError(f"{file}: line {reader.line_num}: not valid CSV ({exc}); expected "
                                  f"comma-separated text with cells quoted by double quotes") from None
    return grid


def _read_xlsx(path: Path, file: str, sheet: str | None) -> Grid:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError,
            AttributeError, IndexError, EOFError) as exc:
        raise UnreadableFileError(f"{file}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # any other parser failure (XML errors, defusedxml refusals) stays a clear error
        raise UnreadableFileError(f"{file}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        names = wb.sheetnames
        content = {}
        if sheet is None and len(names) > 1:
            for name in names:
                ws = wb[name]
                content[name] = any(c.value is not None for row in ws.iter_rows(max_row=MAX_ROWS) for c in row)
        name = _choose_sheet(file, names, content, sheet)
        ws = wb[name]
        ws.reset_dimensions()  # trust the cells, not the stored dimension (it may claim a million rows)
        grid = Grid(file, name)
        try:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None or not hasattr(cell, "row"):
                        continue
                    locator = _sheet_locator(name, cell.row, cell.column)
                    if cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula"):
                        raise _formula(file, locator, str(getattr(cell.value, "text", cell.value)))
                    _add(grid, cell.row, cell.column, cell.value, locator)
        except FoiReadError:
            raise
        except Exception as exc:
            raise UnreadableFileError(f"{file}: sheet {name!r} could not be read ({type(exc).__name__}: "
                                      f"{exc})") from None
        return grid
    finally:
        wb.close()


def _ods_cell_value(cell) -> object:
    from odf import teletype
    from odf.namespaces import OFFICENS
    from odf.text import P

    kind = cell.attributes.get((OFFICENS, "value-type"))
    if kind in ("float", "percentage", "currency"):
        raw = cell.attributes.get((OFFICENS, "value"))
        number = float(raw)
        return int(number) if number.is_integer() and kind == "float" else number
    if kind == "date":
        raw = cell.attributes.get((OFFICENS, "date-value"))
        return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
    if kind == "boolean":
        return cell.attributes.get((OFFICENS, "boolean-value")) == "true"
    paragraphs = [teletype.extractText(p) for p in cell.getElementsByType(P)]
    return "\n".join(paragraphs) if paragraphs else None


def _read_ods(path: Path, file: str, sheet: str | None) -> Grid:
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableRow

    try:
        doc = load(str(path))
        tables = doc.spreadsheet.getElementsByType(Table)
    except Exception as exc:  # odfpy raises KeyError, zipfile and XML errors for damaged files
        raise UnreadableFileError(f"{file}: not a readable .ods spreadsheet ({type(exc).__name__}: {exc})") from None
    if not tables:
        raise EmptyFileError(f"{file}: the spreadsheet has no sheet")
    names = [t.getAttribute("name") for t in tables]
    content = {}
    if sheet is None and len(tables) > 1:
        for t, n in zip(tables, names):
            content[n] = any(_ods_cell_value(c) not in (None, "") for r in t.getElementsByType(TableRow)
                             for c in r.childNodes if c.qname[1] == "table-cell")
    name = _choose_sheet(file, names, content, sheet)
    table = tables[names.index(name)]
    grid = Grid(file, name)
    row_index = 0
    for row in table.getElementsByType(TableRow):
        rows_repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), "1"))
        col_index = 0
        row_cells = []
        for cell in row.childNodes:
            if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), "1"))
            formula = cell.attributes.get((TABLENS, "formula"))
            value = _ods_cell_value(cell) if cell.qname[1] == "table-cell" else None
            if formula is not None:
                locator = _sheet_locator(name, row_index + 1, col_index + 1)
                raise _formula(file, locator, formula)
            if value is not None and not (isinstance(value, str) and not value.strip()):
                if repeat > MAX_COLS or rows_repeat > MAX_ROWS:
                    raise _too_large(file, _sheet_locator(name, row_index + 1, col_index + 1),
                                     row_index + rows_repeat, col_index + repeat)
                for k in range(repeat):
                    row_cells.append((col_index + k + 1, value))
            col_index += repeat
        if row_cells:
            if rows_repeat > MAX_ROWS:
                raise _too_large(file, _sheet_locator(name, row_index + 1, 1), row_index + rows_repeat, 1)
            for r in range(rows_repeat):
                for col, value in row_cells:
                    _add(grid, row_index + r + 1, col, value, _sheet_locator(name, row_index + r + 1, col))
        row_index += rows_repeat
    return grid


def _xls_formula_cells(book, sheet_index: int) -> list[tuple[int, int]]:
    """(row, col), 0-based, of every FORMULA/ARRAY/SHRFMLA record in one sheet's BIFF substream."""
    mem = getattr(book, "mem", None)
    positions = getattr(book, "_sh_abs_posn", None)
    if mem is None or positions is None:
        return []
    pos = positions[sheet_index]
    found = []
    while pos + 4 <= len(mem):
        rtype, length = struct.unpack("<HH", mem[pos:pos + 4])
        if rtype in (0x0006, 0x0406) and length >= 4:
            found.append(struct.unpack("<HH", mem[pos + 4:pos + 8]))
        if rtype == 0x000A:  # EOF of this sheet
            break
        pos += 4 + length
    return found


def _read_xls(path: Path, file: str, sheet: str | None) -> Grid:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors for damaged files
        raise UnreadableFileError(f"{file}: not a readable .xls workbook ({type(exc).__name__}: {exc})") from None
    try:
        names = book.sheet_names()
        content = {}
        if sheet is None and len(names) > 1:
            for i, n in enumerate(names):
                sh = book.sheet_by_index(i)
                content[n] = sh.nrows > 0 and any(
                    sh.cell_type(r, c) not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
                    for r in range(min(sh.nrows, MAX_ROWS)) for c in range(min(sh.ncols, MAX_COLS)))
        name = _choose_sheet(file, names, content, sheet)
        index = names.index(name)
        formulas = _xls_formula_cells(book, index)
        if formulas:
            r, c = formulas[0]
            raise _formula(file, _sheet_locator(name, r + 1, c + 1), "(a formula in a .xls workbook)")
        sh = book.sheet_by_index(index)
        grid = Grid(file, name)
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                kind, value = sh.cell_type(r, c), sh.cell_value(r, c)
                if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                if kind == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                elif kind == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif kind == xlrd.XL_CELL_ERROR:
                    value = xlrd.error_text_from_code.get(value, "#ERROR")
                elif kind == xlrd.XL_CELL_NUMBER and float(value).is_integer():
                    value = int(value)
                _add(grid, r + 1, c + 1, value, _sheet_locator(name, r + 1, c + 1))
        return grid
    except FoiReadError:
        raise
    except Exception as exc:
        raise UnreadableFileError(f"{file}: not a readable .xls workbook ({type(exc).__name__}: {exc})") from None
    finally:
        book.release_resources()


# --- the table -----------------------------------------------------------------------------------
TOTAL_LABEL = re.compile(r"^\s*(?:grand\s+)?totals?\b", re.I)
NOTE_START = re.compile(
    r"^\s*(?:notes?\b|source[s]?\b|n\.?\s?b\b|please\s+note|footnotes?\b|\*|†|‡|\[\s*\d+\s*\]|\(\s*\d+\s*\)|"
    r"\(\s*[a-z]\s*\)\s)", re.I)


@dataclass
class _Label:
    cell: Cell | None
    text: str
    total: bool = False
    period: periods.Period | None = None


def _period_or_none(text: str) -> periods.Period | None:
    try:
        return periods.parse_period(text)
    except ValueError:
        return None


def _range(cells: list[Cell]) -> str:
    cells = [c for c in cells if c is not None]
    if not cells:
        return "(none)"
    return cells[0].locator if len(cells) == 1 else f"{cells[0].locator}..{cells[-1].locator.split('!')[-1]}"


@dataclass
class _Layout:
    first_col: int
    titles: list[Cell]
    header_row: int
    corner: Cell | None
    columns: dict[int, _Label]  # value column -> header label
    data_rows: list[int]
    row_labels: dict[int, _Label]
    notes: list[Cell]


def _rows(grid: Grid) -> tuple[int, list[int], dict[int, list[Cell]]]:
    """The first used column, the used row numbers, and each row's cells in column order."""
    first_col = min(c for _, c in grid.cells)
    rows = sorted({r for r, _ in grid.cells})
    by_row: dict[int, list[Cell]] = {}
    for (r, c), cell in sorted(grid.cells.items()):
        by_row.setdefault(r, []).append(cell)
    return first_col, rows, by_row


def _layout(grid: Grid) -> _Layout:
    file = grid.file
    cells = grid.cells
    first_col, rows, by_row = _rows(grid)

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
    for r in rows:
        if r < header_row and len(by_row[r]) > 1:  # cannot happen (header is the first such row), kept as guard
            raise NoTableError(f"{file}: row {r} above the header has several cells")

    corner = cells.get((header_row, first_col))
    columns = {c.col: _Label(c, c.text.strip()) for c in by_row[header_row] if c.col > first_col}
    last_header_col = max(columns)

    below = [r for r in rows if r > header_row]
    data_like = [r for r in below if any(c.col > first_col for c in by_row[r])]
    if not data_like:
        labels = [cells[(r, first_col)] for r in below]
        if not labels:
            raise NoDataRowsError(f"{file}: the header row {header_row} ({_range(by_row[header_row])}) has no data "
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
                above = _sheet_or_line(grid, header_row, c.col)
                raise MissingHeaderError(f"{file}: cell {c.locator} holds {c.text!r} but its column has no header "
                                         f"(cell {above} is blank); expected a period or category label there")
        if label_cell is None:
            first_value = next(c for c in by_row[r] if c.col > first_col)
            raise MissingLabelError(f"{file}: row {r} has values (cell {first_value.locator}: {first_value.text!r}) "
                                    f"but no label in cell {_sheet_or_line(grid, r, first_col)}; expected a period "
                                    f"or category label")
        row_labels[r] = _Label(label_cell, label_cell.text.strip())
    return _Layout(first_col, titles, header_row, corner, columns, data_rows, row_labels, notes)


def _sheet_or_line(grid: Grid, row: int, col: int) -> str:
    if grid.sheet is None:
        return f"line {row}, column {col}"
    return _sheet_locator(grid.sheet, row, col)


def _mark_totals_and_periods(grid: Grid, layout: _Layout) -> str:
    """Mark total labels, parse period labels; returns 'columns', 'rows' or 'none'."""
    for label in list(layout.columns.values()) + list(layout.row_labels.values()):
        label.total = bool(TOTAL_LABEL.match(label.text))
    col_labels = [l for l in layout.columns.values() if not l.total]
    row_labels = [l for l in layout.row_labels.values() if not l.total]
    cols_periods = bool(col_labels) and all(_period_or_none(l.text) for l in col_labels)
    rows_periods = bool(row_labels) and all(_period_or_none(l.text) for l in row_labels)
    if cols_periods and rows_periods:
        raise AmbiguousLayoutError(
            f"{grid.file}: both the header row ({_range([l.cell for l in col_labels])}) and the first column "
            f"({_range([l.cell for l in row_labels])}) read as periods; expected periods on one axis only")
    axis = "columns" if cols_periods else "rows" if rows_periods else "none"
    for label in (col_labels if axis == "columns" else row_labels if axis == "rows" else []):
        label.period = periods.parse_period(label.text)
    return axis


def _check_duplicates(grid: Grid, labels: list[_Label], axis: str) -> None:
    seen: dict[object, _Label] = {}
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


def _read_value(grid: Grid, cell: Cell | None) -> values.Qualified:
    if cell is None:
        return values.Qualified(None, "missing", None, None, "count")
    value, text = cell.value, cell.text
    expected = ("expected a whole count such as 12, '1,051', 'two officers' or 'NIL', a bound such as '<5', "
                "or a marker such as '*', '-' or 'S40(2) applies'")
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        raise NotACountError(f"{grid.file}: cell {cell.locator} holds {text!r}; {expected}")
    if (isinstance(value, (int, float)) and value < 0) or (
            isinstance(value, str) and re.match(r"^\s*[-\u2212\u2013]\s*\d", value)):
        raise NegativeCountError(f"{grid.file}: cell {cell.locator} holds the negative number {text!r}; "
                                 f"expected a count of zero or more")
    try:
        q = values.parse_value(value, unit="count")
    except ValueError as exc:
        raise NotACountError(f"{grid.file}: cell {cell.locator} holds {text!r}: {exc}") from None
    return q


@dataclass
class FoiTable:
    """What one read gives: the data cells and the excluded cells."""

    table: pd.DataFrame
    excluded: pd.DataFrame
    axis: str
    n_cells: int


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
    layout = _layout(grid)
    axis = _mark_totals_and_periods(grid, layout)
    given = None
    if period is not None or period_start is not None or period_end is not None:
        if axis != "none":
            raise AmbiguousLayoutError(f"{file}: period={period!r} was given but the table has its own periods "
                                       f"along its {axis}; give period= only for a table without periods")
        try:
            given = periods.parse_period(period, start=period_start, end=period_end)
        except ValueError as exc:
            raise PeriodError(f"{file}: period={period!r} (start={period_start!r}, end={period_end!r}): {exc}") from None
    elif axis == "none":
        raise NoPeriodError(
            f"{file}: no periods found: neither the header row ({_range([l.cell for l in layout.columns.values()])}) "
            f"nor the first column ({_range([l.cell for l in layout.row_labels.values()])}) reads as periods such "
            f"as '2019', '2019/20' or '01/03/2021 - 28/02/2025'; for a table without periods pass period= "
            f"(and period_start=/period_end= where the wording is not a date)")
    _check_duplicates(grid, list(layout.columns.values()), "column")
    _check_duplicates(grid, list(layout.row_labels.values()), "row")

    rows, excluded = [], []

    def exclude(cell: Cell, kind: str, reason: str) -> None:
        excluded.append({"file": file, "source_locator": cell.locator, "kind": kind, "text": cell.text,
                         "reason": reason})

    for cell in layout.titles:
        exclude(cell, "title", "title row above the table")
    if layout.corner is not None:
        exclude(layout.corner, "header", "corner label of the header row")
    for label in layout.columns.values():
        exclude(label.cell, "header", "total column label" if label.total else "column label")
    for label in layout.row_labels.values():
        exclude(label.cell, "header", "total row label" if label.total else "row label")

    single_column = len(layout.columns) == 1
    read_cells: dict[tuple[int, int], values.Qualified] = {}
    for r in layout.data_rows:
        rl = layout.row_labels[r]
        for c, cl in layout.columns.items():
            cell = grid.cells.get((r, c))
            q = _read_value(grid, cell)
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
                "source_locator": cell.locator if cell else _sheet_or_line(grid, r, c),
                "raw_value": cell.text if cell else "", "row_label": rl.text, "column_label": cl.text,
                "note": q.note, "file": file,
            })

    _check_totals(grid, layout, read_cells, exclude)
    for cell in layout.notes:
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


def _num(x) -> float:
    return float("nan") if x is None else float(x)


def _check_totals(grid: Grid, layout: _Layout, read_cells, exclude) -> None:
    """Each total against the sum of its parts (when every part and the total are exact)."""
    for r in layout.data_rows:
        rl = layout.row_labels[r]
        for c, cl in layout.columns.items():
            if not (rl.total or cl.total):
                continue
            cell = grid.cells.get((r, c))
            total = read_cells[(r, c)]
            if rl.total:
                parts = [(rr, c) for rr in layout.data_rows if not layout.row_labels[rr].total]
                along = "column"
            else:
                parts = [(r, cc) for cc, l in layout.columns.items() if not l.total]
                along = "row"
            qs = [read_cells[p] for p in parts]
            if cell is None:
                continue
            if total.qualifier == "exact" and qs and all(q.qualifier == "exact" for q in qs):
                expected = sum(q.value for q in qs)
                if expected != total.value:
                    first, last = (_sheet_or_line(grid, *parts[0]), _sheet_or_line(grid, *parts[-1]))
                    raise TotalMismatchError(
                        f"{grid.file}: cell {cell.locator} gives the total {total.value:g} but the cells it totals "
                        f"along its {along} ({first}..{last}) add up to {expected:g}; expected the total to equal "
                        f"the sum of its parts")
                exclude(cell, "total", f"total; equals the sum of its parts ({expected:g})")
            else:
                exclude(cell, "total", "total; not checked because the total or a part is not an exact number")


def read_foi_table(path, *, force: str, sheet: str | None = None, source_id: str | None = None,
                   period: str | None = None, period_start: str | None = None,
                   period_end: str | None = None) -> pd.DataFrame:
    """One row per data cell of an FOI reply table; `.attrs["excluded"]` lists the excluded cells.

    `period` (with `period_start`/`period_end` where the wording is not a date) is for tables that carry
    no periods of their own (a two-column "question | answer" table). Raises a `FoiReadError` subclass.
    """
    return read(path, force=force, sheet=sheet, source_id=source_id, period=period, period_start=period_start,
                period_end=period_end).table


# --- adding a reply to the project ---------------------------------------------------------------
_ID_DROP = {"and", "of", "the", "police", "constabulary", "service"}


def publisher_slug(force: str) -> str:
    """'Avon and Somerset Constabulary' -> 'avonsomerset' (the publisher part of a source id)."""
    words = re.findall(r"[a-z0-9]+", forces.canonical_force(force).lower())
    kept = [w for w in words if w not in _ID_DROP] or words
    return "".join(kept)


def period_slug(table: pd.DataFrame) -> str:
    """The period part of a source id from the periods read: '2018-2020', '2019', or '2013-14' for one FY."""
    starts = sorted(set(table["period_start"]))
    ends = sorted(set(table["period_end"]))
    first, last = starts[0][:4], ends[-1][:4]
    if len(starts) == 1 and len(ends) == 1 and starts[0][5:] == "04-01" and ends[0][5:] == "03-31" \
            and int(last) == int(first) + 1:
        return f"{first}-{last[2:]}"
    return first if first == last else f"{first}-{last}"


def source_id_for(table: pd.DataFrame, *, force: str, topic: str, published: str, ref: str | None = None) -> str:
    """`<publisher>_<topic>_<period>_<published YYYY-MM>[_<ref>]` per docs/raw_data_format.md."""
    parts = [publisher_slug(force), topic.replace("_", ""), period_slug(table), str(published)[:7]]
    if ref:
        parts.append(re.sub(r"[^a-z0-9.]+", "-", ref.lower()).strip("-"))
    return "_".join(parts)


class AddSourceError(FoiReadError):
    """add-foi refused: bad arguments, or the source id exists already."""


def add_reply(path, *, force: str, title: str, url: str, published: str, measure: str = "cases_investigated",
              population: str = "officers", topic: str = "social_media", publisher: str | None = None,
              sheet: str | None = None, period: str | None = None, period_start: str | None = None,
              period_end: str | None = None, ref: str | None = None, rebuild: bool = True) -> str:
    """Add one FOI reply table as a new source: read it first, then copy, register and rebuild.

    Nothing is written unless the table reads and cleans without error; if the rebuild fails, the new
    folder and the sources.yml entry are removed again. Returns the new source id.
    """
    import shutil

    import yaml

    from . import paths, populations, schemas, sources
    from .cleaning import foi_tables
    from .cleaning.figures import measure_codes

    path = Path(path)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published or ""):
        raise AddSourceError(f"{path}: --published {published!r}: expected the reply's date as YYYY-MM-DD")
    try:
        dt.date.fromisoformat(published)
    except ValueError as exc:
        raise AddSourceError(f"{path}: --published {published!r}: {exc}") from None
    if not re.match(r"^https?://\S+$", url or ""):
        raise AddSourceError(f"{path}: --url {url!r}: expected the reply's web address (http:// or https://)")
    if not (title or "").strip():
        raise AddSourceError(f"{path}: --title is empty: expected the reply's title as published")
    if topic not in ("social_media", "all_misconduct"):
        raise AddSourceError(f"{path}: --topic {topic!r}: expected social_media or all_misconduct")
    if measure not in measure_codes():
        raise AddSourceError(f"{path}: --measure {measure!r} is not a code in src/analysis/recode/measures.csv")
    try:
        populations.categorise_population(population)
    except ValueError as exc:
        raise AddSourceError(f"{path}: --population: {exc}") from None

    # 1. Read (and clean) first: nothing is written if the table cannot be read.
    read_result = read(path, force=force, sheet=sheet, period=period, period_start=period_start,
                       period_end=period_end)
    source_id = source_id_for(read_result.table, force=force, topic=topic, published=published, ref=ref)
    target_dir = paths.RAW_DIR / source_id
    if target_dir.exists() or any(e["id"] == source_id for e in sources.manifest(paths.SOURCES_YML)):
        raise AddSourceError(f"{path}: source id {source_id} exists already ({target_dir}); raw sources are never "
                             f"overwritten: give --ref to tell two replies apart, or remove the old one by hand")
    stored_name = "reply_table" + path.suffix.lower()
    spec = {"path": stored_name, "force": force, "measure": measure, "population": population}
    for key, value in (("sheet", sheet), ("period", period), ("period_start", period_start),
                       ("period_end", period_end)):
        if value is not None:
            spec[key] = value
    labels = list(dict.fromkeys(read_result.table["period_label"]))
    entry = {
        "id": source_id, "title": title, "publisher": publisher or forces.canonical_force(force), "url": url,
        "published": published,
        "obtained": f"FOI reply table received as {path.name}, stored unchanged as {stored_name}; added with "
                    f"`python -m analysis add-foi` and read by analysis.foi.read_foi_table",
        "licence": "FOI disclosure by a public authority; figures are facts",
        "topic": topic,
        "covers": {"geography": forces.canonical_force(force), "population": population,
                   "period": "; ".join(labels), "definition": f"{measure} as the reply counts it"},
        "caveats": ["Added with add-foi: check the reply's own wording and caveats and add them here."],
        "files": [{"path": stored_name, "sha256": sources.sha256(path)}],
        "foi_table": spec,
    }
    clean = foi_tables.clean(read_result, entry, spec)
    schemas.OBSERVATIONS.validate(clean)

    # 2. Copy, register, rebuild; undo both if the rebuild fails.
    manifest_text = paths.SOURCES_YML.read_text(encoding="utf-8")
    target_dir.mkdir(parents=True)
    try:
        shutil.copyfile(path, target_dir / stored_name)
        if sources.sha256(target_dir / stored_name) != entry["files"][0]["sha256"]:
            raise AddSourceError(f"{path}: the copy in {target_dir} differs from the original")
        block = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=110)
        separator = "" if manifest_text.endswith("\n") else "\n"
        paths.SOURCES_YML.write_text(manifest_text + separator + block, encoding="utf-8")
        sources._read_manifest.cache_clear()
        if rebuild:
            from .build import build
            build(out_dir=paths.PROCESSED_DIR)
    except BaseException:
        shutil.rmtree(target_dir, ignore_errors=True)
        paths.SOURCES_YML.write_text(manifest_text, encoding="utf-8")
        sources._read_manifest.cache_clear()
        raise
    return source_id


# --- record-level tables (one row per case) ------------------------------------------------------
RECORD_COLUMNS = ["record", "column", "text", "source_locator", "file"]


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
    first_col, rows, by_row = _rows(grid)
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


# --- the real replies, re-read -------------------------------------------------------------------
REREAD_COLUMNS = ["source_id", "file", "locator", "category", "period_label", "raw_value", "value_read",
                  "qualifier", "value_published", "published_line", "agrees"]


def reread_real_replies() -> pd.DataFrame:
    """Every real FOI reply transcribed as a spreadsheet (sources.yml `foi_table` with role: check), re-read.

    One row per cell. Count tables: `value_read`/`qualifier` as read_foi_table reads the cell, and
    `value_published` from the figures.csv line that `compare:` names for that cell (read through the
    figures cleaner); `agrees` when value, qualifier and period match, or, for a cell with no published
    figure, when it reads as missing (a blank stays a gap). Record tables: `raw_value` is the cell text and
    `agrees` when that text appears verbatim in the source's capture.txt.
    """
    from . import sources
    from .cleaning import figures as figures_cleaner
    from .cleaning import foi_tables
    from . import paths

    out = []
    for entry in sources.manifest():
        for spec in foi_tables.table_specs(entry):
            if spec.get("role") != "check":
                continue
            result = foi_tables.load_raw(entry, spec)
            folder = paths.RAW_DIR / entry["id"]
            if spec.get("layout") == "records":
                capture = (folder / "capture.txt").read_text(encoding="utf-8")
                for rec in result.table.to_dict("records"):
                    out.append({"source_id": entry["id"], "file": spec["path"], "locator": rec["source_locator"],
                                "category": rec["column"], "period_label": "", "raw_value": rec["text"],
                                "value_read": float("nan"), "qualifier": "text",
                                "value_published": rec["text"] if rec["text"] in capture else "",
                                "published_line": "capture.txt", "agrees": rec["text"] in capture})
                continue
            figures = figures_cleaner.clean(figures_cleaner.load_raw(folder / "figures.csv"), entry)
            compare = {str(k): int(v) for k, v in (spec.get("compare") or {}).items()}
            for rec in result.table.to_dict("records"):
                line = compare.get(rec["source_locator"])
                published, agrees = float("nan"), rec["qualifier"] == "missing"
                if line is not None:
                    fig = figures.iloc[line - 2]
                    published = fig["value"]
                    same_value = (pd.isna(published) and pd.isna(rec["value"])) or published == rec["value"]
                    same_period = (fig["period_start"], fig["period_end"]) == (rec["period_start"], rec["period_end"])
                    agrees = bool(same_value and fig["qualifier"] == rec["qualifier"] and same_period)
                out.append({"source_id": entry["id"], "file": spec["path"], "locator": rec["source_locator"],
                            "category": rec["category"], "period_label": rec["period_label"],
                            "raw_value": rec["raw_value"], "value_read": rec["value"],
                            "qualifier": rec["qualifier"], "value_published": published,
                            "published_line": f"figures.csv line {line}" if line else "",
                            "agrees": agrees})
    return pd.DataFrame(out, columns=REREAD_COLUMNS)
