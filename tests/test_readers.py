"""analysis.readers: bounded reads (compression bombs, styled-but-empty rows), cell formats (xlsx number_format,
.ods value types and data styles), and workbooks that are encrypted or miss a part. Every file is made here and
named synthetic_*."""
from __future__ import annotations

import datetime as dt
import json
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from analysis import foi
from analysis.readers import grid as grid_module
from analysis.readers import read_grid
from analysis.paths import PROJ_ROOT
from test_foi_writers import write_ods, write_xlsx

MIB = 1 << 20


# --- a zip written by hand, so a member can hold a pre-made deflate stream --------------------------------
def _deflate(data: bytes) -> bytes:
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush()


def deflated_zeros(mib: int) -> tuple[bytes, int]:
    """A raw deflate stream of `mib` MiB of zero bytes, made without deflating them all (each 1 MiB block after a
    full flush compresses to the same bytes), and the CRC-32 of what it inflates to."""
    block = b"\0" * MIB
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    assert co.compress(block) + co.flush(zlib.Z_FULL_FLUSH) == again
    stream = first + again * (mib - 1) + co.flush()
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return stream, crc


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """members: (name, deflate stream, crc32 of the inflated data, size it inflates to as declared)."""
    out, central = bytearray(), bytearray()
    for name, stream, crc, size in members:
        raw, offset = name.encode(), len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), size, len(raw), 0)
        out += raw + stream
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(stream), size,
                               len(raw), 0, 0, 0, 0, 0, offset) + raw
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                                 len(out), 0)
    Path(path).write_bytes(bytes(out))
    return Path(path)


def members_of(path: Path) -> list[tuple[str, bytes, int, int]]:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, _deflate(zf.read(i)), zlib.crc32(zf.read(i)), i.file_size) for i in zf.infolist()]


def with_member(good: Path, path: Path, name: str, member: tuple[bytes, int, int]) -> Path:
    members = [m for m in members_of(good) if m[0] != name] + [(name, *member)]
    return write_zip(path, members)


def test_the_hand_made_zip_reads_back(tmp_path):
    stream, crc = deflated_zeros(3)
    path = write_zip(tmp_path / "synthetic.zip", [("zeros.bin", stream, crc, 3 * MIB)])
    with zipfile.ZipFile(path) as zf:
        assert zf.read("zeros.bin") == b"\0" * 3 * MIB
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [[None, 2018], ["Officers", 1]])
    copy = write_zip(tmp_path / "synthetic_copy.xlsx", members_of(good))
    assert len(foi.read_foi_table(copy, force="Kent")) == 1


# --- compression bombs: refused within a second, with bounded memory ------------------------------------
MEASURE = textwrap.dedent("""
    import json, resource, sys, time
    from analysis.readers import read_grid
    from analysis.readers.errors import FoiReadError
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        read_grid(sys.argv[1])
        error = ""
    except FoiReadError as exc:
        error = f"{type(exc).__name__}: {exc}"
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": took, "grew_kib": after - before, "error": error}))
""")


def measure(path: Path) -> dict:
    """Read `path` in a fresh Python: seconds taken, growth of peak memory (KiB), and the error."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120,
                          cwd=PROJ_ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def gib_of_zeros():
    return deflated_zeros(1024)  # inflates to 1 GiB; about 1 MB packed


def test_xlsx_bomb_in_shared_strings_is_refused_fast_with_bounded_memory(tmp_path, gib_of_zeros):
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [["Title"], [None, "2018"], ["Officers", 1]])
    stream, crc = gib_of_zeros
    bomb = with_member(good, tmp_path / "synthetic_bomb.xlsx", "xl/sharedStrings.xml", (stream, crc, 1 << 30))
    assert bomb.stat().st_size < 2 * MIB
    result = measure(bomb)
    assert result["error"].startswith("TooLargeError"), result
    assert "xl/sharedStrings.xml" in result["error"] and "1,073,741,824 bytes" in result["error"]
    assert result["seconds"] < 1.0, result
    assert result["grew_kib"] < 50 * 1024, result  # nothing near the 1 GiB was inflated


def test_ods_bomb_in_content_is_refused_fast_with_bounded_memory(tmp_path, gib_of_zeros):
    good = write_ods(tmp_path / "synthetic_good.ods", [[None, "2018"], ["Officers", 1]])
    stream, crc = gib_of_zeros
    bomb = with_member(good, tmp_path / "synthetic_bomb.ods", "content.xml", (stream, crc, 1 << 30))
    result = measure(bomb)
    assert result["error"].startswith("TooLargeError") and "content.xml" in result["error"], result
    assert result["seconds"] < 1.0 and result["grew_kib"] < 50 * 1024, result


def test_a_part_that_understates_its_size_is_never_inflated_beyond_it(tmp_path, gib_of_zeros):
    """The archive claims 1 KB for a part that holds 1 GiB: zipfile stops at the claimed size, so it fails."""
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [[None, 2018], ["Officers", 1]])
    stream, crc = gib_of_zeros
    liar = with_member(good, tmp_path / "synthetic_liar.xlsx", "xl/worksheets/sheet1.xml", (stream, crc, 1000))
    result = measure(liar)
    assert result["error"].startswith("UnreadableFileError") and "synthetic_liar.xlsx" in result["error"], result
    assert result["seconds"] < 1.0 and result["grew_kib"] < 50 * 1024, result


def test_parts_together_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(grid_module, "MAX_UNPACKED_BYTES", 3_000)
    path = write_xlsx(tmp_path / "synthetic_many_parts.xlsx", [[None, 2018], ["Officers", 1]])
    with pytest.raises(foi.TooLargeError, match=r"synthetic_many_parts.xlsx: its parts would unpack to [\d,]+ bytes "
                                                 r"together, above the reader's limit of 3,000"):
        read_grid(path)


def test_the_caps_are_stated():
    assert (grid_module.MAX_PART_BYTES, grid_module.MAX_UNPACKED_BYTES) == (32 * MIB, 64 * MIB)
    assert (grid_module.MAX_ROWS, grid_module.MAX_COLS, grid_module.MAX_BYTES) == (10_000, 200, 20 * MIB)


# --- styled but empty rows: reading stops at the row cap ------------------------------------------------
def _sheet_xml(rows: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f'{rows}</sheetData></worksheet>').encode()


def _table_rows() -> str:
    return ('<row r="1"><c r="B1"><v>2018</v></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>Officers</t></is></c><c r="B2"><v>3</v></c></row>')


def test_half_a_million_styled_empty_rows_stop_at_the_cap_fast(tmp_path):
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [[None, 2018], ["Officers", 1]])
    empty = "".join(f'<row r="{r}" s="1" customFormat="1" ht="15"/>' for r in range(3, 500_003))
    xml = _sheet_xml(_table_rows() + empty)
    path = with_member(good, tmp_path / "synthetic_styled_rows.xlsx", "xl/worksheets/sheet1.xml",
                       (_deflate(xml), zlib.crc32(xml), len(xml)))
    start = time.perf_counter()
    with pytest.raises(foi.TooLargeError, match=r"synthetic_styled_rows.xlsx: sheet 'Sheet1' goes on past row "
                                                 r"10,000 .*even if those rows look empty"):
        read_grid(path)
    assert time.perf_counter() - start < 1.0  # 10,016 rows read, not 500,002


def test_a_few_styled_empty_rows_below_a_table_are_fine(tmp_path):
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [[None, 2018], ["Officers", 1]])
    xml = _sheet_xml(_table_rows() + "".join(f'<row r="{r}" s="1" customFormat="1"/>' for r in range(3, 200)))
    path = with_member(good, tmp_path / "synthetic_some_styled_rows.xlsx", "xl/worksheets/sheet1.xml",
                       (_deflate(xml), zlib.crc32(xml), len(xml)))
    frame = foi.read_foi_table(path, force="Kent")
    assert frame["value"].tolist() == [3.0]


def test_content_beyond_the_cap_is_refused_naming_the_cell(tmp_path, monkeypatch):
    monkeypatch.setattr(grid_module, "MAX_ROWS", 50)
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [[None, 2018], ["Officers", 1]])
    xml = _sheet_xml(_table_rows() + '<row r="51"><c r="A51" t="inlineStr"><is><t>hidden</t></is></c></row>')
    path = with_member(good, tmp_path / "synthetic_far_cell.xlsx", "xl/worksheets/sheet1.xml",
                       (_deflate(xml), zlib.crc32(xml), len(xml)))
    with pytest.raises(foi.TooLargeError, match=r"cell Sheet1!A51 lies beyond the reader's limit of 50 rows"):
        read_grid(path)


def test_libreoffice_padding_rows_in_ods_are_fine(tmp_path):
    """LibreOffice ends a sheet with one element standing for a million empty rows: it costs nothing."""
    from odf.table import TableCell, TableRow
    path = write_ods(tmp_path / "synthetic_padded.ods", [[None, "2018"], ["Officers", 4]])
    from odf.opendocument import load
    doc = load(str(path))
    table = doc.spreadsheet.childNodes[-1]
    padding = TableRow(numberrowsrepeated="1048574")
    padding.addElement(TableCell(numbercolumnsrepeated="1024"))
    table.addElement(padding)
    doc.save(str(path))
    start = time.perf_counter()
    assert foi.read_foi_table(path, force="Kent")["value"].tolist() == [4.0]
    assert time.perf_counter() - start < 1.0


# --- cell formats ---------------------------------------------------------------------------------------
def _xlsx_with_formats(path: Path, header: list, header_format: str, data: list, data_format: str = "General"):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "Synthetic reply"
    for c, value in enumerate(header, start=2):
        cell = ws.cell(row=2, column=c, value=value)
        cell.number_format = header_format
    ws.cell(row=3, column=1, value="Officers investigated")
    for c, value in enumerate(data, start=2):
        cell = ws.cell(row=3, column=c, value=value)
        cell.number_format = data_format
    wb.save(path)
    return path


@pytest.mark.parametrize("fmt, labels, spans", [
    ("yyyy", ["2019", "2020"], [("2019-01-01", "2019-12-31"), ("2020-01-01", "2020-12-31")]),
    ("mmm-yy", ["January 2019", "February 2019"], [("2019-01-01", "2019-01-31"), ("2019-02-01", "2019-02-28")]),
    ("mmmm yyyy", ["January 2019", "February 2019"], [("2019-01-01", "2019-01-31"), ("2019-02-01", "2019-02-28")]),
    ('[$-809]mmm\\ yyyy;@', ["January 2019", "February 2019"],
     [("2019-01-01", "2019-01-31"), ("2019-02-01", "2019-02-28")]),
    ("dd/mm/yyyy", ["2019-01-01", "2019-02-01"], [("2019-01-01", "2019-01-01"), ("2019-02-01", "2019-02-01")]),
])
def test_date_headers_mean_what_their_format_shows(tmp_path, fmt, labels, spans):
    dates = [dt.datetime(2019, 1, 1), dt.datetime(2019, 2, 1)] if "m" in fmt else \
        [dt.datetime(2019, 1, 1), dt.datetime(2020, 1, 1)]
    path = _xlsx_with_formats(tmp_path / "synthetic_date_headers.xlsx", dates, fmt, [1, 2])
    frame = foi.read_foi_table(path, force="Kent")
    assert frame["period_label"].tolist() == labels
    assert list(zip(frame["period_start"], frame["period_end"])) == spans


@pytest.mark.parametrize("fmt", ["0%", "0.0%", "0.00%;[Red]-0.00%"])
def test_a_percentage_formatted_cell_is_refused_as_a_count(tmp_path, fmt):
    path = _xlsx_with_formats(tmp_path / "synthetic_percent.xlsx", ["2019", "2020"], "General", [1, 0.25], fmt)
    with pytest.raises(foi.NotACountFormatError) as info:
        foi.read_foi_table(path, force="Kent")
    message = str(info.value)
    assert "synthetic_percent.xlsx: cell Sheet1!B3 holds 1 formatted as a percentage (shown as '100%'" in message
    assert fmt in message and "expected a count" in message.lower()


def test_count_formats_are_counts(tmp_path):
    path = _xlsx_with_formats(tmp_path / "synthetic_counts.xlsx", ["2019", "2020"], "General", [1, 1051], "#,##0")
    assert foi.read_foi_table(path, force="Kent")["value"].tolist() == [1.0, 1051.0]


def _ods_with_styles(path: Path, header_cells, data_cells):
    """header_cells / data_cells: (value_type, value, data style kind or None)."""
    from odf.number import DateStyle, Month, Number, PercentageStyle, Text, Year
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    year = DateStyle(name="N_year")
    year.addElement(Year(style="long"))
    month = DateStyle(name="N_month")
    month.addElement(Month(textual="true"))
    month.addElement(Text(text=" "))
    month.addElement(Year(style="long"))
    percent = PercentageStyle(name="N_percent")
    percent.addElement(Number(decimalplaces="0", minintegerdigits="1"))
    percent.addElement(Text(text="%"))
    for style in (year, month, percent):
        doc.automaticstyles.addElement(style)
    for kind in ("year", "month", "percent"):
        doc.automaticstyles.addElement(Style(name=f"ce_{kind}", family="table-cell", datastylename=f"N_{kind}"))
    table = Table(name="Sheet1")

    def cell(value_type, value, kind):
        attrs = {"stylename": f"ce_{kind}"} if kind else {}
        if value_type == "date":
            tc = TableCell(valuetype="date", datevalue=value, **attrs)
        elif value_type == "string":
            tc = TableCell(valuetype="string", **attrs)
        else:
            tc = TableCell(valuetype=value_type, value=value, **attrs)
        tc.addElement(P(text=str(value)))
        return tc

    for row in ([("string", "Synthetic reply", None)], [None] + header_cells,
                [("string", "Officers investigated", None)] + data_cells):
        tr = TableRow()
        for spec in row:
            tr.addElement(TableCell() if spec is None else cell(*spec))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def test_ods_dates_shown_as_years_and_months(tmp_path):
    years = _ods_with_styles(tmp_path / "synthetic_ods_years.ods",
                             [("date", "2019-01-01", "year"), ("date", "2020-01-01", "year")],
                             [("float", "1", None), ("float", "2", None)])
    frame = foi.read_foi_table(years, force="Kent")
    assert frame["period_label"].tolist() == ["2019", "2020"]
    assert frame["period_end"].tolist() == ["2019-12-31", "2020-12-31"]
    months = _ods_with_styles(tmp_path / "synthetic_ods_months.ods",
                              [("date", "2019-01-01", "month"), ("date", "2019-02-01", "month")],
                              [("float", "1", None), ("float", "2", None)])
    frame = foi.read_foi_table(months, force="Kent")
    assert frame["period_label"].tolist() == ["January 2019", "February 2019"]
    assert frame["period_end"].tolist() == ["2019-01-31", "2019-02-28"]


def test_ods_percentage_value_type_is_refused_as_a_count(tmp_path):
    path = _ods_with_styles(tmp_path / "synthetic_ods_percent.ods",
                            [("string", "2019", None), ("string", "2020", None)],
                            [("float", "3", None), ("percentage", "0.5", "percent")])
    with pytest.raises(foi.NotACountFormatError, match=r"synthetic_ods_percent.ods: cell Sheet1!C3 holds 0.5 "
                                                       r"formatted as a percentage \(shown as '50%'"):
        foi.read_foi_table(path, force="Kent")


def test_shown_as_reads_format_codes():
    shown = grid_module.shown_as
    day = dt.datetime(2019, 3, 1)
    assert shown("yyyy", day) == "year" and shown("YYYY", day) == "year"
    assert shown("mmm-yy", day) == "month" and shown('mmmm" "yyyy', day) == "month"
    assert shown("mmm", day) == "month_only"
    assert shown("dd/mm/yyyy", day) == "date" and shown("d-mmm-yy", day) == "date"
    assert shown("hh:mm", day) is None and shown("General", day) is None
    assert shown("0%", 0.5) == "percent" and shown('0"%"', 5) is None and shown("0", 5) is None
    assert shown('[Red]0.0%;[Blue]-0.0%', 1) == "percent"


# --- damaged and protected workbooks --------------------------------------------------------------------
def test_a_workbook_missing_its_sheet_part_is_one_clear_error(tmp_path):
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [[None, 2018], ["Officers", 1]])
    broken = write_zip(tmp_path / "synthetic_no_sheet_part.xlsx",
                       [m for m in members_of(good) if m[0] != "xl/worksheets/sheet1.xml"])
    with pytest.raises(foi.UnreadableFileError, match=r"synthetic_no_sheet_part.xlsx: .*xl/worksheets/sheet1.xml"):
        foi.read_foi_table(broken, force="Kent")


def test_a_workbook_listing_no_sheet_is_one_clear_error(tmp_path):
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [[None, 2018], ["Officers", 1]])
    members = members_of(good)
    with zipfile.ZipFile(good) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
    import re
    workbook = re.sub(r"<sheets>.*</sheets>", "<sheets/>", workbook).encode()
    members = [m for m in members if m[0] != "xl/workbook.xml"] + [
        ("xl/workbook.xml", _deflate(workbook), zlib.crc32(workbook), len(workbook))]
    path = write_zip(tmp_path / "synthetic_no_sheets.xlsx", members)
    with pytest.raises(foi.UnreadableFileError, match=r"synthetic_no_sheets.xlsx: .*no sheet"):
        foi.read_foi_table(path, force="Kent")


def _ole2_with_streams(path: Path, *names: str) -> Path:
    """An OLE2 container whose directory names the given streams (UTF-16LE, as Office writes them)."""
    body = b"".join(name.encode("utf-16-le").ljust(64, b"\0") for name in names)
    path.write_bytes(grid_module.OLE2_MAGIC + b"\0" * 504 + body + b"\0" * 512)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_an_encrypted_workbook_is_named_as_such(tmp_path, suffix):
    path = _ole2_with_streams(tmp_path / f"synthetic_encrypted{suffix}", "EncryptionInfo", "EncryptedPackage")
    with pytest.raises(foi.EncryptedFileError, match=rf"synthetic_encrypted\{suffix}: the workbook is protected by a "
                                                     r"password .* remove the password"):
        foi.read_foi_table(path, force="Kent")


def test_an_encrypted_ods_is_named_as_such(tmp_path):
    good = write_ods(tmp_path / "synthetic_good.ods", [[None, "2018"], ["Officers", 1]])
    manifest = (b'<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                b'manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
                b'</manifest:file-entry></manifest:manifest>')
    path = with_member(good, tmp_path / "synthetic_encrypted.ods", "META-INF/manifest.xml",
                       (_deflate(manifest), zlib.crc32(manifest), len(manifest)))
    with pytest.raises(foi.EncryptedFileError, match="synthetic_encrypted.ods"):
        foi.read_foi_table(path, force="Kent")
