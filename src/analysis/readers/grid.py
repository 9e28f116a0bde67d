"""The one guarded place that turns a csv/xlsx/ods/xls file into a grid of non-empty cells.

`read_grid(path, sheet=None)` returns every non-empty cell of one sheet (or of a CSV file) with its locator
(`Sheet1!C7`, or `line 4, column 3` for CSV) and how the spreadsheet shows it (`Cell.shown`).

Spreadsheets are untrusted input. Before anything is parsed:
- the file must be at most `Limits.max_bytes` and its content must be what its extension says;
- for .xlsx/.ods (zip archives) every part is checked against `Limits.max_part_bytes` once uncompressed, and
  all parts together against `Limits.max_unpacked_bytes`, from the sizes the archive declares. Python's zipfile
  never inflates a part beyond its declared size (a part that claims less than it holds fails its CRC check),
  so a compression bomb is refused before a byte of it is inflated;
- a workbook protected by a password is refused as such.
While reading: XML is parsed through defusedxml (openpyxl uses it when installed; .ods is streamed through
defusedxml's iterparse), formulas are never evaluated (any formula cell is refused), and reading stops at
`Limits.max_rows`: content beyond it is refused, and so is a sheet whose rows go on more than
`ROWS_PAST_CAP` rows past it, even when those rows are empty but styled, without reading the rest.

Cell formats are honoured: a date shown as a year ("yyyy") reads as that year, one shown as a month
("mmm-yy", "mmmm yyyy") as that month, and a number formatted as a percentage is marked `shown="percent"`
(the table reader refuses it as a count). The same holds for .ods value types and data styles, and for
.xls formats.

The caps (`Limits()`): files up to 20 MB; each part of an .xlsx/.ods up to 32 MiB once uncompressed and 64 MiB
for all parts together, at most 2,000 parts; tables up to 10,000 rows x 200 columns. An FOI reply is far
smaller. Larger official tables (the Home Office workforce open data table) pass their own `Limits`.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import math
import re
import struct
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import (
    EmptyFileError,
    EncryptedFileError,
    FoiReadError,
    FormulaCellError,
    SheetError,
    TooLargeError,
    UnreadableFileError,
    UnsupportedFileTypeError,
    WrongFileTypeError,
)

# Module-level caps, read at call time (tests patch them here).
MAX_ROWS = 10_000
MAX_COLS = 200
MAX_BYTES = 20 * 1024 * 1024
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_PARTS = 2_000
# Rows (or, in .ods, row elements) read past MAX_ROWS before a sheet that goes on is refused: LibreOffice and
# Excel pad a sheet with a few empty styled rows, which are allowed; a sheet that goes on is not read to its end.
ROWS_PAST_CAP = 16

SUFFIXES = (".xlsx", ".ods", ".csv", ".xls")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Names of the streams an encrypted Office file (an OLE2 container, whatever its extension) holds.
ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


@dataclass(frozen=True)
class Limits:
    """The caps one read applies; `Limits()` takes the module's caps as they are at call time."""

    max_rows: int = None  # type: ignore[assignment]
    max_cols: int = None  # type: ignore[assignment]
    max_bytes: int = None  # type: ignore[assignment]
    max_part_bytes: int = None  # type: ignore[assignment]
    max_unpacked_bytes: int = None  # type: ignore[assignment]
    max_parts: int = None  # type: ignore[assignment]

    def resolved(self) -> "Limits":
        defaults = {"max_rows": MAX_ROWS, "max_cols": MAX_COLS, "max_bytes": MAX_BYTES,
                    "max_part_bytes": MAX_PART_BYTES, "max_unpacked_bytes": MAX_UNPACKED_BYTES,
                    "max_parts": MAX_PARTS}
        return replace(self, **{k: v for k, v in defaults.items() if getattr(self, k) is None})


# --- the grid ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    row: int  # 1-based, as the spreadsheet shows it (CSV: the line the record starts on)
    col: int  # 1-based
    value: object  # str, int, float, bool, date, datetime
    locator: str
    shown: str | None = None  # how the format shows the value: year, month, date, percent; None = as is
    number_format: str = ""  # the spreadsheet's number format or data style, for messages

    @property
    def text(self) -> str:
        return cell_text(self.value, self.shown)


@dataclass
class Grid:
    file: str
    sheet: str | None
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    encoding: str | None = None  # CSV only


def cell_text(value: object, shown: str | None = None) -> str:
    """A cell as shown: whole numbers without '.0', dates as ISO (or the year or month the format shows),
    percentages as '12%', text unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, dt.datetime)):
        if shown == "year":
            return str(value.year)
        if shown == "month":
            return f"{calendar.month_name[value.month]} {value.year}"
        if shown == "month_only":
            return calendar.month_name[value.month]
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
        return value.isoformat()
    if shown == "percent" and isinstance(value, (int, float)):
        return f"{value * 100:g}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_locator(sheet: str, row: int, col: int) -> str:
    name = f"'{sheet}'" if re.search(r"[^A-Za-z0-9_]", sheet) else sheet
    return f"{name}!{column_letter(col)}{row}"


def grid_locator(grid: Grid, row: int, col: int) -> str:
    """The locator of any position of a grid, empty or not."""
    if grid.sheet is None:
        return f"line {row}, column {col}"
    return sheet_locator(grid.sheet, row, col)


# --- formats -------------------------------------------------------------------------------------
def shown_as(number_format: str | None, value: object) -> str | None:
    """What a number format shows of a value: 'year', 'month', 'month_only', 'date', 'percent' or None."""
    fmt = _format_tokens(number_format or "")
    if isinstance(value, (dt.date, dt.datetime)):
        if not fmt or fmt == "general":
            return None
        has = {ch: ch in fmt for ch in "ymdhs"}
        if has["h"] or has["s"]:
            return None  # a time of day: shown in full
        if has["d"]:
            return "date"
        if has["m"] and has["y"]:
            return "month"
        if has["y"]:
            return "year"
        if has["m"]:
            return "month_only"
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in fmt:
        return "percent"
    return None


def _format_tokens(number_format: str) -> str:
    """The format code without quoted literals, escaped characters, [colour]/[$-locale] parts and the
    sections after the first (Excel: positive;negative;zero;text), lower-cased."""
    first = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', number_format, maxsplit=1)[0]
    first = re.sub(r'"[^"]*"', "", first)
    first = re.sub(r"\\.", "", first)
    first = re.sub(r"\[[^\]]*\]", "", first)
    return first.strip().lower()


# --- the entry point -----------------------------------------------------------------------------
def read_grid(path, *, sheet: str | None = None, limits: Limits | None = None) -> Grid:
    """Every non-empty cell of one sheet (or of a CSV file) with its locator; refuses formulas."""
    limits = (limits or Limits()).resolved()
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise UnreadableFileError(f"{file}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{file}: the file is empty (0 bytes); expected an FOI reply table")
    if size > limits.max_bytes:
        raise TooLargeError(f"{file}: {size:,} bytes is above the reader's limit of {limits.max_bytes:,} bytes; "
                            f"save the table alone in a new file")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnreadableFileError(f"{file}: cannot be opened ({exc.strerror or exc}); check the file's "
                                  f"permissions") from None
    _check_magic(path, file, head)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        grid = _read_csv(path, file, limits)
    elif suffix == ".xlsx":
        grid = _read_xlsx(path, file, sheet, limits)
    elif suffix == ".ods":
        grid = _read_ods(path, file, sheet, limits)
    else:
        grid = _read_xls(path, file, sheet, limits)
    if not grid.cells:
        where = f" (sheet {grid.sheet!r})" if grid.sheet else ""
        raise EmptyFileError(f"{file}{where}: no cell has content; expected an FOI reply table")
    return grid


def sheet_names(path, *, limits: Limits | None = None) -> list[str]:
    """The names of a workbook's sheets, in order ([] for CSV), with the same checks as read_grid."""
    limits = (limits or Limits()).resolved()
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise UnreadableFileError(f"{file}: no such file")
    with path.open("rb") as fh:
        head = fh.read(8)
    _check_magic(path, file, head)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return []
    if suffix == ".xls":
        import xlrd
        try:
            book = xlrd.open_workbook(str(path), on_demand=True)
        except Exception as exc:
            raise UnreadableFileError(f"{file}: not a readable .xls workbook ({type(exc).__name__}: {exc})") from None
        try:
            return book.sheet_names()
        finally:
            book.release_resources()
    kind = ".xlsx workbook" if suffix == ".xlsx" else ".ods spreadsheet"
    _check_zip(path, file, kind, limits)
    try:
        if suffix == ".xlsx":
            reader, sheets = _open_xlsx(path, file)
            reader.archive.close()
            return [name for name, _part, kind in sheets if "chartsheet" not in kind]
        from defusedxml.ElementTree import iterparse
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
            return [elem.get(_q("table", "name")) for event, elem in iterparse(fh, events=("start",))
                    if elem.tag == _T_TABLE]
    except Exception as exc:
        raise UnreadableFileError(f"{file}: not a readable {kind} ({type(exc).__name__}: {exc})") from None


def _encrypted(path: Path) -> bool:
    data = path.read_bytes()
    return any(name in data for name in ENCRYPTED_STREAMS)


def _encrypted_error(file: str) -> EncryptedFileError:
    return EncryptedFileError(f"{file}: the workbook is protected by a password (encrypted), so its cells cannot "
                              f"be read; open it, remove the password (File > Info > Protect Workbook > Encrypt "
                              f"with Password, or Save As without one) and save it again")


def _check_magic(path: Path, file: str, head: bytes) -> None:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".ods"):
        if not head.startswith(ZIP_MAGIC):
            if head.startswith(OLE2_MAGIC) and _encrypted(path):
                raise _encrypted_error(file)
            found = "an old-style .xls (OLE2) workbook" if head.startswith(OLE2_MAGIC) else "not a zip archive"
            raise WrongFileTypeError(f"{file}: the extension says {suffix} (a zip archive) but the content is "
                                     f"{found}; save it again in the format its name says, or rename it")
    elif suffix == ".xls":
        if not head.startswith(OLE2_MAGIC):
            found = "a zip archive (probably .xlsx or .ods)" if head.startswith(ZIP_MAGIC) else "not an OLE2 file"
            raise WrongFileTypeError(f"{file}: the extension says .xls (an OLE2 workbook) but the content is "
                                     f"{found}; rename it to what it is or save it again")
        if _encrypted(path):
            raise _encrypted_error(file)
    elif suffix == ".csv":
        if head.startswith(ZIP_MAGIC) or head.startswith(OLE2_MAGIC):
            raise WrongFileTypeError(f"{file}: the extension says .csv (text) but the content is a "
                                     f"spreadsheet workbook; rename it to .xlsx/.ods/.xls or export it as CSV")
    else:
        raise UnsupportedFileTypeError(f"{file}: extension {path.suffix!r} is not supported; expected one of "
                                       f"{', '.join(SUFFIXES)}")


def _check_zip(path: Path, file: str, kind: str, limits: Limits) -> list[str]:
    """Refuse an archive whose parts would unpack beyond the caps, before any part is inflated.

    Returns the names of the parts."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFileError(f"{file}: not a readable {kind} (damaged zip archive: {exc}); save it again "
                                  f"from the spreadsheet program") from None
    if len(infos) > limits.max_parts:
        raise TooLargeError(f"{file}: the archive holds {len(infos):,} parts, above the reader's limit of "
                            f"{limits.max_parts:,}; save the table alone in a new file")
    total = 0
    for info in infos:
        if info.file_size > limits.max_part_bytes:
            raise TooLargeError(
                f"{file}: part {info.filename} would unpack to {info.file_size:,} bytes (from "
                f"{info.compress_size:,} packed), above the reader's limit of {limits.max_part_bytes:,} bytes per "
                f"part; it was not unpacked. An FOI reply table is far smaller: save the table alone in a new file")
        total += info.file_size
    if total > limits.max_unpacked_bytes:
        raise TooLargeError(f"{file}: its parts would unpack to {total:,} bytes together, above the reader's "
                            f"limit of {limits.max_unpacked_bytes:,} bytes; nothing was unpacked. Save the table "
                            f"alone in a new file")
    return [info.filename for info in infos]


def _add(grid: Grid, row: int, col: int, value: object, locator: str, limits: Limits,
         shown: str | None = None, number_format: str = "") -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    if isinstance(value, float) and math.isnan(value):
        return
    if row > limits.max_rows or col > limits.max_cols:
        raise _too_large(grid.file, locator, row, col, limits)
    grid.cells[(row, col)] = Cell(row, col, value, locator, shown, number_format or "")


def _too_large(file: str, locator: str, row: int, col: int, limits: Limits) -> TooLargeError:
    return TooLargeError(
        f"{file}: cell {locator} lies beyond the reader's limit of {limits.max_rows:,} rows x {limits.max_cols} "
        f"columns (row {row}, column {col}); an FOI reply table is far smaller: save the table alone in a new file")


def _goes_on(file: str, where: str, limits: Limits) -> TooLargeError:
    return TooLargeError(
        f"{file}: {where} goes on past row {limits.max_rows:,} (the reader's limit), even if those rows look empty "
        f"(they are stored in the file, styled); reading stopped there. Delete the rows below the table, or save "
        f"the table alone in a new file")


def _formula(file: str, locator: str, text: str) -> FormulaCellError:
    return FormulaCellError(
        f"{file}: cell {locator} holds the formula {text!r}; formulas are never evaluated. Expected a value "
        f"as published: paste the values only (Paste Special > Values) and save again")


def _choose_sheet(file: str, names: list[str], has_content: dict[str, bool], sheet: str | None) -> str:
    if not names:
        raise UnreadableFileError(f"{file}: the workbook lists no sheet; save it again from the spreadsheet "
                                  f"program with the table on a sheet")
    if sheet is not None:
        if sheet not in names:
            raise SheetError(f"{file}: no sheet named {sheet!r}; the sheets are {names}")
        return sheet
    used = [n for n in names if has_content.get(n, True)]
    if len(used) > 1:
        raise SheetError(f"{file}: {len(used)} sheets have content ({used}); say which one holds the table "
                         f"(sheet=... or --sheet)")
    return used[0] if used else names[0]


# --- CSV -----------------------------------------------------------------------------------------
def _read_csv(path: Path, file: str, limits: Limits) -> Grid:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(f"{file}: the text is UTF-16; expected UTF-8 (with or without BOM) or "
                                  f"Windows-1252: save it as 'CSV UTF-8'")
    if b"\x00" in data:
        raise WrongFileTypeError(f"{file}: the extension says .csv but the content is binary (NUL bytes); "
                                 f"expected comma-separated text")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text, encoding = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(f"{file}: byte {data[3 + exc.start]:#04x} at offset {3 + exc.start} is not "
                                      f"UTF-8 although the file starts with a UTF-8 mark; save it as 'CSV UTF-8'") \
                from None
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
    grid = Grid(file, None, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start, past_cap = 1, 0
    try:
        for record in reader:
            if start > limits.max_rows:
                past_cap += 1
                if past_cap > ROWS_PAST_CAP:
                    raise _goes_on(file, "the file", limits)
            for col, value in enumerate(record, start=1):
                locator = f"line {start}, column {col}"
                if value.strip().startswith("="):
                    raise _formula(file, locator, value)
                _add(grid, start, col, value, locator, limits)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnreadableFileError(f"{file}: line {reader.line_num}: not valid CSV ({exc}); expected "
                                  f"comma-separated text with cells quoted by double quotes") from None
    return grid


# --- xlsx ----------------------------------------------------------------------------------------
def _open_xlsx(path: Path, file: str):
    """The workbook's strings, styles and sheet list, without touching a sheet.

    openpyxl's load_workbook(read_only=True) scans every sheet to its end when the sheet has no <dimension>
    element (ReadOnlyWorksheet._get_size); its ExcelReader steps are run here without that scan, and the sheets
    are read by WorkSheetParser, which stops where this module says."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(path, read_only=True, data_only=False, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [(sheet.name, rel.target.lstrip("/"), rel.Type) for sheet, rel in reader.parser.find_sheets()]
    except BaseException:
        reader.archive.close()
        raise
    return reader, sheets


def _read_xlsx(path: Path, file: str, sheet: str | None, limits: Limits) -> Grid:
    from types import SimpleNamespace

    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    parts = set(_check_zip(path, file, ".xlsx workbook", limits))
    try:
        reader, sheets = _open_xlsx(path, file)
    except Exception as exc:  # zip, XML and defusedxml refusals, missing parts: all a damaged workbook
        raise UnreadableFileError(f"{file}: not a readable .xlsx workbook ({type(exc).__name__}: {exc}); open it "
                                  f"in a spreadsheet program and save it again as .xlsx") from None
    wb = reader.wb
    styles_of = SimpleNamespace(parent=wb)  # what ReadOnlyCell needs to find a cell's number format
    try:
        sheets = [(name, part) for name, part, kind in sheets if "chartsheet" not in kind]
        names = [name for name, _ in sheets]

        def sheet_grid(name: str) -> Grid:
            part = dict(sheets)[name]
            if part not in parts:
                raise UnreadableFileError(f"{file}: sheet {name!r} is listed in the workbook but its part {part} is "
                                          f"missing from the file; open it in a spreadsheet program and save it again")
            grid = Grid(file, name)
            past_cap = 0
            try:
                with reader.archive.open(part) as src:
                    parser = WorkSheetParser(src, reader.shared_strings, data_only=False, epoch=wb.epoch,
                                             date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
                    for index, row_cells in parser.parse():
                        if index > limits.max_rows:
                            past_cap += 1
                            if past_cap > ROWS_PAST_CAP:
                                raise _goes_on(file, f"sheet {name!r}", limits)
                        for raw in row_cells:
                            value = raw["value"]
                            if value is None:
                                continue
                            locator = sheet_locator(name, raw["row"], raw["column"])
                            if raw["data_type"] == "f" or type(value).__name__ in ("ArrayFormula",
                                                                                    "DataTableFormula"):
                                raise _formula(file, locator, str(getattr(value, "text", value)))
                            fmt = ReadOnlyCell(styles_of, **raw).number_format
                            _add(grid, raw["row"], raw["column"], value, locator, limits, shown_as(fmt, value), fmt)
            except FoiReadError:
                raise
            except Exception as exc:
                raise UnreadableFileError(f"{file}: sheet {name!r} could not be read ({type(exc).__name__}: "
                                          f"{exc}); open it in a spreadsheet program and save it again") from None
            return grid

        if sheet is None and len(names) > 1:
            grids = {name: sheet_grid(name) for name in names}
            chosen = _choose_sheet(file, names, {n: bool(g.cells) for n, g in grids.items()}, None)
            return grids[chosen]
        return sheet_grid(_choose_sheet(file, names, {}, sheet))
    finally:
        reader.archive.close()


# --- ods -----------------------------------------------------------------------------------------
_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


_T_TABLE, _T_ROW, _T_CELL, _T_COVERED = (_q("table", n) for n in ("table", "table-row", "table-cell",
                                                                   "covered-table-cell"))
_T_COLUMN = _q("table", "table-column")
_S_STYLE = _q("style", "style")
_DATA_STYLES = {_q("number", n): n for n in ("date-style", "percentage-style", "number-style", "time-style",
                                              "currency-style", "boolean-style", "text-style")}
_DATE_PARTS = {_q("number", n): n for n in ("day", "month", "year", "hours", "minutes", "seconds", "day-of-week")}


class _OdsStyles:
    """Cell style -> data style -> what a date in it shows (year, month, date) or 'percent'."""

    def __init__(self):
        self.cell_data_style: dict[str, str] = {}
        self.data_style_shows: dict[str, str | None] = {}
        self.data_style_code: dict[str, str] = {}

    def feed(self, elem) -> None:
        """Record a finished style:style or number:*-style element."""
        if elem.tag == _S_STYLE:
            name, data = elem.get(_q("style", "name")), elem.get(_q("style", "data-style-name"))
            if name and data:
                self.cell_data_style[name] = data
        elif elem.tag in _DATA_STYLES:
            name = elem.get(_q("style", "name"))
            kind = _DATA_STYLES[elem.tag]
            parts = {_DATE_PARTS[child.tag] for child in elem.iter() if child.tag in _DATE_PARTS}
            if kind == "percentage-style":
                shows = "percent"
            elif kind == "date-style":
                if parts & {"hours", "minutes", "seconds"}:
                    shows = None
                elif "day" in parts:
                    shows = "date"
                elif {"month", "year"} <= parts:
                    shows = "month"
                elif "year" in parts:
                    shows = "year"
                elif "month" in parts:
                    shows = "month_only"
                else:
                    shows = None
            else:
                shows = None
            self.data_style_shows[name] = shows
            self.data_style_code[name] = f"{kind} {'/'.join(sorted(parts))}".strip()

    def shown(self, cell_style: str | None, value_type: str | None) -> tuple[str | None, str]:
        data = self.cell_data_style.get(cell_style or "")
        code = self.data_style_code.get(data or "", "")
        if value_type == "percentage":
            return "percent", code or "percentage"
        if value_type == "date":
            return self.data_style_shows.get(data or ""), code
        if value_type in ("float", "currency") and self.data_style_shows.get(data or "") == "percent":
            return "percent", code
        return None, code


def _ods_text(cell) -> str | None:
    """The text of a cell's paragraphs, as LibreOffice shows it (text:s spaces, tabs, line breaks)."""
    paragraphs = []
    for p in cell:
        if p.tag != _q("text", "p"):
            continue
        paragraphs.append("".join(_ods_inline(p)))
    return "\n".join(paragraphs) if paragraphs else None


def _ods_inline(elem):
    if elem.text:
        yield elem.text
    for child in elem:
        if child.tag == _q("text", "s"):
            yield " " * int(child.get(_q("text", "c"), "1"))
        elif child.tag == _q("text", "tab"):
            yield "\t"
        elif child.tag == _q("text", "line-break"):
            yield "\n"
        else:
            yield from _ods_inline(child)
        if child.tail:
            yield child.tail


def _ods_value(cell, file: str, locator: str) -> object:
    kind = cell.get(_q("office", "value-type"))
    try:
        if kind in ("float", "percentage", "currency"):
            number = float(cell.get(_q("office", "value")))
            return int(number) if number.is_integer() and kind == "float" else number
        if kind == "date":
            raw = cell.get(_q("office", "date-value"))
            return dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
        if kind == "boolean":
            return cell.get(_q("office", "boolean-value")) == "true"
    except (TypeError, ValueError):
        raise UnreadableFileError(f"{file}: cell {locator} has value type {kind!r} but no readable value; open it "
                                  f"in a spreadsheet program and save it again") from None
    return _ods_text(cell)


def _read_ods(path: Path, file: str, sheet: str | None, limits: Limits) -> Grid:
    from defusedxml.ElementTree import iterparse

    parts = set(_check_zip(path, file, ".ods spreadsheet", limits))
    styles = _OdsStyles()
    grids: dict[str, Grid] = {}
    order: list[str] = []
    try:
        with zipfile.ZipFile(path) as zf:
            if "META-INF/manifest.xml" in parts and b"encryption-data" in zf.read("META-INF/manifest.xml"):
                raise _encrypted_error(file)
            if "content.xml" not in parts:
                raise UnreadableFileError(f"{file}: the spreadsheet has no content part (content.xml); open it in "
                                          f"a spreadsheet program and save it again as .ods")
            if "styles.xml" in parts:
                with zf.open("styles.xml") as fh:
                    for _event, elem in iterparse(fh, events=("end",)):
                        styles.feed(elem)
            with zf.open("content.xml") as fh:
                _stream_ods_tables(iterparse(fh, events=("start", "end")), file, sheet, limits, styles, grids, order)
    except FoiReadError:
        raise
    except Exception as exc:  # zip CRC errors, XML errors, defusedxml refusals
        raise UnreadableFileError(f"{file}: not a readable .ods spreadsheet ({type(exc).__name__}: {exc}); open it "
                                  f"in a spreadsheet program and save it again as .ods") from None
    if not order:
        raise EmptyFileError(f"{file}: the spreadsheet has no sheet")
    name = _choose_sheet(file, order, {n: bool(grids[n].cells) for n in order}, sheet)
    return grids[name]


def _stream_ods_tables(events, file, sheet, limits, styles, grids, order) -> None:
    """Fill one grid per table (only the named one if `sheet` is given), stopping each at the row cap."""
    table = grid = None
    row_index = past_cap = 0
    row_style = None
    columns: list[tuple[int, str | None]] = []
    skipping = False
    for event, elem in events:
        tag = elem.tag
        if event == "start":
            if tag == _T_TABLE:
                table = elem.get(_q("table", "name"))
                order.append(table)
                skipping = sheet is not None and table != sheet
                grid = Grid(file, table)
                grids[table] = grid
                row_index = past_cap = 0
                columns = []
            elif tag == _T_ROW and table is not None and not skipping:
                row_style = elem.get(_q("table", "default-cell-style-name"))
            continue
        # end events
        if table is None:
            if tag == _S_STYLE or tag in _DATA_STYLES:
                styles.feed(elem)
            continue
        if tag == _T_TABLE:
            table = grid = None
            elem.clear()
        elif skipping:
            if tag == _T_ROW:
                elem.clear()
        elif tag == _T_COLUMN:
            repeat = int(elem.get(_q("table", "number-columns-repeated"), "1"))
            columns.append((repeat, elem.get(_q("table", "default-cell-style-name"))))
        elif tag == _T_ROW:
            rows_repeat = int(elem.get(_q("table", "number-rows-repeated"), "1"))
            if row_index >= limits.max_rows:
                past_cap += 1
                if past_cap > ROWS_PAST_CAP:
                    raise _goes_on(file, f"sheet {table!r}", limits)
            _ods_row(elem, grid, row_index, rows_repeat, row_style, columns, styles, file, table, limits)
            row_index += rows_repeat
            elem.clear()


def _column_style(columns: list[tuple[int, str | None]], col: int) -> str | None:
    position = 0
    for repeat, style in columns:
        position += repeat
        if col <= position:
            return style
    return None


def _ods_row(row, grid, row_index, rows_repeat, row_style, columns, styles, file, table, limits) -> None:
    col_index = 0
    row_cells = []
    for cell in row:
        if cell.tag not in (_T_CELL, _T_COVERED):
            continue
        repeat = int(cell.get(_q("table", "number-columns-repeated"), "1"))
        locator = sheet_locator(table, row_index + 1, col_index + 1)
        formula = cell.get(_q("table", "formula"))
        if formula is not None:
            raise _formula(file, locator, formula)
        value = _ods_value(cell, file, locator) if cell.tag == _T_CELL else None
        if value is not None and not (isinstance(value, str) and not value.strip()):
            if col_index + repeat > limits.max_cols or row_index + rows_repeat > limits.max_rows:
                raise _too_large(file, locator, row_index + rows_repeat, col_index + repeat, limits)
            style = cell.get(_q("table", "style-name")) or row_style or _column_style(columns, col_index + 1)
            shown, code = styles.shown(style, cell.get(_q("office", "value-type")))
            for k in range(repeat):
                row_cells.append((col_index + k + 1, value, shown, code))
        col_index += repeat
    for r in range(rows_repeat):
        for col, value, shown, code in row_cells:
            _add(grid, row_index + r + 1, col, value, sheet_locator(table, row_index + r + 1, col), limits, shown,
                 code)


# --- xls -----------------------------------------------------------------------------------------
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


def _read_xls(path: Path, file: str, sheet: str | None, limits: Limits) -> Grid:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True, formatting_info=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors for damaged files
        if "encrypted" in str(exc).lower():
            raise _encrypted_error(file) from None
        raise UnreadableFileError(f"{file}: not a readable .xls workbook ({type(exc).__name__}: {exc}); open it "
                                  f"in a spreadsheet program and save it again") from None
    empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
    try:
        names = book.sheet_names()

        def sheet_grid(index: int) -> Grid:
            name = names[index]
            formulas = _xls_formula_cells(book, index)
            if formulas:
                r, c = formulas[0]
                raise _formula(file, sheet_locator(name, r + 1, c + 1), "(a formula in a .xls workbook)")
            sh = book.sheet_by_index(index)
            grid = Grid(file, name)
            for r in range(sh.nrows):
                types = sh.row_types(r)
                if not set(types) - set(empty):
                    continue
                if r >= limits.max_rows:
                    c = next(i for i, t in enumerate(types) if t not in empty)
                    raise _too_large(file, sheet_locator(name, r + 1, c + 1), r + 1, c + 1, limits)
                for c, kind in enumerate(types):
                    if kind in empty:
                        continue
                    value = sh.cell_value(r, c)
                    fmt = ""
                    xf = book.xf_list[sh.cell_xf_index(r, c)] if book.xf_list else None
                    if xf is not None and xf.format_key in book.format_map:
                        fmt = book.format_map[xf.format_key].format_str
                    if kind == xlrd.XL_CELL_DATE:
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    elif kind == xlrd.XL_CELL_BOOLEAN:
                        value = bool(value)
                    elif kind == xlrd.XL_CELL_ERROR:
                        value = xlrd.error_text_from_code.get(value, "#ERROR")
                    elif kind == xlrd.XL_CELL_NUMBER and float(value).is_integer() and "%" not in fmt:
                        value = int(value)
                    _add(grid, r + 1, c + 1, value, sheet_locator(name, r + 1, c + 1), limits,
                         shown_as(fmt, value), fmt)
            return grid

        if sheet is None and len(names) > 1:
            grids = {name: sheet_grid(i) for i, name in enumerate(names)}
            chosen = _choose_sheet(file, names, {n: bool(g.cells) for n, g in grids.items()}, None)
            return grids[chosen]
        return sheet_grid(names.index(_choose_sheet(file, names, {}, sheet)))
    except FoiReadError:
        raise
    except Exception as exc:
        raise UnreadableFileError(f"{file}: not a readable .xls workbook ({type(exc).__name__}: {exc}); open it "
                                  f"in a spreadsheet program and save it again") from None
    finally:
        book.release_resources()
