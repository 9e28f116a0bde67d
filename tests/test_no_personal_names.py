"""No personal names of officers, staff or victims in any dataset (raw or processed)."""
import re

import pandas as pd
import pytest

from analysis.paths import DATA_DIR, PROCESSED_DIR

# Names of officers that appear in the articles the project started from (the research folder's seeds): they must
# never reach a dataset. Extend this list when a new source names someone.
NAMES_SEEN_IN_SOURCES = ["Hannam", "Tuffrey", "Adderley"]
# A title followed by a capitalised first and last name ("PC Jane Smith", "Sergeant John Smith").
TITLED_NAME = re.compile(r"\b(?:PC|Pc|PCSO|Sgt|Sergeant|DC|DS|Detective Sergeant|Constable|Inspector|Mr|Mrs|Ms|Miss)"
                         r"\.? [A-Z][a-z]+ [A-Z][a-z]{2,}\b")


def _data_files():
    return sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p.suffix in (".csv", ".txt", ".yml", ".json"))


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: str(p.relative_to(DATA_DIR)))
def test_known_names_absent(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    for name in NAMES_SEEN_IN_SOURCES:
        assert name not in text, f"{path}: contains the personal name {name!r}"


@pytest.mark.parametrize("name", ["observations", "cases"])
def test_no_titled_names_in_processed_text(name):
    frame = pd.read_csv(PROCESSED_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
    for column in frame.columns:
        for i, cell in enumerate(frame[column]):
            match = TITLED_NAME.search(cell)
            assert match is None, f"{name}.csv row {i + 2}, column {column}: looks like a name: {match.group(0)!r}"


def test_the_name_pattern_can_fail():
    assert TITLED_NAME.search("a statement by PC Jane Smith today")
    assert not TITLED_NAME.search("a PC received a written warning")
