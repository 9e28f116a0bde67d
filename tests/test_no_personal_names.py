"""No personal names of officers, staff or victims in any dataset (raw or processed)."""
import re

import pandas as pd
import pytest

from analysis.paths import DATA_DIR, PROCESSED_DIR, PROJ_ROOT

# Names of officers and victims that appear in the pages the project read (the seeds; the issue-10 research, where
# some pages' web addresses carry a name): they must never reach a dataset, a url included. Extend this list when a
# new source names someone. Each name is looked for as written and as a web address writes it ("andrew-stevens").
NAMES_SEEN_IN_SOURCES = ["Hannam", "Tuffrey", "Adderley",
                         "Couzens",  # the former officer in the Hastings Observer's and a Guardian page's address
                         "Andrew Stevens",  # a Staffordshire officer, in a ukcp.uk page's address
                         "Amber Peat"]  # a victim, in a Gainsborough Standard page's address
# The coverage log (every page searched and found) is checked with the data: it holds candidates' web addresses.
LOGS = [PROJ_ROOT / "docs" / "coverage_log.csv", PROJ_ROOT / "docs" / "coverage_log.md"]
# A title followed by a capitalised first and last name ("PC Jane Smith", "Sergeant John Smith").
TITLED_NAME = re.compile(r"\b(?:PC|Pc|PCSO|Sgt|Sergeant|DC|DS|Detective Sergeant|Constable|Inspector|Mr|Mrs|Ms|Miss)"
                         r"\.? [A-Z][a-z]+ [A-Z][a-z]{2,}\b")


def _data_files():
    return sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p.suffix in (".csv", ".txt", ".yml", ".json")) + LOGS


def _forms(name: str) -> tuple[str, str]:
    return name, name.lower().replace(" ", "-")


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: str(p.relative_to(PROJ_ROOT)))
def test_known_names_absent(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    for name in NAMES_SEEN_IN_SOURCES:
        for form in _forms(name):
            assert form not in text, f"{path}: contains the personal name {name!r} (as {form!r})"


def test_a_name_in_a_web_address_is_caught():
    url = "https://www.example.org/news/crime/officer-investigated-after-inquiry-linked-to-andrew-stevens-123"
    assert any(form in url for form in _forms("Andrew Stevens"))


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
