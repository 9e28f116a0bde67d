"""Bad-input suite: malformed or tricky FOI tables made at run time (all named synthetic_*).

Each case asserts the exact error class, that the message names the file, and (where one cell is at
fault) the cell. No case may end in a traceback from inside pandas, openpyxl, odfpy or csv.
"""
from __future__ import annotations

import zipfile

import pytest

from analysis import foi
from test_foi_writers import Formula, write, write_csv, write_ods, write_xlsx

YEARS = [None, 2018, 2019, 2020]
GOOD = [["Officers and Social Media"], YEARS, ["No of Officers", 1, 2, 4]]


def _table(*data_rows, header=YEARS):
    return [["Synthetic reply"], header, *data_rows]


# (name, suffix, rows or bytes, error class, cell the message must name or None, extra kwargs)
CASES = [
    ("text_not_a_count", ".xlsx", _table(["No of Officers", 1, "several", 4]), foi.NotACountError, "Sheet1!C3", {}),
    ("text_not_a_count_csv", ".csv", _table(["No of Officers", "1", "lots", "4"]), foi.NotACountError,
     "line 3, column 3", {}),
    ("text_not_a_count_ods", ".ods", _table(["No of Officers", 1, "unknown amount", 4]), foi.NotACountError,
     "Sheet1!C3", {}),
    ("number_word_with_other_number", ".xlsx", _table(["No of Officers", "Zero for all 3 officers", 2, 4]),
     foi.NotACountError, "Sheet1!B3", {}),
    ("fraction", ".xlsx", _table(["No of Officers", 1.5, 2, 4]), foi.NotACountError, "Sheet1!B3", {}),
    ("percent_in_count_table", ".csv", _table(["No of Officers", "1", "9%", "4"]), foi.NotACountError,
     "line 3, column 3", {}),
    ("boolean_cell", ".xlsx", _table(["No of Officers", True, 2, 4]), foi.NotACountError, "Sheet1!B3", {}),
    ("negative_number", ".xlsx", _table(["No of Officers", 1, -2, 4]), foi.NegativeCountError, "Sheet1!C3", {}),
    ("negative_text", ".csv", _table(["No of Officers", "1", "2", "-4"]), foi.NegativeCountError,
     "line 3, column 4", {}),
    ("negative_ods", ".ods", _table(["No of Officers", -1, 2, 4]), foi.NegativeCountError, "Sheet1!B3", {}),
    ("duplicate_year_columns", ".xlsx", _table(["No of Officers", 1, 2, 4], header=[None, 2018, 2019, 2018]),
     foi.DuplicatePeriodError, "Sheet1!D2", {}),
    ("duplicate_financial_year_rows", ".csv", [["Year", "Officers"], ["2019/20", "1"], ["2020/21", "2"],
                                               ["2019/2020", "3"]], foi.DuplicatePeriodError, "line 4, column 1", {}),
    ("duplicate_category_rows", ".xlsx", _table(["No of Officers", 1, 2, 4], ["No of Officers", 1, 2, 4]),
     foi.DuplicateCategoryError, "Sheet1!A4", {}),
    ("total_row_disagrees", ".xlsx", _table(["Officers", 1, 2, 4], ["Staff", 1, 1, 1], ["Total", 2, 3, 6]),
     foi.TotalMismatchError, "Sheet1!D5", {}),
    ("total_column_disagrees", ".csv", [[None, "2018", "2019", "Total"], ["Officers", "1", "2", "4"]],
     foi.TotalMismatchError, "line 2, column 4", {}),
    ("grand_total_disagrees_ods", ".ods", _table(["Officers", 10, 20, 30], ["Grand total", 10, 20, 61]),
     foi.TotalMismatchError, "Sheet1!D4", {}),
    ("formula_cell", ".xlsx", _table(["Officers", 1, 2, 4], ["Total", Formula("=SUM(B3:B3)"), 2, 4]),
     foi.FormulaCellError, "Sheet1!B4", {}),
    ("formula_in_title", ".xlsx", [[Formula("=HYPERLINK(\"http://x\")")], YEARS, ["Officers", 1, 2, 4]],
     foi.FormulaCellError, "Sheet1!A1", {}),
    ("formula_ods", ".ods", _table(["Officers", 1, Formula("=1+1"), 4]), foi.FormulaCellError, "Sheet1!C3", {}),
    ("formula_csv", ".csv", _table(["Officers", "1", "=1+1", "4"]), foi.FormulaCellError, "line 3, column 3", {}),
    ("missing_row_label", ".xlsx", _table(["Officers", 1, 2, 4], [None, 1, 2, 3]), foi.MissingLabelError,
     "Sheet1!A4", {}),
    ("value_without_header", ".xlsx", _table(["Officers", 1, 7, 4], header=[None, 2018, None, 2020]),
     foi.MissingHeaderError, "Sheet1!C3", {}),
    ("value_right_of_header", ".csv", _table(["Officers", "1", "2", "4", "9"]), foi.UnexpectedCellError,
     "line 3, column 5", {}),
    ("second_table_below_notes", ".xlsx", _table(["Officers", 1, 2, 4], [], ["Note: staff below"],
                                                  ["Year", 2021, 2022, 2023], ["Staff", 3, 3, 3]),
     foi.UnexpectedCellError, "Sheet1!A5", {}),
    ("data_below_notes", ".csv", _table(["Officers", "1", "2", "4"], [], ["Source: PSD"], ["Notes", "x"]),
     foi.UnexpectedCellError, "line 5, column 1", {}),
    ("no_periods_anywhere", ".xlsx", [["Title"], [None, "Answer"], ["Officers disciplined", 3]], foi.NoPeriodError,
     "Sheet1!B2", {}),
    ("period_given_but_table_has_years", ".xlsx", GOOD, foi.AmbiguousLayoutError, None, {"period": "2018"}),
    ("bad_period_argument", ".xlsx", [["Title"], [None, "Answer"], ["Officers", 3]], foi.PeriodError, None,
     {"period": "sometime"}),
    ("periods_both_ways", ".xlsx", [[None, 2018, 2019], [2018, 1, 2], [2019, 3, 4]], foi.AmbiguousLayoutError,
     "Sheet1!B1", {}),
    ("header_only", ".xlsx", [["Title"], YEARS], foi.NoDataRowsError, "Sheet1!B2", {}),
    ("only_titles", ".csv", [["Officers and Social Media"], ["Reference 221/21"]], foi.NoTableError, None, {}),
    ("semicolon_separated", ".csv", [["Year;Officers"], ["2018;1"]], foi.NoTableError, None, {}),
    ("empty_sheet", ".xlsx", [], foi.EmptyFileError, None, {}),
    ("blank_csv_lines", ".csv", [[None], [None, None]], foi.EmptyFileError, None, {}),
    ("unknown_sheet", ".xlsx", GOOD, foi.SheetError, None, {"sheet": "Data"}),
    ("impossible_date_label", ".csv", [["Period", "Officers"], ["31/02/2023", "1"], ["2024", "2"]],
     foi.NoPeriodError, "line 2, column 1", {}),
    ("unknown_force", ".xlsx", GOOD, foi.ForceNameError, None, {"force": "Gotham City Police"}),
]


@pytest.mark.parametrize("name, suffix, rows, error, cell, kwargs", CASES, ids=[c[0] for c in CASES])
def test_each_malformed_table_gets_its_own_clear_error(tmp_path, name, suffix, rows, error, cell, kwargs):
    path = write(tmp_path / f"synthetic_{name}{suffix}", rows)
    kwargs = {"force": "Avon and Somerset", **kwargs}
    with pytest.raises(error) as info:
        foi.read_foi_table(path, **kwargs)
    assert type(info.value) is error, f"expected exactly {error.__name__}, got {type(info.value).__name__}"
    message = str(info.value)
    assert path.name in message
    if cell:
        assert cell in message, message
    assert isinstance(info.value, foi.FoiReadError) and isinstance(info.value, ValueError)
    assert info.value.__cause__ is None or isinstance(info.value.__cause__, foi.FoiReadError)
    tb = info.tb
    while tb.tb_next:  # the exception is raised inside the package, never by a third-party reader
        tb = tb.tb_next
    assert "/analysis/" in tb.tb_frame.f_code.co_filename.replace("\\", "/"), tb.tb_frame.f_code.co_filename


# Files whose bytes are wrong (made here, also named synthetic_*).
def _bytes_cases(tmp_path):
    xlsx = write_xlsx(tmp_path / "synthetic_source.xlsx", GOOD)
    ods = write_ods(tmp_path / "synthetic_source.ods", GOOD)
    cases = []

    def add(name, data, error):
        path = tmp_path / name
        path.write_bytes(data)
        cases.append((path, error))

    add("synthetic_empty.xlsx", b"", foi.EmptyFileError)
    add("synthetic_empty.csv", b"", foi.EmptyFileError)
    add("synthetic_empty.ods", b"", foi.EmptyFileError)
    add("synthetic_text_named.xlsx", b"year,officers\n2018,1\n", foi.WrongFileTypeError)
    add("synthetic_xlsx_named.ods", b"", foi.EmptyFileError)
    add("synthetic_xlsx_named.xls", xlsx.read_bytes(), foi.WrongFileTypeError)
    add("synthetic_ole2_named.xlsx", foi.OLE2_MAGIC + b"\x00" * 504, foi.WrongFileTypeError)
    add("synthetic_zip_named.csv", xlsx.read_bytes(), foi.WrongFileTypeError)
    add("synthetic_binary.csv", b"year,officers\n2018,\x00\x01\n", foi.WrongFileTypeError)
    add("synthetic_truncated.xlsx", xlsx.read_bytes()[:200], foi.UnreadableFileError)
    add("synthetic_truncated.ods", ods.read_bytes()[:200], foi.UnreadableFileError)
    add("synthetic_damaged.xls", foi.OLE2_MAGIC + b"\x00" * 600, foi.UnreadableFileError)
    add("synthetic_utf16.csv", b"\xff\xfe" + "year,officers\n".encode("utf-16-le"), foi.UnreadableFileError)
    add("synthetic_not_cp1252.csv", b"year,officers\n2018,\x81\x8d\n", foi.UnreadableFileError)
    add("synthetic_table.txt", b"year,officers\n2018,1\n", foi.UnsupportedFileTypeError)
    # A zip that is not a workbook at all.
    zpath = tmp_path / "synthetic_plain_zip.xlsx"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    cases.append((zpath, foi.UnreadableFileError))
    # A CSV with an unterminated quote (strict CSV).
    add("synthetic_bad_quote.csv", b'year,officers\n2018,"1\n2019,2', foi.UnreadableFileError)
    # The ods named .xlsx
    add("synthetic_ods_named.xlsx", ods.read_bytes(), foi.UnreadableFileError)
    return cases


def test_files_with_wrong_bytes_get_clear_errors(tmp_path):
    cases = _bytes_cases(tmp_path)
    assert len(cases) >= 15
    for path, error in cases:
        with pytest.raises(error) as info:
            foi.read_foi_table(path, force="Kent")
        assert type(info.value) is error, (path.name, type(info.value).__name__, str(info.value))
        assert path.name in str(info.value), str(info.value)


def test_suite_size():
    assert len(CASES) + 18 >= 30


def test_several_sheets_need_a_sheet_name(tmp_path):
    path = write_xlsx(tmp_path / "synthetic_two_sheets.xlsx", GOOD, extra_sheets={"Other": GOOD})
    with pytest.raises(foi.SheetError, match="synthetic_two_sheets.xlsx.*say which one"):
        foi.read_foi_table(path, force="Kent")
    assert len(foi.read_foi_table(path, force="Kent", sheet="Other")) == 3
    ods = write_ods(tmp_path / "synthetic_two_sheets.ods", GOOD, extra_sheets={"Other": GOOD})
    with pytest.raises(foi.SheetError):
        foi.read_foi_table(ods, force="Kent")
    # An empty second sheet does not make the choice ambiguous.
    one = write_xlsx(tmp_path / "synthetic_one_used_sheet.xlsx", GOOD, extra_sheets={"Empty": []})
    assert len(foi.read_foi_table(one, force="Kent")) == 3


def test_row_and_column_caps(tmp_path, monkeypatch):
    from analysis.readers import grid  # the caps are read there at call time
    monkeypatch.setattr(grid, "MAX_ROWS", 5)
    monkeypatch.setattr(grid, "MAX_COLS", 3)
    tall = write_csv(tmp_path / "synthetic_tall.csv", [YEARS[:2]] + [[f"r{i}", "1"] for i in range(6)])
    with pytest.raises(foi.TooLargeError, match=r"synthetic_tall.csv: cell line 6, column 1 .*5 rows x 3"):
        foi.read_foi_table(tall, force="Kent")
    wide = write_xlsx(tmp_path / "synthetic_wide.xlsx", GOOD)
    with pytest.raises(foi.TooLargeError, match=r"synthetic_wide.xlsx: cell Sheet1!D2"):
        foi.read_foi_table(wide, force="Kent")
    wide_ods = write_ods(tmp_path / "synthetic_wide.ods", GOOD)
    with pytest.raises(foi.TooLargeError, match=r"synthetic_wide.ods: cell Sheet1!D2"):
        foi.read_foi_table(wide_ods, force="Kent")
    monkeypatch.setattr(grid, "MAX_BYTES", 10)
    with pytest.raises(foi.TooLargeError, match="synthetic_wide.xlsx.*bytes"):
        foi.read_foi_table(wide, force="Kent")


def test_default_caps_are_documented_values():
    assert (foi.MAX_ROWS, foi.MAX_COLS) == (10_000, 200)


def test_missing_file(tmp_path):
    with pytest.raises(foi.UnreadableFileError, match="synthetic_nowhere.xlsx: no such file"):
        foi.read_foi_table(tmp_path / "synthetic_nowhere.xlsx", force="Kent")
