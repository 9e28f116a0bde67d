"""Every raw value appears in its own snippet as written: a mistyped value cannot pass.

The matching rules are in analysis.snippets; the rows checked are every figures*.csv in data/raw (figures.csv and
further outlets' figures_<outlet>.csv), read straight from the files, not from data/processed."""
import csv
from pathlib import Path

import pytest

from analysis import snippets, sources
from analysis.cleaning import RawDataError
from analysis.cleaning import figures as cleaner
from analysis.paths import RAW_DIR

SYNTHETIC = Path(__file__).parent / "synthetic"


@pytest.mark.parametrize("value, snippet, unit", [
    ("18", "there were 18 cases", "count"),
    ("eighteen", "Eighteen officers were investigated", "count"),
    ("more than 50", "More than 50 employees were investigated", "count"),
    ("1,051", "a total of 1,051 complaints", "count"),
    ("Nine percent", "nine percent left the force", "percent"),
    ("9%", "Nearly one in 10 (9%) resigned", "percent"),
    ("14 per cent", "some 14 per cent faced no action", "percent"),
    ("third highest", "the third highest in the country", "rank"),
    ("twenty-one", "twenty\u2011one officers", "count"),            # a non-breaking hyphen in the page
    ("229", "229allegations were finalised[2]", "count"),          # PDF text glues words to numbers
    ("8", "North Wales Police,8,2781", "count"),                     # a CSV-style snippet: cells, not 8,278
    ("2781", "North Wales Police,8,2781", "count"),
    ("2.9", "North Wales Police,4,7,1,8,2781,2.9", "rate_per_1000"),
    ("a", "a detective constable was dismissed", "count"),
    ("NIL", "Social media related - NIL", "count"),
    ("18", "18.", "count"),                                          # the end of a sentence
    ("5", "five ... 5, 4 and 5", "count"),
])
def test_values_written_as_in_their_snippet_are_found(value, snippet, unit):
    assert snippets.appears_as_written(value, snippet, unit)


@pytest.mark.parametrize("value, snippet, unit", [
    ("81", "there were 18", "count"),                 # transposed digits
    ("8", "there were 18", "count"),                  # a digit of a longer number
    ("1", "there were 18", "count"),
    ("around 18", "there were 18", "count"),          # a qualifier the snippet does not have
    ("more than 50", "55 were investigated", "count"),
    ("1051", "a total of 1,051 complaints", "count"), # not as written
    ("1", "a total of 1,051 complaints", "count"),
    ("051", "a total of 1,051 complaints", "count"),
    ("9", "9.5 per 1,000", "rate_per_1000"),
    ("eight", "eighteen officers", "count"),
    ("eight", "twenty-eight officers", "count"),
    ("twenty", "twenty-one officers", "count"),
    ("Nine percent", "ninety percent", "percent"),
    ("third", "a thirdly placed force", "rank"),
    ("18", "the 18th force", "count"),
    ("9", "9% were dismissed", "count"),              # a count is not the number of a percentage
    ("9", "9 per cent were dismissed", "count"),
    ("", "there were 18", "count"),
])
def test_values_not_in_their_snippet_as_written_are_caught(value, snippet, unit):
    assert not snippets.appears_as_written(value, snippet, unit)


def _figures_files():
    return sorted(RAW_DIR.rglob("figures*.csv"))


def test_every_figures_file_in_data_raw_is_listed_and_read():
    listed = {RAW_DIR / e["id"] / name for e in sources.manifest() for name in cleaner.figure_files(e)}
    assert set(_figures_files()) == listed
    assert len(listed) >= 30


def test_every_raw_value_appears_in_its_own_snippet_as_written():
    failures, rows = [], 0
    for path in _figures_files():
        with open(path, encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                rows += 1
                if not snippets.appears_as_written(row["value_as_published"], row["snippet"], row["unit"]):
                    failures.append(f"{path.relative_to(RAW_DIR)} line {line}: "
                                    f"{snippets.explain(row['value_as_published'], row['snippet'])}")
    assert rows >= 500
    assert not failures, "\n".join(failures)


def test_a_synthetic_mistyped_row_is_caught_naming_file_line_and_what_the_snippet_holds():
    raw = cleaner.read_file(SYNTHETIC / "figures_syntheticmistyped.csv")
    with pytest.raises(RawDataError) as err:
        cleaner.check_snippets(raw)
    message = str(err.value)
    assert "figures_syntheticmistyped.csv line 3" in message and "value_as_published" in message
    assert "'81' is not in its snippet as written (the snippet's numbers: 18, 2009, 2014)" in message
    cleaner.check_snippets(raw.iloc[:1])  # line 2 ("18" in "there were 18") passes


def test_a_qualifier_the_snippet_does_not_have_is_caught():
    raw = cleaner.read_file(SYNTHETIC / "figures_syntheticqualifier.csv")
    with pytest.raises(RawDataError, match="'around 18' is not in its snippet"):
        cleaner.check_snippets(raw)


def test_the_build_runs_the_check_on_every_figures_file(project):
    """A mistyped row dropped into a study's folder (and listed with its checksum) stops the build."""
    import shutil

    import yaml

    from analysis import paths
    from analysis.pipeline import rebuild
    pa = "pa_socialmedia_2009-2014_2014-08"
    target = paths.RAW_DIR / pa / "figures_syntheticmistyped.csv"
    shutil.copyfile(SYNTHETIC / target.name, target)
    entries = yaml.safe_load(paths.SOURCES_YML.read_text(encoding="utf-8"))
    next(e for e in entries if e["id"] == pa)["files"].append({"path": target.name, "sha256": sources.sha256(target)})
    paths.SOURCES_YML.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    sources._read_manifest.cache_clear()
    with pytest.raises(RawDataError, match="figures_syntheticmistyped.csv line 3, column value_as_published: '81'"):
        rebuild(out_dir=paths.PROCESSED_DIR)


def test_kept_text_files_pair_each_figures_file_with_its_own_text():
    names = ["figures.csv", "capture.txt", "reply_table.csv", "figures_salisburyjournal.csv",
             "capture_salisburyjournal.txt", "cases_edp24.csv", "capture_edp24.txt", "workforce_notes.md"]
    assert sources.kept_text_files(names, "figures.csv") == ["capture.txt", "reply_table.csv", "workforce_notes.md"]
    assert sources.kept_text_files(names, "figures_salisburyjournal.csv") == ["capture_salisburyjournal.txt"]
    assert sources.kept_text_files(names, "figures_kentishexpress.csv") == []


def test_every_snippet_is_in_the_text_its_source_kept():
    """Where a source kept the text it read, each figures row's snippet is in it verbatim, so the value is found
    in its own raw file as well as in its snippet."""
    checked = 0
    for entry in sources.manifest():
        for name in cleaner.figure_files(entry):
            raw = cleaner.read_file(RAW_DIR / entry["id"] / name)
            cleaner.check_kept_text(raw, RAW_DIR / entry["id"], entry, name)
            if sources.kept_text_files([i["path"] for i in entry["files"]], name):
                checked += len(raw)
    assert checked >= 300


def test_a_snippet_missing_from_its_capture_is_caught(tmp_path):
    from analysis.additions import check_file
    folder = tmp_path / "staging"
    folder.mkdir()
    (folder / "figures_synthetic.csv").write_bytes((SYNTHETIC / "figures_synthetic.csv").read_bytes())
    (folder / "capture_synthetic.txt").write_text("SYNTHETIC: a page that says something else\n", encoding="utf-8")
    entry = sources.source("pa_socialmedia_2009-2014_2014-08")
    with pytest.raises(RawDataError, match=r"figures_synthetic.csv line 2, column snippet: .*not in the text kept "
                                           r"beside it \(capture_synthetic.txt\)"):
        check_file(folder / "figures_synthetic.csv", entry)
    (folder / "capture_synthetic.txt").write_bytes((SYNTHETIC / "capture_synthetic.txt").read_bytes())
    assert len(check_file(folder / "figures_synthetic.csv", entry)) == 1
