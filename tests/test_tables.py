import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis import tables


@given(st.text())
def test_formula_escaping_round_trips(text):
    assert tables.unescape_formula(tables.escape_formula(text)) == text


def test_escaped_cells_do_not_start_with_a_formula_character():
    for text in ["=1+1", "+44", "-", "@SUM(A1)", "=HYPERLINK(\"x\")"]:
        assert tables.escape_formula(text).startswith("'")
    assert tables.escape_formula("88") == "88"


def test_write_then_read_keeps_text_and_numbers(tmp_path):
    frame = pd.DataFrame({"a": ["=cmd", "-", "plain", ""], "n": [1.5, float("nan"), 3.0, 0.0]})
    path = tmp_path / "t.csv"
    tables.write_csv(frame, path)
    assert "'=cmd" in path.read_text()
    back = tables.read_csv(path, numeric_columns=("n",))
    assert back["a"].tolist() == ["=cmd", "-", "plain", ""]
    assert back["n"].isna().tolist() == [False, True, False, False]
    assert back["n"].fillna(-1).tolist() == [1.5, -1, 3.0, 0.0]
