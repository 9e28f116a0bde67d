"""The Excel workbook: every data sheet equals its CSV cell for cell, typed, and no cell can run as a formula."""
import datetime as dt
import math
import zipfile

import openpyxl
import pandas as pd
import pytest

from analysis import export, paths, sources, tables
from analysis.paths import PROCESSED_DIR


@pytest.fixture(scope="module")
def synthetic_figures(tmp_path_factory):
    """A synthetic figures/ folder (what issue 8's build writes): an index and one figure's data, with a
    formula-like text cell, a date column, numbers and blanks."""
    folder = tmp_path_factory.mktemp("figures")
    tables.write_csv(pd.DataFrame({
        "file": ["synthetic_funnel"], "title": ["=HYPERLINK(\"http://evil.example\",\"click\")"],
        "alt_text": ["A synthetic chart"], "notebook": ["02_forces"], "sources": ["pa_socialmedia_2009-2014_2014-08"]}),
        folder / "index.csv")
    tables.write_csv(pd.DataFrame({
        "force": ["Kent Police", "+44 Essex", "@SUM(A1)", "-1 minus"], "date": ["2014-02-17", "", "2009-01-01", "2010-03-31"],
        "count": ["55", "", "7", "0"], "rate_per_1000": ["8.24", "1.5", "", "0.125"],
        "source_id": ["synthetic_source"] * 4}), folder / "synthetic_funnel.csv")
    return folder


@pytest.fixture(scope="module")
def workbook(tmp_path_factory, synthetic_figures):
    mp = pytest.MonkeyPatch()
    mp.setattr(paths, "FIGURES_DIR", synthetic_figures)
    try:
        path = export.export(tmp_path_factory.mktemp("reports") / "wb.xlsx")
        again = export.build_workbook()
    finally:
        mp.undo()
    return path, again


@pytest.fixture(scope="module")
def loaded(workbook):
    return openpyxl.load_workbook(workbook[0])


def _plan(folder):
    mp = pytest.MonkeyPatch()
    mp.setattr(paths, "FIGURES_DIR", folder)
    try:
        return export.sheets()
    finally:
        mp.undo()


def _same(csv_text: str, kind: str, cell) -> bool:
    if csv_text == "":
        return cell is None or (isinstance(cell, float) and math.isnan(cell))
    if kind == "number":
        value = float(csv_text)
        if math.isinf(value):
            return cell == csv_text or cell == value
        return isinstance(cell, (int, float)) and not isinstance(cell, bool) and math.isclose(cell, value, rel_tol=0,
                                                                                              abs_tol=0)
    if kind == "date":
        return isinstance(cell, (dt.datetime, pd.Timestamp)) and cell.date() == dt.date.fromisoformat(csv_text)
    if kind == "bool":
        return cell is {"True": True, "False": False}[csv_text] or cell == (csv_text == "True")
    return cell == csv_text


def _read_back(path) -> dict:
    return pd.read_excel(path, sheet_name=None, dtype=object, keep_default_na=False, na_values=[])


@pytest.fixture(scope="module")
def read_back(workbook):
    """The synthetic-figures workbook read back with pandas, every sheet, once."""
    return _read_back(workbook[0])


def _differences(back: dict, plan) -> list[str]:
    """Every cell of the workbook read back (`back`, as _read_back gives it) that differs from its CSV (sheets
    in the order of `plan`)."""
    names = [p[0] for p in plan]
    if list(back) != ["About"] + names:
        return [f"sheets {list(back)} instead of {['About'] + names}"]
    found = []
    for name, _, csv_path, kinds in plan:
        csv = tables.read_csv(csv_path)
        sheet = back[name]
        if list(sheet.columns) != list(csv.columns) or len(sheet) != len(csv):
            found.append(f"{name}: {len(sheet)} rows {list(sheet.columns)} vs {csv_path.name}: {len(csv)} rows "
                         f"{list(csv.columns)}")
            continue
        for column in csv.columns:
            for i, (text, cell) in enumerate(zip(csv[column], sheet[column])):
                cell = None if cell == "" else cell
                if not _same(text, kinds[column], cell):
                    found.append(f"{name}!{column} row {i + 2}: {text!r} vs {cell!r}")
    return found


def test_every_data_sheet_equals_its_csv_cell_for_cell(read_back, synthetic_figures):
    plan = _plan(synthetic_figures)
    names = [p[0] for p in plan]
    assert {n for n in names if not n.startswith(("fig_", "figures_"))} == \
        {p.stem for p in PROCESSED_DIR.glob("*.csv")}
    assert "figures_index" in names and "fig_synthetic_funnel" in names
    assert _differences(read_back, plan) == []


def test_a_changed_csv_is_caught(read_back, synthetic_figures, tmp_path):
    """The comparison can fail: one cell of a figure's CSV changed after the workbook was written."""
    changed = tmp_path / "figures"
    changed.mkdir()
    for f in synthetic_figures.iterdir():
        (changed / f.name).write_bytes(f.read_bytes())
    text = (changed / "synthetic_funnel.csv").read_text().replace("8.24", "8.25")
    (changed / "synthetic_funnel.csv").write_text(text)
    found = _differences(read_back, _plan(changed))
    assert len(found) == 1 and "fig_synthetic_funnel!rate_per_1000 row 2" in found[0]


def test_the_committed_workbook_is_in_step_with_the_csvs():
    """reports/police-social-media-misconduct.xlsx as committed: every sheet equals today's CSV in
    data/processed/ and figures/, and the About sheet lists every source (run `make all` after a change)."""
    assert paths.WORKBOOK.exists(), f"{paths.WORKBOOK} is missing: run `make all`"
    assert _differences(_read_back(paths.WORKBOOK), export.sheets()) == []
    about = pd.read_excel(paths.WORKBOOK, sheet_name="About", header=None, dtype=str).fillna("")
    listed = set(about[0])
    assert {e["id"] for e in sources.manifest()} <= listed


def test_types_numbers_dates_and_text(loaded):
    wb = loaded
    obs = wb["observations"]
    header = [c.value for c in obs[1]]
    first = {h: c for h, c in zip(header, obs[2])}
    assert first["value"].data_type == "n" and first["value"].number_format != "General"
    assert first["period_start"].is_date and first["period_start"].number_format == "yyyy-mm-dd"
    assert first["snippet"].data_type == "s"
    wf = wb["workforce"]
    derived = [c.value for c in wf["I"][1:50]]
    assert wf["I1"].value == "derived" and all(isinstance(v, bool) for v in derived)
    assert wb["fig_synthetic_funnel"]["B2"].is_date and wb["fig_synthetic_funnel"]["C2"].value == 55
    for ws in wb.worksheets[1:]:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws["A1"].font.b
        assert 4 <= ws.column_dimensions["A"].width <= export.MAX_WIDTH


def test_no_cell_can_run_as_a_formula(workbook, loaded):
    path, _ = workbook
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    wb = loaded
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.data_type == "s" and cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                    seen += 1
    assert seen >= 4  # the synthetic '=HYPERLINK(...)', '+44', '@SUM' and '-1' cells at least
    title = wb["figures_index"]["B2"]
    assert title.value == '=HYPERLINK("http://evil.example","click")' and title.data_type == "s"


def test_synthetic_formula_text_written_alone_stays_text(tmp_path):
    frame = pd.DataFrame({"text": ['=HYPERLINK("http://x","y")', "=1+1", "plain"]})
    wb = openpyxl.Workbook()
    export.write_sheet(wb.active, frame, {"text": "text"})
    wb.save(tmp_path / "synthetic.xlsx")
    back = pd.read_excel(tmp_path / "synthetic.xlsx")
    assert back["text"].tolist() == frame["text"].tolist()
    cell = openpyxl.load_workbook(tmp_path / "synthetic.xlsx").active["A2"]
    assert cell.data_type == "s" and cell.quotePrefix


def test_about_sheet_lists_every_source(workbook):
    path, _ = workbook
    about = pd.read_excel(path, sheet_name="About", header=None, dtype=str).fillna("")
    cells = set(about.to_numpy().ravel())
    for entry in sources.manifest():
        assert entry["id"] in cells and entry["url"] in cells
        row = about[about[0] == entry["id"]].iloc[0]
        assert row[1] == entry["title"] and row[5] == str(entry["licence"])
        for caveat in entry["caveats"]:
            assert caveat in row[7]


def test_rebuilding_gives_identical_bytes(workbook):
    path, again = workbook
    assert path.read_bytes() == again
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {export.FIXED_ZIP_TIME}
        core = z.read("docProps/core.xml").decode()
    assert export._fixed_date().strftime("%Y-%m-%d") in core


def test_sheet_names_fit_excel(synthetic_figures):
    used = set()
    names = [export._sheet_name("fig_" + "x" * 40, used), export._sheet_name("fig_" + "x" * 40, used)]
    assert all(len(n) <= 31 for n in names) and names[0] != names[1]
    assert export._sheet_name("a/b:c", set()) == "a_b_c"
