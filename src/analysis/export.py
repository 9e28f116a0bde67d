"""The workbook policy writers asked for: reports/police-social-media-misconduct.xlsx (openpyxl).

Sheets: "About" (what the workbook is, every sheet and the file it copies, every source with its title,
publisher, url, licence and caveats), then one sheet per tidy dataset in data/processed/, then each figure's
data from figures/ (index.csv and <name>.csv, whichever exist). Each data sheet is its CSV cell for cell:

- numbers are stored as numbers (the schema's numeric columns; for figure data, columns whose every value is
  a number), with a number format; "inf" (an open upper bound, "more than 50" -> 51..inf) has no Excel
  number and is stored as the text "inf";
- ISO dates (columns whose every value is YYYY-MM-DD) are stored as dates, formatted yyyy-mm-dd; partial
  dates ("2022-01") stay text;
- True/False as booleans; empty cells as empty cells;
- every text cell is stored as text (data type "s", never "f") with Excel's quote prefix where it begins
  with =, +, - or @, so no cell can run as a formula (formula injection), whatever a source wrote;
- header row bold and frozen, an autofilter, column widths fitted to the content (capped).

The bytes are deterministic: fixed document dates (the latest source publication date) and fixed zip
entry times, so rebuilding with unchanged data gives an identical file.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from . import sources, tables
from . import paths

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FORMULA_START = tables.FORMULA_START
MAX_WIDTH = 60
DATASET_ORDER = ("observations", "force_rates", "cases", "workforce", "forces", "build_log")
DATASET_WORDS = {
    "observations": "every published figure: one row per figure as one outlet published it, with source, "
                    "period, who was counted, qualifier, outlet, url and verbatim snippet",
    "force_rates": "rates per 1,000 workers by study, force and denominator, with exact 95% intervals and "
                   "funnel positions",
    "cases": "case examples (IOPC and news), with platform, behaviour and outcome; no names",
    "workforce": "Home Office workforce headcounts and FTE by force, date and worker type (the denominators)",
    "forces": "the 44 forces of the registry (43 territorial forces and British Transport Police), ONS codes",
    "build_log": "every build step with rows before and after",
}
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f"~{n}"
        candidate, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan",)


def column_kinds(frame: pd.DataFrame, numeric=(), boolean=()) -> dict[str, str]:
    """number | date | bool | text for each column of a text frame (as tables.read_csv gives with no numeric
    columns). `numeric`/`boolean` force a kind (the schema's); otherwise a column is a number when every
    non-empty value is one, a date when every non-empty value is an ISO date."""
    kinds = {}
    for column in frame.columns:
        values = [v for v in frame[column] if v != ""]
        if column in numeric:
            kinds[column] = "number"
        elif column in boolean:
            kinds[column] = "bool"
        elif values and all(ISO_DATE.match(v) for v in values):
            kinds[column] = "date"
        elif values and all(_is_number(v) for v in values):
            kinds[column] = "number"
        else:
            kinds[column] = "text"
    return kinds


def _schema_kinds(name: str) -> tuple[list[str], list[str]]:
    from . import schemas
    schema = getattr(schemas, name.upper(), None)
    if schema is None:
        return [], []
    types = {c: str(col.dtype) for c, col in schema.columns.items()}
    return ([c for c, t in types.items() if t in ("float64", "int64")], [c for c, t in types.items() if t == "bool"])


def cell_value(text: str, kind: str):
    """The Python value written to the cell for one CSV cell of a column of `kind`."""
    if text == "":
        return None
    if kind == "number":
        value = float(text)
        if value in (float("inf"), float("-inf")):
            return text  # Excel has no infinity: kept as the text "inf"
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "bool":
        return {"True": True, "False": False}[text]
    return text


def _number_format(values) -> str:
    numbers = [v for v in values if isinstance(v, (int, float))]
    return "#,##0" if all(isinstance(v, int) for v in numbers) else "#,##0.0###"


def write_sheet(ws, frame: pd.DataFrame, kinds: dict[str, str]) -> None:
    """Header row plus one row per frame row, typed by `kinds`; text can never become a formula."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE4EE")
    for j, column in enumerate(frame.columns, start=1):
        cell = ws.cell(row=1, column=j)
        set_text(cell, str(column))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for j, column in enumerate(frame.columns, start=1):
        kind = kinds[column]
        raw = frame[column].tolist()
        values = [cell_value(v, kind) for v in raw]
        fmt = {"number": _number_format(values), "date": "yyyy-mm-dd"}.get(kind)
        width = max([len(str(column))] + [len(str(v)) for v in raw])
        for i, value in enumerate(values, start=2):
            cell = ws.cell(row=i, column=j)
            if isinstance(value, str):
                set_text(cell, value)
            elif value is not None:
                cell.value = value
                if fmt:
                    cell.number_format = fmt
        ws.column_dimensions[get_column_letter(j)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"


def set_text(cell, text: str) -> None:
    """Store `text` as a string cell: openpyxl would turn "=..." into a formula, so the type is set after the
    value, and text that a spreadsheet would read as a formula gets the quote prefix (shown as typed)."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def _datasets() -> list[tuple[str, Path]]:
    on_disk = {p.stem: p for p in paths.PROCESSED_DIR.glob("*.csv")}
    ordered = [n for n in DATASET_ORDER if n in on_disk] + sorted(set(on_disk) - set(DATASET_ORDER))
    return [(n, on_disk[n]) for n in ordered]


def _figure_files() -> list[tuple[str, Path]]:
    files = sorted(paths.FIGURES_DIR.glob("*.csv"))
    index = [p for p in files if p.stem == "index"]
    return [("figures_index", p) for p in index] + [(f"fig_{p.stem}", p) for p in files if p.stem != "index"]


def _fixed_date() -> dt.datetime:
    """The latest full publication date among the sources: a document date that changes only with the data."""
    dates = [str(e.get("published") or "") for e in sources.manifest()]
    full = sorted(d for d in dates if ISO_DATE.match(d))
    return dt.datetime.fromisoformat(full[-1]) if full else dt.datetime(2000, 1, 1)


def sheets() -> list[tuple[str, str, Path, dict]]:
    """(sheet name, description, csv path, column kinds) of every data sheet, in workbook order."""
    used = {"about"}
    out = []
    for name, path in _datasets():
        numeric, boolean = _schema_kinds(name)
        frame = tables.read_csv(path)
        out.append((_sheet_name(name, used), DATASET_WORDS.get(name, f"data/processed/{name}.csv"), path,
                    column_kinds(frame, numeric, boolean)))
    for name, path in _figure_files():
        frame = tables.read_csv(path)
        words = "the figures: file, title, alt text, notebook, sources" if path.stem == "index" else \
            f"the data drawn in figures/{path.stem} (one row per mark)"
        out.append((_sheet_name(name, used), words, path, column_kinds(frame)))
    return out


def _about(ws, plan) -> None:
    from openpyxl.styles import Alignment, Font

    rows = [
        ["Police misconduct on social media in England and Wales: published figures"],
        ["Every published figure on police officers and staff in England and Wales investigated over social media, "
         "cleaned, comparable and citable; each traced to its source and a verbatim snippet."],
        ["Each data sheet is a copy, cell for cell, of the CSV file named beside it (data/processed/ or figures/ "
         "of the project). Numbers are numbers, ISO dates are dates; 'inf' in value_high means no upper bound "
         "('more than 50' is 51 to inf). Text is stored as text and never runs as a formula. Blank means not "
         "published: never zero."],
        ["Never compare raw counts across forces of different size: use force_rates (rates per 1,000 with exact "
         "95% intervals). Counts from different studies count different things: read each source's caveats "
         "below."],
        [],
        ["Sheet", "What it holds", "Copied from"],
    ]
    for name, words, path, _ in plan:
        rows.append([name, words, _relative(path)])
    rows += [[], ["Sources"], ["Source id", "Title", "Publisher", "Url", "Published", "Licence", "Topic",
                               "Caveats"]]
    for e in sources.manifest():
        rows.append([e["id"], e["title"], e["publisher"], e["url"], str(e.get("published") or ""),
                     str(e.get("licence") or ""), e["topic"], "\n".join(f"- {c}" for c in e.get("caveats") or [])])
    for i, values in enumerate(rows, start=1):
        for j, value in enumerate(values, start=1):
            set_text(ws.cell(row=i, column=j), value)
    ws["A1"].font = Font(bold=True, size=14)
    for row in (6, len(plan) + 8, len(plan) + 9):
        for cell in ws[row]:
            cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGH", (34, 60, 40, 50, 12, 40, 16, 100)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=len(plan) + 10):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column_letter in "BCFH")


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.PROJ_ROOT.resolve()).as_posix()
    except ValueError:
        return path.name


def build_workbook(progress=None) -> bytes:
    """The workbook's bytes (deterministic). `progress(i, n, sheet)` is called before each data sheet."""
    from openpyxl import Workbook
    from openpyxl.packaging.core import DocumentProperties

    plan = sheets()
    wb = Workbook()
    about = wb.active
    about.title = "About"
    _about(about, plan)
    for i, (name, _, path, kinds) in enumerate(plan, start=1):
        if progress:
            progress(i, len(plan), name)
        write_sheet(wb.create_sheet(name), tables.read_csv(path), kinds)
    when = _fixed_date()
    wb.properties = DocumentProperties(title="Police misconduct on social media in England and Wales",
                                       creator="analysis (python -m analysis export)", created=when, modified=when)
    raw = io.BytesIO()
    wb.save(raw)
    wb.properties.modified = when  # save() stamps the time of saving
    return _fix_zip(raw.getvalue(), wb.properties)


def _fix_zip(data: bytes, properties) -> bytes:
    """Rewrite the archive with fixed entry times, and the document dates openpyxl set to 'now' on save
    replaced by the workbook's own, so the same workbook gives the same bytes."""
    from openpyxl.xml.functions import tostring

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = tostring(properties.to_tree())
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def export(path: Path | None = None, progress=None) -> Path:
    """Write the workbook (atomically) and return its path."""
    path = Path(path or paths.WORKBOOK)
    data = build_workbook(progress)
    with tables.atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
