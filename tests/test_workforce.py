"""analysis.cleaning.workforce (the cleaned workforce table, the open-data-table reader) and
analysis.workforce (denominators)."""
import numpy as np
import pandas as pd
import pytest

from analysis import workforce as wf
from analysis.cleaning import workforce as cw


@pytest.fixture(scope="module")
def by_type():
    return cw.clean_file(cw.read_file(cw.source_dir() / cw.BY_WORKER_TYPE_NAME))


@pytest.fixture(scope="module")
def table():
    return cw.workforce_table()


def _territorial(frame):
    return frame[frame["force_code"].str.match(r"^(E23|W15)")]


def test_load_raw_only_parses_and_locates(by_type):
    raw = cw.read_file(cw.source_dir() / cw.BY_WORKER_TYPE_NAME)
    assert raw.loc[0, "source_locator"] == "workforce_by_worker_type.csv line 2"
    assert raw.loc[0, "snapshot_date"] == "2007-03-01"  # as written; clean() maps it to 31 March
    assert raw["source_file"].eq("workforce_by_worker_type.csv").all()


def test_national_check_in_the_notes(by_type):
    """Officer FTE over the 43 forces at 31 March 2014 = 127,909.30 (Table_H3); headcount 130,514."""
    rows = _territorial(by_type)
    rows = rows[(rows["worker_type"] == "officers") & (rows["date"] == "2014-03-31")]
    assert rows["force"].nunique() == 43
    sums = rows.groupby("measure")["value"].sum()
    assert sums["fte"] == pytest.approx(127_909.30, abs=0.005)
    assert sums["headcount"] == 130_514


def test_dates_are_31_march(by_type):
    assert by_type["date"].str.fullmatch(r"20(0[7-9]|1\d|2[0-2])-03-31").all()


def test_specials_and_volunteers_fte_is_missing_not_zero(by_type):
    unpaid = by_type[by_type["worker_type"].isin(["special_constables", "police_support_volunteers"])]
    assert len(unpaid) > 0
    assert unpaid.loc[unpaid["measure"] == "fte", "value"].isna().all()
    assert (unpaid.loc[unpaid["measure"] == "headcount", "value"] > 0).any()


def test_all_paid_is_the_sum_of_its_four_parts(by_type):
    parts = by_type[by_type["worker_type"].isin(cw.PAID_PARTS)]
    summed = parts.groupby(["force", "date", "measure"])["value"].sum()
    counted = parts.groupby(["force", "date", "measure"])["value"].count()
    paid = by_type[by_type["worker_type"] == "all_paid"].set_index(["force", "date", "measure"])["value"]
    assert len(paid) == (counted == 4).sum() == 43 * 16 * 2
    assert np.allclose(paid.sort_index(), summed.loc[paid.index].sort_index(), rtol=0, atol=1e-6)
    derived = by_type[by_type["worker_type"] == "all_paid"]
    assert derived["derived"].all() and not by_type.loc[by_type["worker_type"] != "all_paid", "derived"].any()
    assert derived["source_locator"].str.match(r"^sum of workforce_by_worker_type\.csv lines \d+, \d+, \d+, \d+$").all()


def test_all_worker_types_row_is_not_carried(by_type):
    assert not by_type["raw_worker_type"].str.startswith("ALL").any()
    assert set(by_type["worker_type"]) == set(cw.WORKER_TYPES)


def test_officer_series_repeats_the_open_data_sums(by_type):
    series = cw.clean_file(cw.read_file(cw.source_dir() / cw.OFFICER_SERIES_NAME))
    s1 = series[series["preference"] == 0].set_index(["force", "date", "measure"])["value"]
    officers = by_type[by_type["worker_type"] == "officers"].set_index(["force", "date", "measure"])["value"]
    assert len(s1) == 1376
    assert np.allclose(s1.sort_index(), officers.loc[s1.index].sort_index(), atol=0.005)


def test_workforce_table_adds_btp_and_later_years_without_duplicates(table):
    btp = table[table["force"] == "British Transport Police"]
    assert set(btp["date"]) == {f"{y}-03-31" for y in range(2015, 2020)}
    assert (btp["force_code"] == "").all()
    assert table.loc[table["date"] == "2025-03-31", "preference"].eq(3).all()  # press reports only
    primary = table[table["preference"] == 0]
    assert not primary.duplicated(["force", "date", "worker_type", "measure"]).any()


# ---------------------------------------------------------------- the open data table layout (synthetic)

HEADER_2022 = ["As at 31 March", "Geo code", "Force Name", "Region", "Sex", "Rank description",
               "Worker Type", "Total headcount", "Total FTE"]
HEADER_2026 = ["As at 31 March", "Geocode", "Force name", "Region", "Sex", "Rank", "Worker type",
               "Total (Headcount)", "Total (FTE)"]
# SYNTHETIC rows in the Home Office layout (numbers invented for the test; not real workforce figures).
SYNTHETIC_ROWS = [
    [2020, "E23000032", "Kent", "South East", "Male", "Constable", "Police Officer", 100, 98.5],
    [2020, "E23000032", "Kent", "South East", "Female", "Constable", "Police Officer", 50, 45.25],
    [2020, "E23000032", "Kent", "South East", "Male", "Sergeant", "Police Officer", 10, 10],
    [2020, "E23000032", "Kent", "South East", "Female", "Police Staff", "Police Staff", 40, 35.5],
    [2020, "E23000032", "Kent", "South East", "Male", "Community Support Officer",
     "Police Community Support Officer", 5, 4.5],
    [2020, "E23000032", "Kent", "South East", "Male", "Designated Detention Officer (S.38)",
     "Designated Officer", 2, 2],
    [2020, "E23000032", "Kent", "South East", "Male", "Special Constable", "Special Constable", 20, "N/A"],
    [2020, "E23000032", "Kent", "South East", "Female", "Police Support Volunteer",
     "Police support volunteer", 3, "N/A"],
    [2021, "E23000034", "London, City of", "London", "Male", "Constable", "police officer", 7, 6.5],
]


def _write_csv(tmp_path, header, rows, name="synthetic_open_data_table.csv"):
    path = tmp_path / "synthetic_source" / name
    path.parent.mkdir(exist_ok=True)
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


def _write_xlsx(tmp_path, header, rows, suffix=".xlsx"):
    path = tmp_path / "synthetic_source" / f"synthetic_open_data_table{suffix}"
    path.parent.mkdir(exist_ok=True)
    with pd.ExcelWriter(path, engine="odf" if suffix == ".ods" else "openpyxl") as writer:
        pd.DataFrame([["SYNTHETIC test sheet, not Home Office data"]]).to_excel(
            writer, sheet_name="Cover", index=False, header=False)
        # a title line above the header, as spreadsheets often have
        grid = pd.DataFrame([["Police workforce open data table (synthetic)"] + [""] * 8, header] + rows)
        grid.to_excel(writer, sheet_name="Data", index=False, header=False)
    return path


def _value(frame, force, date, worker_type, measure):
    row = frame[(frame["force"] == force) & (frame["date"] == date) & (frame["worker_type"] == worker_type)
                & (frame["measure"] == measure)]
    assert len(row) == 1, row
    return row["value"].iloc[0]


def _check_synthetic_sums(frame):
    assert _value(frame, "Kent Police", "2020-03-31", "officers", "headcount") == 160
    assert _value(frame, "Kent Police", "2020-03-31", "officers", "fte") == pytest.approx(153.75)
    assert _value(frame, "Kent Police", "2020-03-31", "staff", "fte") == pytest.approx(35.5)
    assert _value(frame, "Kent Police", "2020-03-31", "special_constables", "headcount") == 20
    assert np.isnan(_value(frame, "Kent Police", "2020-03-31", "special_constables", "fte"))
    assert np.isnan(_value(frame, "Kent Police", "2020-03-31", "police_support_volunteers", "fte"))
    assert _value(frame, "Kent Police", "2020-03-31", "all_paid", "headcount") == 207
    assert _value(frame, "Kent Police", "2020-03-31", "all_paid", "fte") == pytest.approx(195.75)
    city = frame[frame["date"] == "2021-03-31"]
    assert set(city["worker_type"]) == {"officers"}  # no all_paid without all four parts
    assert _value(frame, city["force"].iloc[0], "2021-03-31", "officers", "fte") == pytest.approx(6.5)
    assert frame["source_id"].eq("synthetic_source").all()


def test_read_open_data_table_csv_sums(tmp_path):
    frame = cw.read_open_data_table(_write_csv(tmp_path, HEADER_2022, SYNTHETIC_ROWS))
    _check_synthetic_sums(frame)
    officers = frame[(frame["worker_type"] == "officers") & (frame["date"] == "2020-03-31")]
    assert officers["source_locator"].iloc[0] == "sum of 3 rows of synthetic_open_data_table.csv lines 2-4"


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_read_open_data_table_spreadsheet_with_2026_headers(tmp_path, suffix):
    frame = cw.read_open_data_table(_write_xlsx(tmp_path, HEADER_2026, SYNTHETIC_ROWS, suffix))
    _check_synthetic_sums(frame)
    officers = frame[(frame["worker_type"] == "officers") & (frame["date"] == "2020-03-31")]
    # row 1 is the title line, row 2 the header: the three officer rows are spreadsheet rows 3-5
    assert officers["source_locator"].iloc[0] == f"sum of 3 rows of synthetic_open_data_table{suffix} sheet Data rows 3-5"


def test_headers_match_case_and_spacing_insensitively(tmp_path):
    messy = ["  as at 31  march", "GEO CODE", "force_name", "Region", "Sex", "Rank", "worker  type",
             "Total Headcount ", "total (fte)"]
    _check_synthetic_sums(cw.read_open_data_table(_write_csv(tmp_path, messy, SYNTHETIC_ROWS)))


def test_unknown_worker_type_names_file_row_and_text(tmp_path):
    rows = SYNTHETIC_ROWS + [[2020, "E23000032", "Kent", "South East", "Male", "Warden", "Traffic Warden", 1, 1]]
    path = _write_csv(tmp_path, HEADER_2022, rows)
    with pytest.raises(ValueError, match=r"synthetic_open_data_table\.csv line 11.*'Traffic Warden'"):
        cw.read_open_data_table(path)


def test_unknown_force_names_file_row_and_text(tmp_path):
    rows = [[2020, "", "Police Scotland", "", "Male", "Constable", "Police Officer", 1, 1]]
    path = _write_xlsx(tmp_path, HEADER_2022, rows)
    with pytest.raises(ValueError, match=r"synthetic_open_data_table\.xlsx sheet Data row 3.*Police Scotland"):
        cw.read_open_data_table(path)


def test_missing_columns_are_reported(tmp_path):
    path = _write_csv(tmp_path, ["Year", "Force", "Worker", "Headcount", "FTE", "a", "b", "c", "d"],
                      SYNTHETIC_ROWS)
    with pytest.raises(ValueError, match="no header row"):
        cw.read_open_data_table(path)


# ---------------------------------------------------------------- denominators

def test_denominator_matches_population(table):
    officers, text = wf.denominator(table, "Kent", "2014-03-31", "officers")
    assert officers == _value(table[table["preference"] == 0], "Kent Police", "2014-03-31", "officers", "headcount")
    assert "police officers, headcount" in text
    everyone, text = wf.denominator(table, "Kent Police", "2014-03-31", "all_personnel")
    paid = table[(table["force"] == "Kent Police") & (table["date"] == "2014-03-31")
                 & table["worker_type"].isin(cw.PAID_PARTS) & (table["measure"] == "headcount")]
    assert everyone == paid["value"].sum() > officers
    staff, _ = wf.denominator(table, "Kent", "2014-03-31", "staff")
    assert staff + officers == everyone
    fte, text = wf.denominator(table, "Kent", "2014-03-31", "officers", measure="fte")
    assert fte < officers and "fte" in text


def test_national_denominator(table):
    assert wf.denominator(table, "England and Wales", "2014-03-31", "officers")[0] == 130_514
    assert wf.denominator(table, "England and Wales", "2014-03-31", "officers", measure="fte")[0] == \
        pytest.approx(127_909.30)


def test_denominator_refuses_what_it_cannot_match(table):
    with pytest.raises(ValueError):
        wf.denominator(table, "Kent", "2014-03-31", "unknown")
    with pytest.raises(ValueError):
        wf.denominator(table, "Kent", "2014-09-30", "officers")
    with pytest.raises(KeyError):
        wf.denominator(table, "Kent", "2030-03-31", "officers")
    with pytest.raises(ValueError):
        wf.denominator(table, "Police Scotland", "2014-03-31", "officers")


def test_average_denominator_for_the_pa_2014_period(table):
    assert wf.march_dates_within("2009-01-01", "2014-02-17") == [f"{y}-03-31" for y in range(2009, 2014)]
    value, text = wf.average_denominator(table, "Kent", "2009-01-01", "2014-02-17", "officers")
    singles = [wf.denominator(table, "Kent", f"{y}-03-31", "officers")[0] for y in range(2009, 2014)]
    assert value == pytest.approx(np.mean(singles))
    assert "2009, 2010, 2011, 2012, 2013" in text
    with pytest.raises(ValueError):
        wf.average_denominator(table, "Kent", "2014-04-01", "2015-02-01", "officers")
