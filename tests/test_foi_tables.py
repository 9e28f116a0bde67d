"""Tricky-but-valid FOI tables (made at run time, named synthetic_*) read into exact values; real replies;
safety (defusedxml, no formulas, CSV injection); the add-foi command and the build's checksum refusal."""
from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from analysis import foi, sources, tables
from test_foi_writers import write, write_csv, write_ods, write_xlsx

NAN = float("nan")


def _cells(frame):
    """{(category, period_label): (value, qualifier, low, high)} with NaN as None."""
    def n(x):
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else x
    return {(r.category, r.period_label): (n(r.value), r.qualifier, n(r.value_low), n(r.value_high))
            for r in frame.itertuples()}


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".csv"])
def test_years_as_columns_with_titles_totals_and_notes(tmp_path, suffix):
    rows = [["Officers and Social Media"], ["Reference: 221/21"], [],
            [None, "2018", "2019", "2020", "Total"],
            ["No of Officers", "1", "two officers", "4[1]", "7"],
            ["Dismissed", None, "NIL", "<5", None],
            ["Resigned", "Zero", "2 x Officers", "*", "2"],
            ["Total", "1", "4", None, None],
            [], ["Note: keyword search of allegation summaries"], ["[1] one officer counted twice"]]
    if suffix != ".csv":  # spreadsheets carry numbers as numbers
        rows = [[int(v) if isinstance(v, str) and v.isdigit() else v for v in row] for row in rows]
    path = write(tmp_path / f"synthetic_years_columns{suffix}", rows)
    frame = foi.read_foi_table(path, force="Avon & Somerset", source_id="synthetic_x")
    assert set(frame["force"]) == {"Avon and Somerset Constabulary"}
    assert _cells(frame) == {
        ("No of Officers", "2018"): (1, "exact", 1, 1),
        ("No of Officers", "2019"): (2, "exact", 2, 2),
        ("No of Officers", "2020"): (4, "exact", 4, 4),
        ("Dismissed", "2018"): (None, "missing", None, None),  # blank is missing, never 0
        ("Dismissed", "2019"): (0, "exact", 0, 0),
        ("Dismissed", "2020"): (None, "fewer_than", 0, 4),
        ("Resigned", "2018"): (0, "exact", 0, 0),
        ("Resigned", "2019"): (2, "exact", 2, 2),
        ("Resigned", "2020"): (None, "suppressed", None, None),
    }
    assert frame.loc[frame["period_label"] == "2019", "period_start"].iloc[0] == "2019-01-01"
    loc = frame.set_index(["category", "period_label"])["source_locator"]
    expected = "Sheet1!C5" if suffix != ".csv" else "line 5, column 3"
    assert loc[("No of Officers", "2019")] == expected
    ex = frame.attrs["excluded"]
    assert ex["kind"].value_counts().to_dict() == {"header": 8, "total": 4, "title": 2, "note": 2}
    totals = ex[ex["kind"] == "total"].set_index("text")["reason"].to_dict()
    assert totals["7"].startswith("total; equals the sum")
    # every non-empty input cell is a value or an exclusion
    read = foi.read(path, force="Avon and Somerset")
    assert (frame["raw_value"] != "").sum() + len(ex) == read.n_cells


def test_years_as_rows_financial_years_and_total_column(tmp_path):
    path = write_csv(tmp_path / "synthetic_years_rows.csv", [
        ["Professional Standards: social media"],
        ["Year", "Officers", "Staff", "Total"],
        ["2019/20", "1,051", "S40(2) applies", None],
        ["2020/21", "12[1]", "3", "15"],
        ["01/03/2021 - 28/02/2025", "-", "None", None],
    ])
    frame = foi.read_foi_table(path, force="Dyfed Powys Police")
    assert frame.attrs["axis"] == "rows"
    assert _cells(frame) == {
        ("Officers", "2019/20"): (1051, "exact", 1051, 1051),
        ("Staff", "2019/20"): (None, "redacted", None, None),
        ("Officers", "2020/21"): (12, "exact", 12, 12),
        ("Staff", "2020/21"): (3, "exact", 3, 3),
        ("Officers", "01/03/2021 - 28/02/2025"): (None, "suppressed", None, None),
        ("Staff", "01/03/2021 - 28/02/2025"): (0, "exact", 0, 0),
    }
    spans = frame.drop_duplicates("period_label").set_index("period_label")[["period_start", "period_end"]]
    assert spans.loc["2019/20"].tolist() == ["2019-04-01", "2020-03-31"]
    assert spans.loc["01/03/2021 - 28/02/2025"].tolist() == ["2021-03-01", "2025-02-28"]
    assert frame.loc[frame["raw_value"] == "12[1]", "note"].iloc[0] == "footnote marker '[1]' dropped"


def test_utf8_bom_and_windows_1252(tmp_path):
    rows = [["Réponse – Freedom of Information"], [None, "2019", "2020"], ["Officers’ posts", "1", "2"]]
    bom = write_csv(tmp_path / "synthetic_bom.csv", rows, bom=True)
    cp = write_csv(tmp_path / "synthetic_cp1252.csv", rows, encoding="cp1252")
    for path in (bom, cp):
        frame = foi.read_foi_table(path, force="Kent")
        assert frame["category"].tolist() == ["Officers’ posts", "Officers’ posts"]
        assert frame["value"].tolist() == [1.0, 2.0]
        assert frame.attrs["excluded"]["text"].iloc[0] == "Réponse – Freedom of Information"
    assert foi.read_grid(bom).cells[(2, 2)].text == "2019"  # no BOM glued to the first cell
    assert foi.read_grid(bom).cells[(1, 1)].text.startswith("Réponse")


def test_two_column_reply_with_given_period(tmp_path):
    path = write_ods(tmp_path / "synthetic_answers.ods", [
        ["Disciplinary Action re Social Media"], [None, "Answer"],
        ["Officers disciplined", "3."], ["Complaints", "Zero"], ["Misconduct hearings", "Three officers"],
        ["Dismissed", None]])
    frame = foi.read_foi_table(path, force="Northumbria", period="January 1, 2016 to April 10, 2020")
    assert _cells(frame) == {
        ("Officers disciplined", "January 1, 2016 to April 10, 2020"): (3, "exact", 3, 3),
        ("Complaints", "January 1, 2016 to April 10, 2020"): (0, "exact", 0, 0),
        ("Misconduct hearings", "January 1, 2016 to April 10, 2020"): (3, "exact", 3, 3),
        ("Dismissed", "January 1, 2016 to April 10, 2020"): (None, "missing", None, None),
    }
    assert set(frame["period_start"]) == {"2016-01-01"} and set(frame["period_end"]) == {"2020-04-10"}


def test_total_with_suppressed_part_is_not_checked_but_left_out(tmp_path):
    path = write_xlsx(tmp_path / "synthetic_total_suppressed.xlsx",
                      [[None, 2018, 2019], ["Officers", "*", 2], ["Staff", 1, 1], ["Total", 99, 3]])
    frame = foi.read_foi_table(path, force="Kent")
    assert len(frame) == 4 and "Total" not in set(frame["category"])
    reasons = frame.attrs["excluded"].set_index("source_locator")["reason"]
    assert reasons["Sheet1!B4"].startswith("total; not checked")
    assert reasons["Sheet1!C4"].startswith("total; equals")


def test_merged_title_and_table_not_in_column_a(tmp_path):
    import openpyxl
    path = tmp_path / "synthetic_merged.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = "A merged title"
    ws.merge_cells("B2:E2")
    for r, row in enumerate([[None, 2018, 2019], ["Officers", 5, 6]], start=4):
        for c, v in enumerate(row, start=2):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    wb.save(path)
    frame = foi.read_foi_table(path, force="Kent")
    assert frame["source_locator"].tolist() == ["Sheet!C5", "Sheet!D5"]
    assert frame["value"].tolist() == [5.0, 6.0]


# --- the real replies ----------------------------------------------------------------------------
def test_every_real_foi_table_reads_into_the_values_published():
    """Every real FOI table in the shared sources reads into the exact values published, blanks as missing."""
    reread = foi.reread_real_replies()
    ids = set(reread["source_id"])
    assert {"avonsomerset_socialmedia_2018-2020_2021-02_221-21", "northumbria_socialmedia_2016-2020_2020-04_593-20",
            "retiredandangry_socialmedia_2013-14_undated", "dyfedpowys_socialmedia_2022-2025_2025-11_1054-2025",
            "westmidlandspolice_allmisconduct_2023_undated_160a-23", "northwalespolice_allmisconduct_2015q1_undated",
            "met_allmisconduct_2015-2021_2022-10_01.foi.22.026275",
            "dyfedpowys_allmisconduct_2023-2025_2025-05_318-2025"} <= ids
    bad = reread[~reread["agrees"]]
    assert bad.empty, bad.to_string()
    counts = reread[reread["qualifier"] != "text"]
    avon = counts[counts["source_id"].str.startswith("avonsomerset_socialmedia_2018")]
    assert avon.set_index("period_label")["value_read"].to_dict() == {"2018": 1.0, "2019": 2.0, "2020": 4.0}
    blank = counts[counts["raw_value"] == ""]
    assert len(blank) == 1 and blank["qualifier"].iloc[0] == "missing" and math.isnan(blank["value_read"].iloc[0])
    # each count cell is compared with one figures.csv line (the blank one has none to compare with)
    assert (counts["published_line"] != "").sum() == len(counts) - 1


CHECK_SOURCES = {"avonsomerset_socialmedia_2018-2020_2021-02_221-21", "northumbria_socialmedia_2016-2020_2020-04_593-20",
                 "retiredandangry_socialmedia_2013-14_undated", "dyfedpowys_socialmedia_2022-2025_2025-11_1054-2025",
                 "westmidlandspolice_allmisconduct_2023_undated_160a-23",
                 "northwalespolice_allmisconduct_2015q1_undated",
                 "met_allmisconduct_2015-2021_2022-10_01.foi.22.026275",
                 "dyfedpowys_allmisconduct_2023-2025_2025-05_318-2025"}


def test_real_replies_are_checks_not_counted_twice():
    import analysis
    obs = analysis.load("observations")
    from_tables = obs[obs["source_locator"].str.contains(r"\.(?:xlsx|ods|csv|xls):")]
    assert not set(from_tables["source_id"]) & CHECK_SOURCES
    log = analysis.load("build_log")
    checks = log[log["step"].str.startswith("foi_check:")]
    assert set(checks["step"].str.split(":").str[1]) == CHECK_SOURCES and len(checks) == 9
    assert (checks["rows_after"] == 0).all()


def test_record_level_replies_keep_outcome_wording_dates_and_redactions():
    from analysis import outcomes, periods, values
    reread = foi.reread_real_replies()
    met = reread[reread["source_id"].str.startswith("met_allmisconduct")]
    outcome_cells = met[met["category"] == "Misconduct Outcome"]["raw_value"].tolist()
    assert [outcomes.categorise_outcome(t) for t in outcome_cells] == [
        "written_warning", "would_have_been_dismissed", "would_have_been_dismissed", "ongoing", "ongoing",
        "final_written_warning", "dismissed"]
    dp = reread[reread["source_id"].str.startswith("dyfedpowys_allmisconduct")].set_index("category")["raw_value"]
    assert values.parse_value(dp["Name (Q1)"]).qualifier == "redacted"
    with pytest.raises(periods.PeriodParseError, match="31/02/2023"):  # impossible date, as written by the force
        periods.parse_period(dp["Hearing date (Q3)"])


# --- safety --------------------------------------------------------------------------------------
def test_defusedxml_is_installed_and_used_by_openpyxl():
    import defusedxml  # noqa: F401
    import openpyxl.xml
    assert openpyxl.xml.DEFUSEDXML is True


def test_xml_bomb_in_xlsx_is_refused_not_expanded(tmp_path):
    import zipfile
    good = write_xlsx(tmp_path / "synthetic_good.xlsx", [[None, 2018], ["Officers", 1]])
    bomb = tmp_path / "synthetic_bomb.xlsx"
    entity = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, entity if item.filename == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(foi.UnreadableFileError, match="synthetic_bomb.xlsx"):
        foi.read_foi_table(bomb, force="Kent")


def test_formula_text_is_escaped_in_csv_written_for_users(tmp_path):
    path = write_xlsx(tmp_path / "synthetic_injection.xlsx",
                      [[None, 2018, 2019], ["@SUM(A1:A2)", "-", 2], ["+44 officers", 1, 3], ["=1+1", 0, 0]])
    frame = foi.read_foi_table(path, force="Kent")
    out = tmp_path / "out.csv"
    tables.write_csv(frame, out)
    text = out.read_text()
    assert "'@SUM(A1:A2)" in text and "'+44 officers" in text and "'=1+1" in text and ",'-," in text
    back = tables.read_csv(out)
    assert set(back["category"]) == {"@SUM(A1:A2)", "+44 officers", "=1+1"}
    assert "-" in set(back["raw_value"])


def test_no_network_is_used(monkeypatch, tmp_path):
    import socket

    def refuse(*a, **k):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = write_xlsx(tmp_path / "synthetic_offline.xlsx", [[None, 2018], ["Officers", 1]])
    assert len(foi.read_foi_table(path, force="Kent")) == 1
    assert len(foi.reread_real_replies()) > 0


# --- add-foi and the build, in a copy of the project's raw layer ---------------------------------
ARGS = ["--no-notebooks", "--force", "Kent Police", "--title", "Officers and social media (synthetic)",
        "--url", "https://example.org/foi/123-24", "--published", "2024-05-17", "--ref", "123/24"]


def test_add_foi_copies_registers_and_rebuilds(project, capsys):
    from analysis.__main__ import main
    reply = write_xlsx(project / "synthetic_kent_reply.xlsx", [
        ["Kent Police FOI 123/24"], [None, "2021", "2022", "2023"],
        ["@Officers investigated", 3, None, "-"]])
    assert main(["add-foi", str(reply), *ARGS]) == 0
    source_id = "kent_socialmedia_2021-2023_2024-05_123-24"
    assert source_id in capsys.readouterr().out
    folder = project / "data" / "raw" / source_id
    assert (folder / "reply_table.xlsx").read_bytes() == reply.read_bytes()
    entry = sources.source(source_id, project / "data" / "raw" / "sources.yml")
    assert entry["files"] == [{"path": "reply_table.xlsx", "sha256": sources.sha256(reply)}]
    assert entry["foi_table"]["measure"] == "cases_investigated"
    obs = tables.read_csv(project / "data" / "processed" / "observations.csv",
                          numeric_columns=("value", "value_low", "value_high"))
    mine = obs[obs["source_id"] == source_id]
    assert mine["qualifier"].tolist() == ["exact", "missing", "suppressed"]
    assert mine["value"].fillna(-1).tolist() == [3.0, -1, -1]
    assert mine["snippet"].iloc[0] == "@Officers investigated | 2021: 3"
    assert mine["url"].iloc[0] == "https://example.org/foi/123-24" and mine["outlet"].iloc[0] == "Kent Police"
    assert mine["source_locator"].iloc[0] == "reply_table.xlsx:Sheet1!B3 line 3"
    from analysis.cleaning import foi_tables
    for row in mine.itertuples():  # every row traces back to its cell
        assert foi_tables.trace(source_id, row.source_locator) == row.raw_value
    written = (project / "data" / "processed" / "observations.csv").read_text()
    assert "'@Officers investigated" in written and ",'-," in written  # formula injection escaped
    log = tables.read_csv(project / "data" / "processed" / "build_log.csv")
    assert f"foi_excluded:{source_id}" in set(log["step"])
    # the same reply again is refused, and nothing changes
    manifest = (project / "data" / "raw" / "sources.yml").read_text()
    assert main(["add-foi", str(reply), *ARGS]) == 1
    assert "exists already" in capsys.readouterr().err
    assert (project / "data" / "raw" / "sources.yml").read_text() == manifest


def test_add_foi_fails_before_writing_anything(project, capsys):
    from analysis.__main__ import main
    bad = write_csv(project / "synthetic_bad_reply.csv", [[None, "2021"], ["Officers", "lots"]])
    raw = project / "data" / "raw"
    before = sorted(p.name for p in raw.iterdir())
    manifest = (raw / "sources.yml").read_bytes()
    assert main(["add-foi", str(bad), *ARGS]) == 1
    err = capsys.readouterr().err
    assert "synthetic_bad_reply.csv" in err and "line 2, column 2" in err and "Traceback" not in err
    assert sorted(p.name for p in raw.iterdir()) == before
    assert (raw / "sources.yml").read_bytes() == manifest
    assert not any((project / "data" / "processed").iterdir())
    assert main(["add-foi", str(bad), *ARGS[:-4], "--published", "17/05/2024"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_build_refuses_a_changed_raw_file_through_the_cli(project, capsys):
    from analysis.__main__ import main
    target = project / "data" / "raw" / "avonsomerset_socialmedia_2018-2020_2021-02_221-21" / "reply_table.xlsx"
    target.write_bytes(target.read_bytes() + b"\0")
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "reply_table.xlsx" in err and "sha256" in err


def test_sources_yml_foi_entries_are_valid():
    data = yaml.safe_load(open(sources.paths.SOURCES_YML, encoding="utf-8"))
    from analysis.cleaning import foi_tables
    checks = 0
    for entry in data:
        for spec in foi_tables.table_specs(entry):
            if entry["id"] in CHECK_SOURCES:
                checks += 1
                assert spec.get("role") == "check", entry["id"]
    assert checks == 9


# --- real layouts: the period in a title line, totals under any common wording ---------------------------
@pytest.mark.parametrize("title, label, start, end", [
    ("Officers investigated for misuse of social media, 1 April 2019 to 31 March 2021",
     "1 April 2019 to 31 March 2021", "2019-04-01", "2021-03-31"),
    ("Period: 2019/20", "2019/20", "2019-04-01", "2020-03-31"),
    ("Social media misconduct cases in 2020", "2020", "2020-01-01", "2020-12-31"),
    ("Disciplinary outcomes between January 2018 and June 2020", "between January 2018 and June 2020",
     "2018-01-01", "2020-06-30"),
    ("Data covering the financial year 2021/22", "2021/22", "2021-04-01", "2022-03-31"),
])
def test_a_period_stated_only_in_a_title_line(tmp_path, title, label, start, end):
    path = write_xlsx(tmp_path / "synthetic_title_period.xlsx", [
        ["Kent Police FOI 123/24 (synthetic)"], [title], [None, "Officers", "Staff"],
        ["Dismissed", 1, 0], ["Written warning", 2, "*"]])
    frame = foi.read_foi_table(path, force="Kent")
    assert set(frame["period_label"]) == {label}
    assert set(zip(frame["period_start"], frame["period_end"])) == {(start, end)}
    assert frame.set_index("category")["value"].dropna().to_dict() == {
        "Dismissed | Officers": 1.0, "Dismissed | Staff": 0.0, "Written warning | Officers": 2.0}
    reasons = frame.attrs["excluded"].set_index("source_locator")["reason"]
    assert reasons["Sheet1!A2"] == f"title row above the table (states the period {label!r})"
    assert reasons["Sheet1!A1"] == "title row above the table"


def test_period_overrides_a_title_and_two_title_periods_are_refused(tmp_path):
    rows = [["Replies for 2019 (synthetic)"], [None, "Officers"], ["Dismissed", 1]]
    path = write_csv(tmp_path / "synthetic_override.csv", rows)
    assert foi.read_foi_table(path, force="Kent")["period_label"].tolist() == ["2019"]
    assert foi.read_foi_table(path, force="Kent", period="2018/19")["period_label"].tolist() == ["2018/19"]
    two = write_csv(tmp_path / "synthetic_two_periods.csv",
                    [["Cases in 2019"], ["Outcomes for 2020"], [None, "Officers"], ["Dismissed", 1]])
    with pytest.raises(foi.AmbiguousLayoutError, match=r"synthetic_two_periods.csv: the title lines state more than "
                                                        r"one period .*line 1, column 1: '2019'.*period="):
        foi.read_foi_table(two, force="Kent")


def test_a_reference_number_in_a_title_is_not_a_period(tmp_path):
    path = write_csv(tmp_path / "synthetic_reference.csv",
                     [["FOI 2019-0456 (synthetic)"], [None, "Officers"], ["Dismissed", 1]])
    with pytest.raises(foi.NoPeriodError, match="no title line above the table states one"):
        foi.read_foi_table(path, force="Kent")


@pytest.mark.parametrize("total", ["Overall total", "All ranks", "Grand total", "Total", "Totals", "TOTAL officers",
                                   "Overall", "All grades"])
def test_total_rows_under_common_wording_are_checked_and_left_out(tmp_path, total):
    path = write_csv(tmp_path / "synthetic_totals.csv", [
        ["Rank", "2019", "2020"], ["Constable", "3", "1"], ["Sergeant", "1", "0"], [total, "4", "1"]])
    frame = foi.read_foi_table(path, force="Kent")
    assert set(frame["category"]) == {"Constable", "Sergeant"}
    ex = frame.attrs["excluded"]
    assert ex.loc[ex["kind"] == "total", "reason"].str.startswith("total; equals the sum").sum() == 2
    wrong = write_csv(tmp_path / "synthetic_totals_wrong.csv", [
        ["Rank", "2019", "2020"], ["Constable", "3", "1"], ["Sergeant", "1", "0"], [total, "5", "1"]])
    with pytest.raises(foi.TotalMismatchError, match=r"line 4, column 2 gives the total 5 .* add up to 4"):
        foi.read_foi_table(wrong, force="Kent")


def test_a_total_column_under_other_wording(tmp_path):
    path = write_xlsx(tmp_path / "synthetic_total_column.xlsx", [
        [None, "Officers", "Staff", "All ranks"], ["2019", 2, 1, 3], ["2020", 0, 4, 4]])
    frame = foi.read_foi_table(path, force="Kent")
    assert set(frame["category"]) == {"Officers", "Staff"} and len(frame) == 4
