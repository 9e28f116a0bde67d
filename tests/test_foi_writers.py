"""Writers for the synthetic spreadsheets the FOI tests make at run time (xlsx, ods, csv), and their tests.

Rows are lists of cells: None (blank), str, int, float, or Formula("...") for a formula cell. Nothing is
escaped here: these files stand for what a force sends, formula characters and all.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Formula:
    text: str  # e.g. "=SUM(B2:B3)"


def write_xlsx(path: Path, rows, sheet: str = "Sheet1", extra_sheets: dict | None = None) -> Path:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    _fill_xlsx(ws, rows)
    for name, more in (extra_sheets or {}).items():
        _fill_xlsx(wb.create_sheet(name), more)
    wb.save(path)
    return Path(path)


def _fill_xlsx(ws, rows) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, Formula):
                cell.value = value.text
            elif isinstance(value, str) and value.startswith("="):
                cell.value = value
                cell.data_type = "s"  # text that merely looks like a formula
            else:
                cell.value = value


def write_ods(path: Path, rows, sheet: str = "Sheet1", extra_sheets: dict | None = None) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for name, table_rows in [(sheet, rows)] + list((extra_sheets or {}).items()):
        table = Table(name=name)
        for row in table_rows:
            tr = TableRow()
            for value in row:
                if value is None:
                    tc = TableCell()
                elif isinstance(value, Formula):
                    tc = TableCell(formula="of:" + value.text, valuetype="float", value="0")
                    tc.addElement(P(text="0"))
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    tc = TableCell(valuetype="float", value=str(value))
                    tc.addElement(P(text=str(value)))
                else:
                    tc = TableCell(valuetype="string")
                    for line in str(value).split("\n"):
                        tc.addElement(P(text=line))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return Path(path)


def write_csv(path: Path, rows, encoding: str = "utf-8", bom: bool = False) -> Path:
    import csv
    import io
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else (v.text if isinstance(v, Formula) else v) for v in row])
    data = buf.getvalue().encode(encoding)
    Path(path).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return Path(path)


WRITERS = {".xlsx": write_xlsx, ".ods": write_ods, ".csv": write_csv}


def write(path: Path, rows, **kw) -> Path:
    return WRITERS[Path(path).suffix](path, rows, **kw)


def test_writers_round_trip_through_read_grid(tmp_path):
    from analysis import foi
    for suffix in WRITERS:
        path = write(tmp_path / f"synthetic_roundtrip{suffix}", [["a", None, 3], [None, "b c", 4.5]])
        grid = foi.read_grid(path)
        assert {k: c.text for k, c in grid.cells.items()} == {(1, 1): "a", (1, 3): "3", (2, 2): "b c",
                                                              (2, 3): "4.5"}, suffix
